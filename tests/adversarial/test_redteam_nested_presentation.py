"""Attack class: a presentation inside a presentation (replay and stolen holder binding).

Mallory captured a presentation Alice made for verifier A (Alice's proof, ``authentication``, challenge
``A``). Verifier B asks Mallory for a presentation with challenge ``B``. Mallory signs an outer
presentation with challenge ``B`` herself and puts Alice's captured presentation inside it, as a member
of ``verifiableCredential`` (a JSON object, a VP-JWT string or an ``EnvelopedVerifiablePresentation``).
If the inner presentation were accepted, its credential would be "presented by its subject" (Alice signed
the inner one) while the challenge that binds the exchange to verifier B is only on Mallory's proof: the
``holder_binding`` check of Alice's credential would pass, and replay protection would be bypassed.

VCDM 2.0 §4.13: a presentation's ``verifiableCredential`` holds verifiable credentials (or enveloped
ones, §4.13.1); a presentation is not a credential. Refused when the input is read (``InputError``, a
``PARSING_ERROR`` whose pointer names the member), before any proof is judged.
"""

from __future__ import annotations

import base64

import pytest

from tests.core.credentials import VC1, VC2, issued_to, ob3_credential, vc11_credential
from tests.signing import new_key, sign_jwt, sign_ldp
from verifier.errors import InputError

ALICES_CHALLENGE, MALLORYS_CHALLENGE = "challenge-verifier-a", "challenge-verifier-b"


@pytest.fixture(scope="module")
def parties():
    return {"issuer": new_key(), "alice": new_key(), "mallory": new_key()}


def _alices_vp(parties) -> dict:
    credential = sign_ldp(issued_to(ob3_credential(parties["issuer"].did), parties["alice"].did), parties["issuer"])
    vp = {"@context": [VC2], "type": ["VerifiablePresentation"], "holder": parties["alice"].did,
          "verifiableCredential": [credential]}
    return sign_ldp(vp, parties["alice"], purpose="authentication", extra={"challenge": ALICES_CHALLENGE})


def _alices_vp_jwt(parties) -> str:
    credential = sign_jwt({"iss": parties["issuer"].did,
                           "vc": issued_to(vc11_credential(parties["issuer"].did), parties["alice"].did)},
                          parties["issuer"])
    return sign_jwt({"iss": parties["alice"].did, "nonce": ALICES_CHALLENGE,
                     "vp": {"@context": [VC1], "type": ["VerifiablePresentation"],
                            "verifiableCredential": [credential]}}, parties["alice"])


def _mallorys_vp(parties, member) -> dict:
    vp = {"@context": [VC2], "type": ["VerifiablePresentation"], "verifiableCredential": [member]}
    return sign_ldp(vp, parties["mallory"], purpose="authentication", extra={"challenge": MALLORYS_CHALLENGE})


async def _assert_refused(verify_vp, vp) -> None:
    with pytest.raises(InputError) as caught:
        await verify_vp(vp, challenge=MALLORYS_CHALLENGE)
    assert caught.value.pointer == "/verifiableCredential/0"
    assert "presentation cannot be carried" in caught.value.detail


async def test_baseline_alices_captured_presentation_is_refused_as_a_replay(verify_vp, parties):
    report = await verify_vp(_alices_vp(parties), challenge=MALLORYS_CHALLENGE)
    assert report.verified is False


async def test_presentation_object_inside_a_presentation(verify_vp, parties):
    await _assert_refused(verify_vp, _mallorys_vp(parties, _alices_vp(parties)))


async def test_vp_jwt_inside_a_presentation(verify_vp, parties):
    await _assert_refused(verify_vp, _mallorys_vp(parties, _alices_vp_jwt(parties)))


@pytest.mark.parametrize("media", ["application/vp+jwt", "application/jwt"])
async def test_enveloped_presentation_inside_a_presentation(verify_vp, parties, media):
    token = _alices_vp_jwt(parties)
    envelope = {"@context": [VC2], "type": "EnvelopedVerifiablePresentation", "id": f"data:{media},{token}"}
    await _assert_refused(verify_vp, _mallorys_vp(parties, envelope))


async def test_base64_enveloped_presentation_inside_a_presentation(verify_vp, parties):
    token = base64.b64encode(_alices_vp_jwt(parties).encode()).decode()
    envelope = {"@context": [VC2], "type": "EnvelopedVerifiablePresentation",
                "id": f"data:application/vp+jwt;base64,{token}"}
    await _assert_refused(verify_vp, _mallorys_vp(parties, envelope))
