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
from tests.conformance.policy import expectation
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
