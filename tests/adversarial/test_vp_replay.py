"""Attack class: presentation replay. A presentation the holder made for one verifier (one challenge, one
domain) is captured and shown again to another verifier, or to the same one later.

Source: VC Data Integrity 1.0 §2.1 "Proofs" (``challenge`` and ``domain``: the verifier supplies them so
that a proof cannot be replayed; a proof whose values differ from the expected ones must fail, with
``INVALID_CHALLENGE_ERROR`` / ``INVALID_DOMAIN_ERROR``, §2.1 and the Verify Proof algorithm); VCDM 2.0
Security Considerations "Replay Attack"; VC-JWT (VCDM 1.1 §6.3.1): a VP-JWT carries the challenge in
``nonce`` and the domain in ``aud`` (RFC 7519 §4.1.3).

Refused by the ``proof`` check of the presentation (``verifier.checks.proof``): ``failed`` with
``INVALID_CHALLENGE_ERROR`` or ``INVALID_DOMAIN_ERROR``. Editing the challenge in the captured proof to
the expected value breaks the signature (``PROOF_VERIFICATION_ERROR``), because ``challenge`` and
``domain`` are signed with the proof configuration.
"""

from __future__ import annotations

import base64
import json

import pytest

from tests.core.credentials import VC1, VC2, issued_to, ob3_credential, vc11_credential
from tests.core.helpers import result
from tests.signing import new_key, sign_jwt, sign_ldp
from verifier import constants as C

CHALLENGE, DOMAIN = "9c7f3a1e-verifier-a", "jobs.verifier-a.example"


def _captured(holder, issuer, **proof_options) -> dict:
    """A genuine presentation made for verifier A (``proof_options``: challenge, domain)."""
    credential = sign_ldp(issued_to(ob3_credential(issuer.did), holder.did), issuer)
    vp = {"@context": [VC2], "type": ["VerifiablePresentation"], "holder": holder.did,
          "verifiableCredential": [credential]}
    return sign_ldp(vp, holder, purpose="authentication", extra=proof_options)


def _assert_replay_refused(report, code: str) -> None:
    assert report.verified is False
    proof = result(report, C.CHECK_PROOF)
    assert (proof.outcome.value, proof.problem_code) == ("failed", code), proof.to_json()


@pytest.fixture
def actors():
    return new_key(), new_key()


async def test_the_presentation_verifies_where_it_was_made_for(verify_vp, actors):
    holder, issuer = actors
    report = await verify_vp(_captured(holder, issuer, challenge=CHALLENGE, domain=DOMAIN),
                             challenge=CHALLENGE, domain=DOMAIN)
    assert report.verified, report.to_json()


async def test_replayed_with_another_challenge(verify_vp, actors):
    holder, issuer = actors
    vp = _captured(holder, issuer, challenge=CHALLENGE, domain=DOMAIN)
    _assert_replay_refused(await verify_vp(vp, challenge="b21d-verifier-a-next-session", domain=DOMAIN),
                           C.PROBLEM_INVALID_CHALLENGE_ERROR)


async def test_replayed_to_another_domain(verify_vp, actors):
    holder, issuer = actors
    vp = _captured(holder, issuer, challenge=CHALLENGE, domain=DOMAIN)
    _assert_replay_refused(await verify_vp(vp, challenge=CHALLENGE, domain="hr.verifier-b.example"),
                           C.PROBLEM_INVALID_DOMAIN_ERROR)


async def test_replayed_to_another_domain_among_several(verify_vp, actors):
    """``domain`` may be a list (Data Integrity §2.1); the expected one must be in it."""
    holder, issuer = actors
    vp = _captured(holder, issuer, challenge=CHALLENGE, domain=[DOMAIN, "mirror.verifier-a.example"])
    assert (await verify_vp(vp, challenge=CHALLENGE, domain="mirror.verifier-a.example")).verified
    _assert_replay_refused(await verify_vp(vp, challenge=CHALLENGE, domain="hr.verifier-b.example"),
                           C.PROBLEM_INVALID_DOMAIN_ERROR)


