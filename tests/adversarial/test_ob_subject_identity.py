"""Attack class: an Open Badges 3.0 credential issued to nobody in particular, which anyone could
present as theirs (issue 8 section 2).

Source: 1EdTech Open Badges 3.0 data model, AchievementSubject: "either id or at least one identifier
MUST be supplied".
"""

from __future__ import annotations

import pytest

from tests.core.credentials import ob3_credential
from tests.core.helpers import result, run_verify
from tests.signing import new_key, sign_ldp
from verifier import constants as C

IDENTIFIER = {"type": "IdentityObject", "identityType": "emailAddress", "hashed": True,
              "identityHash": "sha256$" + "0" * 64, "salt": "pepper"}


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_subject_without_id_or_identifier_fails(suite):
    key = new_key()
    doc = ob3_credential(key.did)
    del doc["credentialSubject"]["id"]
    report = run_verify(sign_ldp(doc, key, suite=suite))
    assert not report.verified
    parse = result(report, C.CHECK_PARSE)
    assert parse.outcome.value == "failed" and parse.problem_code == C.PROBLEM_MALFORMED_VALUE_ERROR
    assert "AchievementSubject must have an id or an identifier" in parse.detail


def test_subject_with_an_identifier_only_verifies():
    key = new_key()
    doc = ob3_credential(key.did)
    del doc["credentialSubject"]["id"]
    doc["credentialSubject"]["identifier"] = [IDENTIFIER]
    assert run_verify(sign_ldp(doc, key)).verified


def test_rule_is_for_open_badges_only():
    """A plain VCDM credential may leave its subject unidentified (VCDM 2.0 §4.8)."""
    from tests.core.credentials import VC2
    key = new_key()
    doc = {"@context": [VC2], "type": ["VerifiableCredential"], "issuer": key.did,
           "credentialSubject": {"name": "a claim about no one in particular"}}
    assert run_verify(sign_ldp(doc, key)).verified
