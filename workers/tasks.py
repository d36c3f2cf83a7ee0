"""The arq tasks: one per dispatched check (``proof``, ``status``, ``issuer_trust``), STYLE.md rule 8.

Each takes the JSON payload the :class:`workers.dispatcher.ArqDispatcher` enqueued (the credential item
and the options), runs the very check function the inline dispatcher runs, and returns the result's
transport JSON. Tasks are idempotent (arq runs at least once): they read, never write. A check that
raises anything is answered ``indeterminate``, never a pass.
"""

from __future__ import annotations

import logging
from typing import Any

from verifier import constants as C
from verifier.checks import CHECKS
from verifier.checks.context import CheckContext
from verifier.parse import Presented
from verifier.report import CheckResult, Outcome
from workers.payload import item_from_json, options_from_json

log = logging.getLogger("workers.tasks")


async def _run(check_id: str, ctx: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any]:
    item = item_from_json(payload["item"])
    options = options_from_json(payload["options"])
    check_ctx = CheckContext(options=options, env=ctx["env"], presented=Presented(raw=b"", items=(item,)))
    try:
        result = await CHECKS[check_id].run(item, check_ctx)
    except Exception:  # noqa: BLE001 - a worker answers every job; a bug must not read as a pass
        log.exception("check %s raised", check_id)
        result = CheckResult(check_id, Outcome.INDETERMINATE, f"the {check_id} check failed unexpectedly",
                             C.PROBLEM_INTERNAL_ERROR, target=item.pointer)
    return result.to_transport()


async def check_proof(ctx: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any]:
    """The ``proof`` check of one credential."""
    return await _run(C.CHECK_PROOF, ctx, payload)


async def check_status(ctx: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any]:
    """The ``status`` check of one credential."""
    return await _run(C.CHECK_STATUS, ctx, payload)


async def check_issuer_trust(ctx: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any]:
    """The ``issuer_trust`` check of one credential."""
    return await _run(C.CHECK_ISSUER_TRUST, ctx, payload)


TASK_FUNCTIONS = (check_proof, check_status, check_issuer_trust)
