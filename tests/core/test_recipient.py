"""The recipient check (issue 11): options.recipient against the subject's identifier entries.

OB 3.0 IdentityObject: ``identityHash`` is ``sha256$<hex>`` (or ``md5$``) over the identifier followed by
``salt`` when ``hashed`` is true, else the plain value. Every fixture is an OB 3.0 badge we sign ourselves.
"""

from __future__ import annotations

import hashlib

import pytest

from tests.core.credentials import VC2, ob3_credential
from tests.core.helpers import outcome, result, run_verify
from tests.signing import new_key, sign_ldp
from verifier import constants as C
from verifier.options import Recipient

EMAIL = "Learner.One@Example.org"


@pytest.fixture(scope="module")
def issuer():
    return new_key()


def _identity(identity_type: str, value: str, *, hashed: bool, salt: str | None = None, upper: bool = False,
              algorithm: str = "sha256") -> dict:
    entry = {"type": "IdentityObject", "identityType": identity_type, "hashed": hashed}
    if hashed:
        digest = hashlib.new(algorithm, (value + (salt or "")).encode()).hexdigest()
        entry["identityHash"] = f"{algorithm}${digest.upper() if upper else digest}"
    else:
        entry["identityHash"] = value
    if salt is not None:
        entry["salt"] = salt
    return entry


def _badge(issuer, *identifiers: dict, subject_id: str | None = None) -> dict:
    doc = ob3_credential(issuer.did)
    subject = doc["credentialSubject"]
    subject.pop("id")
    if subject_id:
        subject["id"] = subject_id
    if identifiers:
        subject["identifier"] = list(identifiers)
    return sign_ldp(doc, issuer)


def _check(report, target: str = ""):
    return result(report, C.CHECK_RECIPIENT, target)


@pytest.mark.parametrize("stated, asked", [
    (dict(value="learner.one@example.org", salt="s4lt-93"), EMAIL),  # issuer hashed the lower-cased address
    (dict(value="learner.one@example.org", salt="s4lt-93", upper=True), "learner.one@example.org"),  # upper-case hex
    (dict(value="learner.one@example.org", algorithm="md5"), EMAIL),
    (dict(value=EMAIL, salt=""), EMAIL),
])
def test_hashed_email_matches(issuer, stated, asked):
    vc = _badge(issuer, _identity("emailAddress", hashed=True, **stated))
    report = run_verify(vc, recipient=Recipient("email", asked))
    assert report.verified, report.to_json()
    check = _check(report)
    assert check.outcome.value == "passed" and check.evidence["recipient"] == {
        "type": "email", "identityType": "emailAddress", "hashed": True}
    assert C.CHECK_RECIPIENT in report.to_json()["requiredChecks"]


def test_plain_email_matches_case_insensitively(issuer):
    vc = _badge(issuer, _identity("emailAddress", EMAIL, hashed=False))
    assert run_verify(vc, recipient=Recipient("email", "LEARNER.ONE@example.ORG")).verified


def test_another_email_fails_and_the_salt_counts(issuer):
    vc = _badge(issuer, _identity("emailAddress", "learner.one@example.org", hashed=True, salt="s4lt-93"))
    report = run_verify(vc, recipient=Recipient("email", "someone.else@example.org"))
    assert not report.verified
    assert (_check(report).outcome.value, _check(report).problem_code) == ("failed", C.PROBLEM_RECIPIENT_MISMATCH)
    assert [e["code"] for e in report.errors] == [C.PROBLEM_RECIPIENT_MISMATCH]
    unsalted = _badge(issuer, _identity("emailAddress", "learner.one@example.org" + "s4lt-93", hashed=True))
    assert run_verify(unsalted, recipient=Recipient("email", "learner.one@example.org")).verified is False


def test_id_is_compared_exactly_with_student_ids_and_the_subject_id(issuer):
    vc = _badge(issuer, _identity("studentId", "S-00417-ab", hashed=True, salt="x"))
    assert run_verify(vc, recipient=Recipient("id", "S-00417-ab")).verified
    assert not run_verify(vc, recipient=Recipient("id", "S-00417-AB")).verified  # an id is not case-folded
    did_subject = _badge(issuer, subject_id="did:example:learner-9")
    report = run_verify(did_subject, recipient=Recipient("id", "did:example:learner-9"))
    assert report.verified and _check(report).evidence["recipient"]["credentialSubject"] == "did:example:learner-9"


def test_phone_with_formatting(issuer):
    vc = _badge(issuer, _identity("ext:telephone", "+15555550100", hashed=True, salt="p"))
    assert run_verify(vc, recipient=Recipient("phone", "+1 (555) 555-0100")).verified


def test_no_identifier_of_the_kind_asked_for(issuer):
    vc = _badge(issuer, _identity("studentId", "S-1", hashed=False), subject_id="did:example:learner-9")
    report = run_verify(vc, recipient=Recipient("email", EMAIL))
    assert not report.verified
    assert _check(report).problem_code == C.PROBLEM_RECIPIENT_NOT_STATED


def test_a_malformed_hash_is_a_failure_that_says_so(issuer):
    entry = _identity("emailAddress", EMAIL, hashed=True)
    entry["identityHash"] = "sha1$" + "0" * 40
    report = run_verify(_badge(issuer, entry), recipient=Recipient("email", EMAIL))
    assert not report.verified
    assert _check(report).problem_code == C.PROBLEM_RECIPIENT_MISMATCH and "sha1" in _check(report).detail


def test_without_a_recipient_option_it_does_not_apply(issuer):
    vc = _badge(issuer, _identity("emailAddress", EMAIL, hashed=False))
    report = run_verify(vc)
    assert report.verified
    assert outcome(report, C.CHECK_RECIPIENT) == "not_applicable"
    assert C.CHECK_RECIPIENT not in report.to_json()["requiredChecks"]


def test_every_credential_of_a_presentation_is_asked(issuer):
    holder = new_key()
    mine = _badge(issuer, _identity("emailAddress", EMAIL, hashed=True, salt="1"), subject_id=holder.did)
    theirs = _badge(issuer, _identity("emailAddress", "other@example.org", hashed=True, salt="2"),
                    subject_id=holder.did)
    vp = sign_ldp({"@context": [VC2], "type": ["VerifiablePresentation"], "verifiableCredential": [mine, theirs]},
                  holder, purpose="authentication")
    report = run_verify(vp, recipient=Recipient("email", EMAIL))
    assert not report.verified
    assert outcome(report, C.CHECK_RECIPIENT, "/verifiableCredential/0") == "passed"
    assert outcome(report, C.CHECK_RECIPIENT, "/verifiableCredential/1") == "failed"
    assert outcome(report, C.CHECK_RECIPIENT) == "not_applicable"  # the presentation itself names no recipient


def test_a_tampered_credential_leaves_the_recipient_undecided(issuer):
    vc = _badge(issuer, _identity("emailAddress", EMAIL, hashed=False))
    vc["credentialSubject"]["identifier"][0]["identityHash"] = "mallory@example.org"
    report = run_verify(vc, recipient=Recipient("email", "mallory@example.org"))
    assert not report.verified
    assert outcome(report, C.CHECK_PROOF) == "failed"
    assert outcome(report, C.CHECK_RECIPIENT) == "indeterminate"
