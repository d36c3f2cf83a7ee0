"""The arq tasks: ``check_units``, the dispatched checks of a batch of credentials as one job (STYLE.md
rule 8: never a job per check; a batch shares arq's per-job Redis commands), ``check_item``, one
credential's (sent by front ends before batching), and ``run_verification_job``, which runs a whole
``POST /verifications`` job. (``check_proof``, ``check_status`` and ``check_issuer_trust``, one check
each, stay for jobs an earlier front end enqueued.)

Each takes the JSON payload the :class:`workers.dispatcher.ArqDispatcher` enqueued (the credential item,
the options and the checks), runs the very check functions the inline dispatcher runs, and returns the
results' transport JSON. Tasks are idempotent (arq runs at least once): they read, never write. A check that
raises anything is answered ``indeterminate``, never a pass.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from arq.constants import in_progress_key_prefix
from redis.exceptions import RedisError

from verifier import constants as C
from verifier.checks import CHECKS
from verifier.checks.context import CheckContext
from verifier.parse import Presented
from verifier.report import CheckResult, Outcome
from workers.jobs import requests_from_json
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


async def check_item(ctx: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any]:
    """The dispatched checks of one credential as one job (``payload["checks"]``), run concurrently here:
    ``{"results": [transport JSON, ...]}`` in the order asked."""
    check_ids = [c for c in payload.get("checks", []) if c in CHECKS]
    results = await asyncio.gather(*(_run(cid, ctx, payload) for cid in check_ids))
    return {"results": list(results)}


async def check_units(ctx: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any]:
    """A batch of units, each one credential's dispatched checks (``payload["units"]``: what
    :func:`check_item` takes), run concurrently here: ``{"units": [{"results": [...]}, ...]}`` in the order
    given. The result is also left in ``ctx`` for the ``done`` message (published once, with it)."""
    units = payload.get("units")
    if not isinstance(units, list):
        raise ValueError("a check_units job carries no units list")
    answers = await asyncio.gather(*(check_item(ctx, unit) for unit in units))
    result = {"units": list(answers)}
    ctx["publish_result"] = result
    return result


async def _keep_in_progress(ctx: dict[str, Any]) -> None:
    """Renew arq's in-progress mark of the running job while this worker lives.

    The mark lasts ``in_progress_s`` (a check's timeout plus one second), so a job whose worker died is
    taken up again soon; a bulk job runs longer than that, so it renews the mark at a third of it.
    """
    key = in_progress_key_prefix + ctx["job_id"]
    period_ms = int(ctx["in_progress_s"] * 1000)
    while True:
        await asyncio.sleep(ctx["in_progress_s"] / 3)
        with contextlib.suppress(RedisError, OSError):
            await ctx["redis"].pexpire(key, period_ms)


async def run_verification_job(ctx: dict[str, Any], job_id: str, items: list[dict[str, Any]]) -> str:
    """Run (or resume) the bulk job ``job_id``: its items are the JSON of ``workers.jobs.requests_to_json``.

    Idempotent (arq may run it again after a worker died): see :meth:`JobRunner.run`.
    """
    keeper = asyncio.create_task(_keep_in_progress(ctx))
    try:
        await ctx["jobs"].run(job_id, requests_from_json(items))
    finally:
        keeper.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await keeper
    return job_id


#: the per-check tasks stay registered for jobs enqueued by an earlier front end.
TASK_FUNCTIONS = (check_units, check_item, check_proof, check_status, check_issuer_trust)
