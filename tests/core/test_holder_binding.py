"""The holder_binding check (issue 11): a presented credential must be presented by its subject.

Our own keys sign every fixture: an issuer, the learner (the credential's subject, whose did:key
signs their own presentations) and a stranger who copied the learner's credential.
"""

from __future__ import annotations

import pytest

from tests.core.credentials import VC1, VC2, issued_to, ob3_credential, vc11_credential

DI = "https://w3id.org/security/data-integrity/v2"
from tests.core.helpers import outcome, result, run_verify
from tests.signing import new_key, sign_jwt, sign_ldp
from verifier import constants as C

VC_AT = "/verifiableCredential/0"


@pytest.fixture(scope="module")
def keys():
    return {"issuer": new_key(), "learner": new_key(), "stranger": new_key()}


def _credential(keys, subject: str | None = "learner", **changes) -> dict:
    doc = ob3_credential(keys["issuer"].did, **changes)
    if subject is not None:
        doc = issued_to(doc, keys[subject].did if subject in keys else subject)
    return sign_ldp(doc, keys["issuer"])


def _presentation(signer, credentials: list, *, holder: str | None = "signer", **proof_extra) -> dict:
    vp = {"@context": [VC2], "type": ["VerifiablePresentation"], "verifiableCredential": credentials}
    if holder is not None:
        vp["holder"] = signer.did if holder == "signer" else holder
    return sign_ldp(vp, signer, purpose="authentication", extra=proof_extra or None)


def _warnings(report) -> list[str]:
    """Warning codes but the trust registry's (no registry is imported in these tests)."""
    return [w["code"] for w in report.warnings if w["code"] != C.PROBLEM_TRUST_NOT_CHECKED]


def test_the_learner_presenting_their_own_credential_is_verified(keys):
    report = run_verify(_presentation(keys["learner"], [_credential(keys)]))
    assert report.verified, report.to_json()
    bound = result(report, C.CHECK_HOLDER_BINDING, VC_AT)
    assert bound.outcome.value == "passed" and keys["learner"].did in bound.detail
    assert bound.evidence["signers"] == [keys["learner"].did]
    assert C.CHECK_HOLDER_BINDING in report.to_json()["requiredChecks"]


def test_the_learner_without_holder_is_verified(keys):
    report = run_verify(_presentation(keys["learner"], [_credential(keys)], holder=None))
    assert report.verified, report.to_json()
    assert outcome(report, C.CHECK_HOLDER_BINDING, VC_AT) == "passed"


@pytest.mark.parametrize("holder", ["signer", None], ids=["holder-stated", "no-holder"])
def test_a_stranger_presenting_the_learners_credential_fails(keys, holder):
    """Before issue 11 this verified, and with no holder it did not even warn."""
    report = run_verify(_presentation(keys["stranger"], [_credential(keys)], holder=holder))
    assert not report.verified
    bound = result(report, C.CHECK_HOLDER_BINDING, VC_AT)
    assert (bound.outcome.value, bound.problem_code) == ("failed", C.PROBLEM_HOLDER_NOT_SUBJECT)
    assert keys["learner"].did in bound.detail and keys["stranger"].did in bound.detail
    assert [e["code"] for e in report.errors] == [C.PROBLEM_HOLDER_NOT_SUBJECT]
    assert outcome(report, C.CHECK_PROOF) == "passed"  # every signature is good: only the binding fails


def test_a_stranger_naming_the_learner_as_holder_fails(keys):
    report = run_verify(_presentation(keys["stranger"], [_credential(keys)], holder=keys["learner"].did))
    assert not report.verified
    bound = result(report, C.CHECK_HOLDER_BINDING, VC_AT)
    assert (bound.outcome.value, bound.problem_code) == ("failed", C.PROBLEM_HOLDER_NOT_SIGNER)
    assert outcome(report, C.CHECK_ISSUER_KEY) == "failed"


def test_holder_binding_warn_and_off(keys):
    vp = _presentation(keys["stranger"], [_credential(keys)])
    warned = run_verify(vp, holder_binding="warn")
    assert warned.verified
    assert outcome(warned, C.CHECK_HOLDER_BINDING, VC_AT) == "failed"
    assert _warnings(warned) == [C.PROBLEM_HOLDER_NOT_SUBJECT]
    assert C.CHECK_HOLDER_BINDING not in warned.to_json()["requiredChecks"]
    off = run_verify(vp, holder_binding="off")
    assert off.verified
    assert outcome(off, C.CHECK_HOLDER_BINDING, VC_AT) == "not_applicable"
    assert _warnings(off) == [C.PROBLEM_HOLDER_NOT_BOUND]


def test_a_selection_of_checks_keeps_holder_binding_required(keys):
    vp = _presentation(keys["stranger"], [_credential(keys)])
    report = run_verify(vp, checks=("parse",))
    assert not report.verified
    assert report.to_json()["requiredChecks"] == ["parse", "proof", "holder_binding"]


def test_subject_named_only_by_identifier_is_not_applicable(keys):
    subject = {"type": ["AchievementSubject"], "achievement": ob3_credential("x")["credentialSubject"]["achievement"],
               "identifier": [{"type": "IdentityObject", "identityType": "emailAddress", "hashed": False,
                               "identityHash": "learner@example.org"}]}
    vc = sign_ldp(ob3_credential(keys["issuer"].did, credentialSubject=subject), keys["issuer"])
    report = run_verify(_presentation(keys["stranger"], [vc]))
    assert report.verified, report.to_json()
    bound = result(report, C.CHECK_HOLDER_BINDING, VC_AT)
    assert bound.outcome.value == "not_applicable" and "identifier" in bound.detail and "recipient" in bound.detail
    assert C.PROBLEM_HOLDER_NOT_BOUND in [w["code"] for w in report.warnings]


