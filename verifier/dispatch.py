"""Where checks run: the dispatcher protocol and the in-process implementation.

The pipeline hands the dispatched checks of one credential (``proof``, ``status``, ``issuer_trust``)
to a dispatcher as one unit of work (DESIGN.md "Data flow" step 4: never one queue job per check) and
never knows where they run. :class:`InlineDispatcher` runs them in this process, concurrently (CPU-bound
work goes to the environment's process pool); ``workers.dispatcher.ArqDispatcher`` runs the same check
functions on an arq worker, a unit per credential. :class:`Undecided` runs nothing: every check it is
given is ``indeterminate`` (a verification whose work was sent away and never came back).
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
            return await deadline_passed(self.deadline_s).run_checks(check_ids, item, ctx)


class Undecided:
    """Answers every check ``indeterminate`` with one problem code, never running it (fail closed).

    :param problem_code: the problem code of every result (a key of :mod:`verifier.constants`).
    :param detail: the result's sentence; ``{check}`` is replaced by the check id.
    """

    def __init__(self, problem_code: str, detail: str):
        self.problem_code = problem_code
        self.detail = detail

    async def run_checks(self, check_ids: Sequence[str], item: CredentialItem,
                         ctx: CheckContext) -> list[CheckResult]:
        return [CheckResult(cid, Outcome.INDETERMINATE, self.detail.replace("{check}", cid), self.problem_code,
                            target=item.pointer) for cid in check_ids]


def deadline_passed(deadline_s: float) -> Undecided:
    """The results of checks not decided within ``deadline_s`` seconds: ``indeterminate``, DEADLINE_EXCEEDED."""
    return Undecided(C.PROBLEM_DEADLINE_EXCEEDED, f"the {{check}} check was not decided within the {deadline_s:g} s "
                     "deadline")
