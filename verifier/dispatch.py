"""Where checks run: the dispatcher protocol and the in-process implementation.

The pipeline hands each dispatched check (``proof``, ``status``, ``issuer_trust``) to a dispatcher
and never knows where it runs (DESIGN.md "Packages"). :class:`InlineDispatcher` runs the check in
this process (CPU-bound work goes to the environment's process pool); ``workers.ArqDispatcher``
runs the same check functions on arq workers.
"""

from __future__ import annotations

import asyncio
from typing import Protocol

from verifier import constants as C
from verifier.checks import CHECKS
from verifier.checks.context import CheckContext
from verifier.parse import CredentialItem
from verifier.report import CheckResult, Outcome


class Dispatcher(Protocol):
    """Runs one check on one credential and returns its result."""

    async def run(self, check_id: str, item: CredentialItem, ctx: CheckContext) -> CheckResult:
        """Run check ``check_id`` on ``item``; must return a result, never raise a verifier error."""
        ...


class InlineDispatcher:
    """Runs checks in this process, on the caller's event loop (the embedded default)."""

    async def run(self, check_id: str, item: CredentialItem, ctx: CheckContext) -> CheckResult:
        """Call the check module's ``run`` directly."""
        return await CHECKS[check_id].run(item, ctx)


class DeadlineDispatcher:
    """Bounds an inline check by the verify deadline: past it the check is ``indeterminate``, never a pass."""

    def __init__(self, inner: Dispatcher, deadline_s: float):
        self.inner = inner
        self.deadline_s = deadline_s

    async def run(self, check_id: str, item: CredentialItem, ctx: CheckContext) -> CheckResult:
        try:
            async with asyncio.timeout(self.deadline_s):
                return await self.inner.run(check_id, item, ctx)
        except TimeoutError:
            return CheckResult(check_id, Outcome.INDETERMINATE,
                               f"the {check_id} check was not decided within the {self.deadline_s:g} s deadline",
                               C.PROBLEM_DEADLINE_EXCEEDED, target=item.pointer)
