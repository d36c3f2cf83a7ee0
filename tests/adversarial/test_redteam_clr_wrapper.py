"""Attack class: hiding someone else's credential inside a self-made CLR (holder binding by-pass).

Mallory copied Alice's badge (its subject is Alice's DID; the issuer's signature is genuine). Presented
directly, the ``holder_binding`` check refuses it (``HOLDER_NOT_SUBJECT``). So Mallory issues herself a
``ClrCredential`` (her own key, her own DID as its subject), nests Alice's badge in its
``credentialSubject.verifiableCredential``, and presents that CLR in a presentation she signs. Every
signature verifies; the CLR's subject is its presenter; Alice's badge is "carried by another credential".
Before the fix its holder binding was ``not_applicable`` and the presentation verified: a stranger's
credential accepted as the presenter's.

Rule (VCDM 2.0 §4.13 and appendix "Subject-Holder Relationships"; CLR 2.0 ``ClrSubject``: the nested
credentials are the learner's): a credential nested in a CLR that a presentation carries is presented by
that presentation's signer like any other, so the binding is checked against it. A CLR given alone
(no presentation) still makes no claim about who presents it, and endorsements stay outside the rule.
"""

from __future__ import annotations

import hashlib

from tests.core.credentials import OB3, VC2, issued_to, ob3_credential
from tests.core.helpers import AT
from tests.signing import new_key, sign_ldp
from verifier import VerifyOptions, constants as C, verify_credential, verify_presentation
from verifier.options import Recipient, ResourceConfig
from verifier.runtime import open_environment
from verifier.settings import load_settings

CLR_CONTEXT = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
NESTED = "/verifiableCredential/0/credentialSubject/verifiableCredential/0"


def _clr(issuer, subject_did: str, nested: list, data_dir, **subject) -> dict:
    doc = {
        "@context": [VC2, CLR_CONTEXT, OB3],
        "id": "urn:uuid:8f1c0d2e-3b4a-4c5d-9e6f-7a8b9c0d1e2f",
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": {"id": issuer.did, "type": ["Profile"], "name": "Mallory's Transcript Service"},
        "validFrom": "2026-01-01T00:00:00Z",
        "name": "Transcript",
        "credentialSubject": {"id": subject_did, "type": ["ClrSubject"], "verifiableCredential": nested, **subject},
    }
    return sign_ldp(doc, issuer, resources=ResourceConfig(data_dir=data_dir))


def _vp(signer, credentials, data_dir) -> dict:
    vp = {"@context": [VC2], "type": ["VerifiablePresentation"], "holder": signer.did,
          "verifiableCredential": credentials}
    return sign_ldp(vp, signer, purpose="authentication", resources=ResourceConfig(data_dir=data_dir))


async def _verify(function, data, data_dir, **options):
    async with open_environment(load_settings(data_dir=data_dir, allow_insecure_loopback=True)) as env:
        return await function(data, env=env, options=VerifyOptions(now=AT).replace(**options))


def _binding(report, target):
    return next(r for r in report.results if r.check == C.CHECK_HOLDER_BINDING and r.target == target)


def _parties():
    return {"issuer": new_key(), "alice": new_key(), "mallory": new_key()}


def _alices_badge(p) -> dict:
    return sign_ldp(issued_to(ob3_credential(p["issuer"].did), p["alice"].did), p["issuer"])


async def test_alices_badge_in_mallorys_clr_presented_by_mallory_is_refused(clr_data_dir):
    p = _parties()
    clr = _clr(p["mallory"], p["mallory"].did, [_alices_badge(p)], clr_data_dir)
    report = await _verify(verify_presentation, _vp(p["mallory"], [clr], clr_data_dir), clr_data_dir)
    assert _binding(report, "/verifiableCredential/0").outcome.value == "passed"  # the CLR is Mallory's
    nested = _binding(report, NESTED)
    assert (nested.outcome.value, nested.problem_code) == ("failed", C.PROBLEM_HOLDER_NOT_SUBJECT), nested.to_json()
    assert report.verified is False


