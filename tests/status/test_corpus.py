"""The status check on every corpus credential with a credentialStatus: the outcome its source states.

The conformance test asserts ``verified``; this one asserts the ``status`` result itself (the reason),
so a revoked credential cannot pass conformance merely by being expired too.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import VECTORS, vectors_or_skip
from tests.status.helpers import AT
from verifier import VerifyOptions, verify
from verifier import constants as C
from verifier.runtime import open_environment
from verifier.settings import load_settings

_BY_REASON = {
    "revoked": ("failed", C.PROBLEM_REVOKED),
    "status_list_credential_expired": ("failed", C.PROBLEM_STATUS_VERIFICATION_ERROR),
    "status_list_credential_not_yet_valid": ("failed", C.PROBLEM_STATUS_VERIFICATION_ERROR),
    "status_list_credential_wrong_type": ("failed", C.PROBLEM_STATUS_VERIFICATION_ERROR),
    "status_list_credential_signature_invalid": ("failed", C.PROBLEM_STATUS_VERIFICATION_ERROR),
    "status_list_not_found": ("indeterminate", C.PROBLEM_STATUS_RETRIEVAL_ERROR),
}
#: statusListIndex is the JSON number 23 (and the list's key is unresolvable): malformed before any fetch.
_OURS = {"1edtech-validator-ob30/bsl-credential-status-revoked": ("failed", C.PROBLEM_MALFORMED_VALUE_ERROR)}


def _entries() -> list[dict]:
    path = VECTORS / "MANIFEST.json"
    if not path.is_file():
        return []
    return [e for e in json.loads(path.read_text()) if (e.get("requires") or {}).get("status")
            and not e["needs_network"]]


def _expected(entry: dict) -> tuple[str, str | None]:
    if entry["id"] in _OURS:
        return _OURS[entry["id"]]
    for reason in entry.get("reasons") or []:
        if reason["code"] in _BY_REASON:
            return _BY_REASON[reason["code"]]
    return "passed", None


@pytest.mark.parametrize("entry", _entries() or [None], ids=lambda e: e["id"] if e else "no-corpus")
async def test_corpus_status_result(entry):
    vectors_or_skip()
    async with open_environment(load_settings(offline_bundle=VECTORS)) as env:
        report = await verify((VECTORS / entry["file"]).read_bytes(), env=env, options=VerifyOptions(now=AT))
    status = next(r for r in report.results if r.check == "status" and not r.target)
    assert (status.outcome.value, status.problem_code) == _expected(entry), status.detail
    if status.outcome.value == "passed":
        assert status.evidence["list_source"] == "offline bundle" and status.evidence["signer"]