def test_bearer_and_non_did_subjects_are_not_applicable_with_a_warning(keys):
    context = {"@context": [VC1, DI, {"name": "https://schema.org/name"}]}
    bearer = vc11_credential(keys["issuer"].did, credentialSubject={"name": "BSc"}, **context)
    url_subject = vc11_credential(keys["issuer"].did, id="urn:uuid:9d3c2f1e-5b1a-4c6e-8d7f-0a1b2c3d4e5f",
                                  credentialSubject={"id": "https://learner.example/profile"}, **context)
    vp = sign_ldp({"@context": [VC1, DI], "type": ["VerifiablePresentation"],
                   "verifiableCredential": [sign_ldp(bearer, keys["issuer"]), sign_ldp(url_subject, keys["issuer"])]},
                  keys["stranger"], purpose="authentication")
    report = run_verify(vp)
    assert report.verified, report.to_json()
    first, second = (result(report, C.CHECK_HOLDER_BINDING, f"/verifiableCredential/{i}") for i in (0, 1))
    assert first.outcome.value == second.outcome.value == "not_applicable"
    assert "bearer" in first.detail and "not a DID" in second.detail
    assert [w["code"] for w in report.warnings].count(C.PROBLEM_HOLDER_NOT_BOUND) == 2


def test_one_of_several_subjects_may_present(keys):
    doc = issued_to(ob3_credential(keys["issuer"].did), keys["learner"].did)
    doc["credentialSubject"] = [{"id": "did:example:spouse-1"}, doc["credentialSubject"]]
    doc["type"] = ["VerifiableCredential"]  # not an OB 3.0 badge: two plain subjects
    vc = sign_ldp(doc, keys["issuer"])
    assert run_verify(_presentation(keys["learner"], [vc])).verified
    assert not run_verify(_presentation(keys["stranger"], [vc])).verified


def test_a_credential_given_alone_is_not_applicable_and_not_listed(keys):
    report = run_verify(_credential(keys))
    assert report.verified
    assert outcome(report, C.CHECK_HOLDER_BINDING) == "not_applicable"
    assert C.CHECK_HOLDER_BINDING not in report.to_json()["requiredChecks"]


def test_unproven_signatures_leave_the_binding_undecided(keys):
    tampered = _credential(keys)
    tampered["name"] = "Changed after signing"
    report = run_verify(_presentation(keys["learner"], [tampered]))
    assert not report.verified
    assert outcome(report, C.CHECK_HOLDER_BINDING, VC_AT) == "indeterminate"
    vp = _presentation(keys["learner"], [_credential(keys)])
    vp["holder"] = keys["learner"].did + "x"  # breaks the presentation's signature
    report = run_verify(vp)
    assert outcome(report, C.CHECK_PROOF) == "failed"
    assert outcome(report, C.CHECK_HOLDER_BINDING, VC_AT) == "indeterminate"


def test_a_proof_set_including_the_subjects_proof_binds(keys):
    vp = _presentation(keys["stranger"], [_credential(keys)], holder=None)
    both = sign_ldp(vp, keys["learner"], purpose="authentication")
    report = run_verify(both)
    assert report.verified, report.to_json()
    assert set(result(report, C.CHECK_HOLDER_BINDING, VC_AT).evidence["signers"]) == {
        keys["stranger"].did, keys["learner"].did}


# --- VP-JWT (VC-JWT 1.1 vp claim; VC-JOSE-COSE vp+jwt) ----------------------------------------

def _vc_jwt(keys, subject: str) -> str:
    vc = vc11_credential(keys["issuer"].did)
    del vc["credentialSubject"]["id"]
    vc["credentialSubject"]["name"] = "Learner"
    return sign_jwt({"iss": keys["issuer"].did, "sub": subject, "vc": vc}, keys["issuer"])


@pytest.mark.parametrize("presenter, verified", [("learner", True), ("stranger", False)])
def test_vp_jwt_binds_the_jwt_subject(keys, presenter, verified):
    """The credential's subject is its JWT ``sub`` (VC-JWT 1.1 §6.3.1): read, not skipped."""
    signer = keys[presenter]
    token = sign_jwt({"iss": signer.did, "vp": {"@context": [VC1], "type": ["VerifiablePresentation"],
                                               "verifiableCredential": [_vc_jwt(keys, keys["learner"].did)]}}, signer)
    report = run_verify(token)
    assert report.verified is verified, report.to_json()
    assert outcome(report, C.CHECK_HOLDER_BINDING, VC_AT) == ("passed" if verified else "failed")


def test_vcdm2_vp_jwt_by_the_learner(keys):
    inner = sign_jwt(issued_to(ob3_credential(keys["issuer"].did), keys["learner"].did), keys["issuer"], typ="vc+jwt")
    vp = {"@context": [VC2], "type": ["VerifiablePresentation"], "holder": keys["learner"].did,
          "verifiableCredential": [{"@context": VC2, "type": "EnvelopedVerifiableCredential",
                                    "id": "data:application/vc+jwt," + inner}]}
    assert run_verify(sign_jwt(vp, keys["learner"], typ="vp+jwt")).verified
    report = run_verify(sign_jwt(dict(vp, holder=keys["stranger"].did), keys["stranger"], typ="vp+jwt"))
    assert not report.verified
    assert result(report, C.CHECK_HOLDER_BINDING, VC_AT).problem_code == C.PROBLEM_HOLDER_NOT_SUBJECT