async def test_alices_clr_with_her_own_badge_presented_by_alice_verifies(clr_data_dir):
    p = _parties()
    clr = _clr(p["issuer"], p["alice"].did, [_alices_badge(p)], clr_data_dir)
    report = await _verify(verify_presentation, _vp(p["alice"], [clr], clr_data_dir), clr_data_dir)
    assert _binding(report, NESTED).outcome.value == "passed"
    assert report.verified, report.to_json()


async def test_identifier_only_badge_in_a_clr_is_not_bound_but_warned(clr_data_dir):
    """A nested badge naming its learner only by a non-DID id binds no key: not_applicable with a warning, as
    for a credential presented directly."""
    p = _parties()
    badge = sign_ldp(issued_to(ob3_credential(p["issuer"].did), "urn:uuid:0d3c1f9a-learner"), p["issuer"])
    clr = _clr(p["issuer"], p["alice"].did, [badge], clr_data_dir)
    report = await _verify(verify_presentation, _vp(p["alice"], [clr], clr_data_dir), clr_data_dir)
    nested = _binding(report, NESTED)
    assert nested.outcome.value == "not_applicable" and nested.warnings, nested.to_json()


async def test_a_clr_given_alone_makes_no_holder_claim(clr_data_dir):
    p = _parties()
    clr = _clr(p["mallory"], p["mallory"].did, [_alices_badge(p)], clr_data_dir)
    report = await _verify(verify_credential, clr, clr_data_dir)
    assert _binding(report, "/credentialSubject/verifiableCredential/0").outcome.value == "not_applicable"


# --- the same wrapper against the recipient check --------------------------------------------------------

ALICE, MALLORY = "alice@example.org", "mallory@example.org"


def _email_identifier(email: str, salt: str = "s1") -> list[dict]:
    digest = "sha256$" + hashlib.sha256((email + salt).encode()).hexdigest()
    return [{"type": "IdentityObject", "identityType": "emailAddress", "hashed": True, "identityHash": digest,
             "salt": salt}]


def _badge_for_email(p, email: str) -> dict:
    doc = ob3_credential(p["issuer"].did)
    doc["credentialSubject"].pop("id")
    doc["credentialSubject"]["identifier"] = _email_identifier(email)
    return sign_ldp(doc, p["issuer"])


def _recipient(report, target):
    return next(r for r in report.results if r.check == C.CHECK_RECIPIENT and r.target == target)


async def test_alices_badge_in_a_clr_naming_mallory_is_not_issued_to_mallory(clr_data_dir):
    """An HR system asks "was this issued to mallory@example.org?" of a CLR Mallory made: the CLR says so,
    but the badge inside it names Alice's email (hashed), so the badge was issued to someone else."""
    p = _parties()
    clr = _clr(p["mallory"], p["mallory"].did, [_badge_for_email(p, ALICE)], clr_data_dir,
               identifier=_email_identifier(MALLORY, "s9"))
    report = await _verify(verify_credential, clr, clr_data_dir, recipient=Recipient("email", MALLORY))
    assert _recipient(report, "").outcome.value == "passed"
    nested = _recipient(report, "/credentialSubject/verifiableCredential/0")
    assert (nested.outcome.value, nested.problem_code) == ("failed", C.PROBLEM_RECIPIENT_MISMATCH), nested.to_json()
    assert report.verified is False


async def test_alices_clr_with_her_badges_is_issued_to_alice(clr_data_dir):
    """The nested badge names Alice too (a match); one that names nobody by email defers to the CLR's subject."""
    p = _parties()
    unnamed = sign_ldp(issued_to(ob3_credential(p["issuer"].did), p["alice"].did), p["issuer"])
    clr = _clr(p["issuer"], p["alice"].did, [_badge_for_email(p, ALICE), unnamed], clr_data_dir,
               identifier=_email_identifier(ALICE, "s9"))
    report = await _verify(verify_credential, clr, clr_data_dir, recipient=Recipient("email", ALICE))
    assert _recipient(report, "/credentialSubject/verifiableCredential/0").outcome.value == "passed"
    assert _recipient(report, "/credentialSubject/verifiableCredential/1").outcome.value == "not_applicable"
    assert report.verified, report.to_json()
