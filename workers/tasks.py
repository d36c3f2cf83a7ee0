"""The arq tasks (STYLE.md rule 8: a job per request or per credential, never per check; a batch of units
shares arq's per-job Redis commands):

* ``verify_requests``: a batch of whole verifications (:class:`workers.remote_verifications.RemoteVerifications`,
  ``LER_DISPATCH_UNIT=request``), each answered with the report the embedded service would give;
* ``check_units``: the dispatched checks of a batch of credentials (:class:`workers.dispatcher.ArqDispatcher`,
  ``LER_DISPATCH_UNIT=credential``), each the transport JSON of its results; ``check_item``, one
  credential's (sent by front ends before batching);
* ``run_verification_job``: a whole ``POST /verifications`` job.

(``check_proof``, ``check_status`` and ``check_issuer_trust``, one check each, stay for jobs an earlier
front end enqueued.) They run the very code the embedded service runs, checks inline. Tasks are
idempotent (arq runs at least once): what they write is a cache entry or a job record that a second run
writes the same. A check or verification that raises anything is answered ``indeterminate``, never a pass.
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
from verifier.errors import InputError
from verifier.parse import Presented
from verifier.report import CheckResult, Outcome
from workers.jobs import requests_from_json
from workers.payload import input_error_to_json, item_from_json, options_from_json, request_from_json
from workers.verification import Verifications

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


async def verify_requests(ctx: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any]:
    """A batch of whole verifications (``payload["units"]``, each :func:`workers.payload.request_to_json`
    output), run concurrently here: ``{"units": [answer, ...]}`` in the order given (see
    :func:`answer_request`). The result is also left in ``ctx`` for the ``done`` message."""
    units = payload.get("units")
    if not isinstance(units, list):
        raise ValueError("a verify_requests job carries no units list")
    answers = await asyncio.gather(*(answer_request(ctx["verifications"], unit) for unit in units))
    result = {"units": list(answers)}
    ctx["publish_result"] = result
    return result


async def answer_request(verifications: Verifications, unit: Any) -> dict[str, Any]:
    """A worker's answer to one request unit: ``Answer.to_json()``; ``{"error": input error}`` when the
    document cannot be read (the front end answers 400); ``{"failed": sentence}`` when the verification
    itself broke (the front end then answers its checks ``indeterminate``).

    Reads no report cache (the front end has just missed it); writes the report to it when it may be.
    """
    try:
        request = request_from_json(unit)
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        log.warning("a request unit is unreadable: %s", exc)
        return {"failed": "the request unit is unreadable"}
    try:
        key, version = await verifications.report_key(request)
        return (await verifications.run(request, key, version)).to_json()
    except InputError as exc:
        return {"error": input_error_to_json(exc)}
    except Exception:  # noqa: BLE001 - a worker answers every unit; a bug must not read as a pass
        log.exception("a verification raised")
        return {"failed": "the verification failed unexpectedly"}


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
TASK_FUNCTIONS = (verify_requests, check_units, check_item, check_proof, check_status, check_issuer_trust)
