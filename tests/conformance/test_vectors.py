"""Conformance: every offline-checkable corpus credential gives the result our policy promises.

Runs each ../shared/vectors/MANIFEST.json entry (except those needing the network) through the
verifier with the corpus as the offline bundle, at 2026-11-29T12:00:00Z (issue 2, "Done when").
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime, timezone

import pytest

from tests.conftest import VECTORS, vectors_or_skip
from tests.conformance.policy import NESTED_PROOFS, SCHEMA_OUTCOMES, expectation
from verifier import InputError, VerifyOptions, verify
from verifier.settings import load_settings
from verifier.runtime import open_environment

AT = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)
STATUS_SUPPORTED = True


def _entries() -> list[dict]:
    path = VECTORS / "MANIFEST.json"
    if not path.is_file():
        return []
    return [e for e in json.loads(path.read_text()) if not e["needs_network"]]


async def _run(entry: dict) -> tuple[bool, str, dict | None]:
    settings = load_settings(offline_bundle=VECTORS)
    opts = entry.get("verify_options") or {}
    options = VerifyOptions(now=AT, challenge=opts.get("challenge"), domain=opts.get("domain"))
    data = (VECTORS / entry["file"]).read_bytes()
    async with open_environment(settings) as env:
        try:
            report = await verify(data, env=env, options=options)
        except InputError:
            return False, "unreadable", None
    proof = next(r for r in report.results if r.check == "proof" and not r.target)
    spanish = report.to_json("es")  # issue 12: every report has a summary and a headline, in either language
    assert isinstance(spanish["headline"], str) and spanish["headline"] and spanish["summary"]["notice"]
    top = [e for e in spanish["summary"]["credentials"] if e["credential"] == ""]
    assert all(e["basis"] == "unverified" for e in top) or proof.outcome.value == "passed"
    return report.verified, proof.outcome.value, report.to_json()


@pytest.mark.parametrize("entry", _entries() or [None], ids=lambda e: e["id"] if e else "no-corpus")
def test_vector(entry):
    vectors_or_skip()
    expect = expectation(entry, status_supported=STATUS_SUPPORTED)
    verified, proof, report = asyncio.run(_run(entry))
    context = json.dumps(report, indent=1)[:3000] if report else "input unreadable"
    if expect.proof is not None:
        assert proof in expect.proof, f"proof {proof}, expected {sorted(expect.proof)} ({expect.why})\n{context}"
    assert verified == expect.verified, f"verified={verified}, expected {expect.verified} ({expect.why})\n{context}"


def _outcomes(report: dict, check: str, *, nested_only: bool = False) -> dict[str, str]:
    return {r.get("credential", ""): r["outcome"] for r in report["results"] if r["check"] == check
            and r["outcome"] != "not_applicable" and (r.get("credential") or not nested_only)}


@pytest.mark.parametrize("entry", _entries() or [None], ids=lambda e: e["id"] if e else "no-corpus")
def test_vector_schema_and_nested_items(entry):
    """Issue 11: the ``schema`` outcome of every item, and the proof of each CLR nested credential and
    endorsement, are what tests/conformance/policy.py states (with its reasons)."""
    vectors_or_skip()
    verified, proof, report = asyncio.run(_run(entry))
    if report is None:
        return
    key = (entry["id"], entry["format"])
    expected = {k: v for k, v in SCHEMA_OUTCOMES.get(key, {}).items() if k != "why"}
    assert _outcomes(report, "schema") == expected, SCHEMA_OUTCOMES.get(key, {}).get("why", "not_applicable expected")
    if key in NESTED_PROOFS:
        nested = {k: v for k, v in NESTED_PROOFS[key].items() if k != "why"}
        assert _outcomes(report, "proof", nested_only=True) == nested, NESTED_PROOFS[key]["why"]
