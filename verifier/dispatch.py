"""Where checks run: the dispatcher protocol and the in-process implementation.

The pipeline hands the dispatched checks of one credential (``proof``, ``status``, ``issuer_trust``)
to a dispatcher as one unit of work (DESIGN.md "Data flow" step 4: never one queue job per check) and
never knows where they run. :class:`InlineDispatcher` runs them in this process, concurrently (CPU-bound
work goes to the environment's process pool); ``workers.ArqDispatcher`` runs the same check functions
on an arq worker, one job per credential.
"""

from __future__ import annotations

import asyncio
from typing import Protocol, Sequence

from verifier import constants as C
from verifier.checks import CHECKS
from verifier.checks.context import CheckContext
from verifier.parse import CredentialItem
from verifier.report import CheckResult, Outcome


class Dispatcher(Protocol):
    """Runs the dispatched checks of one credential and returns their results."""

    async def run_checks(self, check_ids: Sequence[str], item: CredentialItem,
                         ctx: CheckContext) -> list[CheckResult]:
        """Run ``check_ids`` on ``item`` as one unit; one result per id, in order; never raise a verifier error."""
        ...


class InlineDispatcher:
    """Runs checks in this process, on the caller's event loop (the embedded default)."""

    async def run_checks(self, check_ids: Sequence[str], item: CredentialItem,
                         ctx: CheckContext) -> list[CheckResult]:
        """Call the check modules' ``run`` directly, concurrently when there are several."""
        if len(check_ids) == 1:
            return [await CHECKS[check_ids[0]].run(item, ctx)]
        return list(await asyncio.gather(*(CHECKS[cid].run(item, ctx) for cid in check_ids)))


class DeadlineDispatcher:
    """Bounds an inline check by the verify deadline: past it the check is ``indeterminate``, never a pass."""

    def __init__(self, inner: Dispatcher, deadline_s: float):
        self.inner = inner
        self.deadline_s = deadline_s

    async def run_checks(self, check_ids: Sequence[str], item: CredentialItem,
                         ctx: CheckContext) -> list[CheckResult]:
        try:
            async with asyncio.timeout(self.deadline_s):
                return await self.inner.run_checks(check_ids, item, ctx)
        except TimeoutError:
            return [CheckResult(cid, Outcome.INDETERMINATE,
                                f"the {cid} check was not decided within the {self.deadline_s:g} s deadline",
                                C.PROBLEM_DEADLINE_EXCEEDED, target=item.pointer) for cid in check_ids]
