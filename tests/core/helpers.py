"""Run the verifier in tests: an environment with no network, optionally with an offline bundle."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from pathlib import Path

from verifier import VerifyOptions, verify
from verifier.report import Report
from verifier.runtime import open_environment
from verifier.settings import load_settings

AT = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)


def run_verify(data, *, bundle: Path | None = None, expect: str = "any", **option_changes) -> Report:
    """Verify ``data`` at :data:`AT` (or ``now=``) with a fresh environment; returns the report.

    ``expect``: ``any``, ``credential`` or ``presentation`` (the door's refusal of the other kind)."""

    async def go():
        settings = load_settings(offline_bundle=bundle) if bundle else load_settings()
        async with open_environment(settings) as env:
            return await verify(data, env=env, options=VerifyOptions(now=AT).replace(**option_changes),
                                expect=expect)

    return asyncio.run(go())


def outcome(report: Report, check: str, target: str = "") -> str:
    """The outcome value of ``check`` for the credential at ``target``."""
    return next(r.outcome.value for r in report.results if r.check == check and r.target == target)


def result(report: Report, check: str, target: str = ""):
    return next(r for r in report.results if r.check == check and r.target == target)
