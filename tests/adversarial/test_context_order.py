"""Attack class: a document whose first ``@context`` is not the VCDM base context, so that earlier
definitions could shape the meaning of VC terms (issue 8 section 2; kept behaviour, now tested).

Source: W3C VCDM 2.0 §4.3 Contexts ("the first item ... MUST be https://www.w3.org/ns/credentials/v2");
VCDM 1.1 §4.1 (``https://www.w3.org/2018/credentials/v1`` first).
"""

from __future__ import annotations

import pytest

from tests.core.credentials import OB3, VC1, VC2, ob3_credential, vc11_credential
from tests.core.helpers import result, run_verify
from tests.signing import new_key, sign_ldp
from verifier import constants as C


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_base_context_not_first_fails(suite):
    key = new_key()
    doc = ob3_credential(key.did, **{"@context": [OB3, VC2]})
    report = run_verify(sign_ldp(doc, key, suite=suite))
    assert not report.verified
    parse = result(report, C.CHECK_PARSE)
    assert parse.problem_code == C.PROBLEM_MALFORMED_VALUE_ERROR and "/@context/0" in parse.detail


def test_inline_context_first_fails():
    key = new_key()
    doc = vc11_credential(key.did, **{"@context": [{"name": "https://schema.org/name"}, VC1]})
    report = run_verify(sign_ldp(doc, key, suite="Ed25519Signature2018"))
    assert not report.verified
    assert "/@context/0" in result(report, C.CHECK_PARSE).detail


def test_base_context_first_verifies():
    key = new_key()
    assert run_verify(sign_ldp(ob3_credential(key.did), key)).verified
