"""Property-based: re-spelling checked properties of signed credentials never turns the verdict to verified
(issue 8 section 1, "Tests"; the same attack class as :mod:`tests.adversarial.test_signed_meaning`).

Hypothesis draws an RDF suite, a credential that fails because of one property (expired, not yet valid,
carrying a status entry that cannot be confirmed, an expired proof), which property to re-spell (the
top-level one or one inside the status entry), one to three re-spellings applied in turn, and the alias
names. Whatever the combination, the verdict stays "not verified"; when the signed data is unchanged
(the signature still verifies), the refusal comes from the signed-meaning gate or from the property's
own check, never from luck.
"""

from __future__ import annotations

from functools import lru_cache

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from tests.adversarial.respell import SPELLINGS, definition, signed_bytes
from tests.adversarial.test_signed_meaning import RDF_SUITES, scenario_document, verdict
from tests.core.helpers import result
from verifier import constants as C
from verifier.errors import VerifierError

#: scenario -> the (pointer, term) choices that hide what makes it fail.
TARGETS = {
    "expired": [("", "end")],
    "not_yet_valid": [("", "start")],
    "status_hidden": [("", "credentialStatus"), ("/credentialStatus", "statusListIndex"),
                      ("/credentialStatus", "statusPurpose"), ("/credentialStatus", "statusListCredential")],
    "proof_expired": [("/proof", "expires")],
}
_RESERVED = {"id", "type", "proof", "name", "description", "issuer", "credentialSubject", "credentialStatus",
             "validFrom", "validUntil", "issuanceDate", "expirationDate", "statusListIndex", "statusPurpose",
             "statusListCredential", "expires", "created", "achievement", "criteria", "narrative"}


@pytest.fixture(scope="module")
def offline_bundle(tmp_path_factory):
    """An empty offline bundle: did:key resolves by itself; status lists are unreachable (indeterminate)."""
    return tmp_path_factory.mktemp("bundle")


@lru_cache(maxsize=None)
def _signed(scenario: str, suite: str, kind: str):
    doc, _, term = scenario_document(scenario, suite, kind)
    return doc, term


def _term_for(doc: dict, scenario_term: str, chosen: str) -> str:
    if chosen in ("start", "end"):
        return scenario_term
    return chosen


aliases = st.from_regex(r"[a-z][A-Za-z0-9]{0,10}", fullmatch=True).filter(lambda n: n not in _RESERVED)


@st.composite
def attacks(draw):
    suite, kind = draw(st.sampled_from(RDF_SUITES))
    scenario = draw(st.sampled_from(sorted(TARGETS)))
    pointer, chosen = draw(st.sampled_from(TARGETS[scenario]))
    spellings = draw(st.lists(st.sampled_from(sorted(SPELLINGS)), min_size=1, max_size=3))
    names = draw(st.lists(aliases, min_size=len(spellings), max_size=len(spellings)))
    return suite, kind, scenario, pointer, chosen, spellings, names


@settings(max_examples=250, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(attacks())
def test_respelling_never_turns_the_verdict_to_verified(offline_bundle, attack):
    suite, kind, scenario, pointer, chosen, spellings, names = attack
    original, scenario_term = _signed(scenario, suite, kind)
    term = _term_for(original, scenario_term, chosen)
    doc = original
    for spelling, name in zip(spellings, names):
        try:
            doc = SPELLINGS[spelling](doc, pointer, term, definition(term, doc), name)
        except (KeyError, ValueError, TypeError, IndexError, AttributeError):
            break  # an earlier re-spelling moved the property: this one has nothing to rewrite
    report = verdict(doc, offline_bundle)
    assert report == "unreadable" or not report.verified, report.to_json()
    try:
        same_signature = signed_bytes(doc) == signed_bytes(original)
    except VerifierError:
        same_signature = False
    if same_signature and report != "unreadable" and doc != original:
        proof = result(report, C.CHECK_PROOF)
        if proof.outcome.value == "passed":
            # the JSON reading is unchanged (e.g. a one-element array): the property's own check refused it
            failing = {"expired": C.CHECK_VALIDITY, "not_yet_valid": C.CHECK_VALIDITY,
                       "status_hidden": C.CHECK_STATUS, "proof_expired": C.CHECK_PROOF}[scenario]
            assert result(report, failing).outcome.value != "passed", report.to_json()
