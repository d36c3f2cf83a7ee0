"""Attack class: a context that makes the JSON-LD library itself raise something other than its own error
(pyld 3.3 raises KeyError for ``{"@language": null}`` when no default language is set), so that verifying
a credential crashes instead of answering (a 500 from the service, a traceback from the command line).

Source: found by the differential tests of issue 10 (exotic inline contexts); JSON-LD 1.1 §4.2.4
(``"@language": null`` is valid and removes the default language); DESIGN.md "fail closed".
"""

from __future__ import annotations

from tests.core.credentials import OB3, VC2, ob3_credential
from tests.core.helpers import result, run_verify
from tests.signing import new_key, sign_ldp
from verifier import constants as C
from verifier.report import Outcome


def test_a_context_that_crashes_the_library_is_refused_not_a_crash():
    key = new_key()
    doc = sign_ldp(ob3_credential(key.did), key)
    doc["@context"] = [VC2, OB3, {"@language": None}]
    report = run_verify(doc)
    assert not report.verified
    proof = result(report, C.CHECK_PROOF)
    assert proof.outcome == Outcome.FAILED and "the JSON-LD library raised KeyError" in proof.detail
