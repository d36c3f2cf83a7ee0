"""Attack class: a proof dated in the future, a malformed date, or an expired proof (issue 8 section 2).

Source: VC Data Integrity 1.0 §2.1 (``created``, ``expires``) and §4.4 verification; digitalbazaar/vc#187
(proofs created in the future accepted); learningeconomy/LearnCard PR#538 (``created`` not checked).
A proof made "later" than the verification instant is one a key holder can pre-date around a revocation.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.core.credentials import ob3_credential
from tests.core.helpers import AT, outcome, result, run_verify
from tests.signing import new_key, sign_ldp
from verifier import constants as C
from verifier.timestamps import format_timestamp

SUITES = [("eddsa-rdfc-2022", "Ed25519"), ("ecdsa-rdfc-2019", "P-256"), ("eddsa-jcs-2022", "Ed25519")]


@pytest.mark.parametrize("suite,kind", SUITES)
def test_proof_created_in_the_future_fails(suite, kind):
    key = new_key(kind)
    signed = sign_ldp(ob3_credential(key.did), key, suite=suite, created=format_timestamp(AT + timedelta(hours=1)))
    report = run_verify(signed)
    assert not report.verified
    proof = result(report, C.CHECK_PROOF)
    assert proof.outcome.value == "failed" and proof.problem_code == C.PROBLEM_NOT_YET_VALID
    assert "later than now" in proof.detail


def test_created_within_the_allowed_clock_skew_passes():
    key = new_key()
    signed = sign_ldp(ob3_credential(key.did), key, created=format_timestamp(AT + timedelta(seconds=30)))
    assert outcome(run_verify(signed), C.CHECK_PROOF) == "failed"
    assert run_verify(signed, max_clock_skew_s=60).verified


@pytest.mark.parametrize("created", ["yesterday", "2026-13-01T00:00:00Z", "1767225600"])
def test_malformed_created_fails(created):
    key = new_key()
    signed = sign_ldp(ob3_credential(key.did), key, suite="eddsa-jcs-2022", created=created)
    report = run_verify(signed)
    proof = result(report, C.CHECK_PROOF)
    assert not report.verified
    assert proof.outcome.value == "failed" and proof.problem_code == C.PROBLEM_MALFORMED_VALUE_ERROR


def test_expired_proof_fails_and_a_current_one_passes():
    key = new_key()
    expired = sign_ldp(ob3_credential(key.did), key, extra={"expires": format_timestamp(AT - timedelta(days=1))})
    report = run_verify(expired)
    assert not report.verified
    proof = result(report, C.CHECK_PROOF)
    assert proof.problem_code == C.PROBLEM_PROOF_VERIFICATION_ERROR and "expired" in proof.detail
    current = sign_ldp(ob3_credential(key.did), key, extra={"expires": format_timestamp(AT + timedelta(days=1))})
    assert run_verify(current).verified