async def test_presentation_made_without_a_challenge(verify_vp, actors):
    """A presentation bound to nothing cannot answer a verifier's challenge or domain."""
    holder, issuer = actors
    vp = _captured(holder, issuer)
    _assert_replay_refused(await verify_vp(vp, challenge=CHALLENGE), C.PROBLEM_INVALID_CHALLENGE_ERROR)
    _assert_replay_refused(await verify_vp(vp, domain=DOMAIN), C.PROBLEM_INVALID_DOMAIN_ERROR)


@pytest.mark.parametrize("option,value", [("challenge", "b21d-verifier-b"), ("domain", "hr.verifier-b.example")])
async def test_challenge_or_domain_edited_in_the_captured_proof(verify_vp, actors, option, value):
    holder, issuer = actors
    vp = _captured(holder, issuer, challenge=CHALLENGE, domain=DOMAIN)
    vp["proof"][option] = value
    expected = {"challenge": CHALLENGE, "domain": DOMAIN, option: value}
    _assert_replay_refused(await verify_vp(vp, **expected), C.PROBLEM_PROOF_VERIFICATION_ERROR)


async def test_challenge_in_a_nested_credentials_proof_does_not_count(verify_vp, actors):
    """The holder's presentation proof has no challenge; a credential inside carries the expected one."""
    holder, issuer = actors
    credential = sign_ldp(ob3_credential(issuer.did), issuer, extra={"challenge": CHALLENGE})
    vp = sign_ldp({"@context": [VC2], "type": ["VerifiablePresentation"], "holder": holder.did,
                   "verifiableCredential": [credential]}, holder, purpose="authentication")
    _assert_replay_refused(await verify_vp(vp, challenge=CHALLENGE), C.PROBLEM_INVALID_CHALLENGE_ERROR)


# --- VP-JWT: nonce and aud ---------------------------------------------------------------------

def _vp_jwt(holder, issuer, *, nonce: str | None = CHALLENGE, aud: str | None = DOMAIN) -> str:
    credential = sign_jwt({"iss": issuer.did, "vc": issued_to(vc11_credential(issuer.did), holder.did)}, issuer)
    claims = {"iss": holder.did, "vp": {"@context": [VC1], "type": ["VerifiablePresentation"],
                                        "holder": holder.did, "verifiableCredential": [credential]}}
    claims.update({k: v for k, v in (("nonce", nonce), ("aud", aud)) if v is not None})
    return sign_jwt(claims, holder)


async def test_vp_jwt_verifies_where_it_was_made_for(verify_vp, actors):
    holder, issuer = actors
    assert (await verify_vp(_vp_jwt(holder, issuer), challenge=CHALLENGE, domain=DOMAIN)).verified


async def test_vp_jwt_replayed_with_another_nonce(verify_vp, actors):
    holder, issuer = actors
    _assert_replay_refused(await verify_vp(_vp_jwt(holder, issuer), challenge="b21d-verifier-b", domain=DOMAIN),
                           C.PROBLEM_INVALID_CHALLENGE_ERROR)
    _assert_replay_refused(await verify_vp(_vp_jwt(holder, issuer, nonce=None), challenge=CHALLENGE),
                           C.PROBLEM_INVALID_CHALLENGE_ERROR)


async def test_vp_jwt_replayed_to_another_audience(verify_vp, actors):
    holder, issuer = actors
    _assert_replay_refused(await verify_vp(_vp_jwt(holder, issuer), challenge=CHALLENGE,
                                           domain="hr.verifier-b.example"), C.PROBLEM_INVALID_DOMAIN_ERROR)
    _assert_replay_refused(await verify_vp(_vp_jwt(holder, issuer, aud=None), domain=DOMAIN),
                           C.PROBLEM_INVALID_DOMAIN_ERROR)


async def test_vp_jwt_nonce_edited_in_the_captured_token(verify_vp, actors):
    holder, issuer = actors
    header, payload, signature = _vp_jwt(holder, issuer).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["nonce"] = "b21d-verifier-b"
    edited = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    _assert_replay_refused(await verify_vp(f"{header}.{edited}.{signature}", challenge="b21d-verifier-b"),
                           C.PROBLEM_PROOF_VERIFICATION_ERROR)
