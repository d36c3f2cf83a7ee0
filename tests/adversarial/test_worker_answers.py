"""Attack class: a worker's answer that is not what ``verify_requests`` gives (distributed mode, issue 10).

With ``LER_DISPATCH_UNIT=request`` the worker's answer *is* the response, so a front end must not turn
a malformed one into a pass: a worker of another release, a bug, or anyone who can write to the queue's
Redis could answer ``{"verified": true}`` with no report behind it, too few answers for a batch, an error
with no text, or a body whose verdict contradicts the answer's. Every such answer must give a verdict
of false, with the dispatched checks ``indeterminate`` (INTERNAL_ERROR) when nothing readable came.

The queue is served here by a real arq worker whose ``verify_requests`` answers what each case says
(real Redis, the real front end); skips without Redis.
"""

from __future__ import annotations

import asyncio
import contextlib

import pytest
from arq.connections import RedisSettings
from arq.worker import Worker, func

from tests.core.credentials import ob3_credential
from tests.signing import new_key, sign_ldp
from tests.workers.conftest import REDIS_URL, arq_client, cleanup, new_queue, redis_ready  # noqa: F401 - fixture
from workers.dispatcher import dumps, loads

KEY = new_key()

ROGUE_ANSWERS = {
    "a bare verdict": {"verified": True},
    "a verdict with no outcomes": {"verified": True, "body": {"verified": True}},
    "outcomes that are not pairs": {"verified": True, "body": {"verified": True}, "outcomes": "passed"},
    "a verdict as text": {"verified": "true", "body": {"verified": "true"}, "outcomes": []},
    "an error without text": {"error": {"code": "PARSING_ERROR"}},
    "a failure": {"failed": "the verification failed unexpectedly"},
    "no answer at all": None,
}


@contextlib.asynccontextmanager
async def rogue_worker(queue: str, answer):
    """An arq worker on ``queue`` whose ``verify_requests`` answers each unit with ``answer``."""
    async def verify_requests(ctx, payload):
        units = payload["units"]
        return {"units": [] if answer is None else [answer for _ in units]}

    worker = Worker(functions=[func(verify_requests, name="verify_requests")], queue_name=queue,
                    redis_settings=RedisSettings.from_dsn(REDIS_URL), job_serializer=dumps, job_deserializer=loads,
                    poll_delay=0.05, handle_signals=False)
    task = asyncio.create_task(worker.async_run())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await worker.pool.aclose(close_connection_pool=True)


@pytest.mark.parametrize("case", list(ROGUE_ANSWERS))
async def test_an_unreadable_worker_answer_never_verifies(redis_ready, tmp_path, case):  # noqa: F811
    queue = new_queue()
    doc = sign_ldp(ob3_credential(KEY.did), KEY)
    try:
        async with rogue_worker(queue, ROGUE_ANSWERS[case]), arq_client(tmp_path, queue) as client:
            resp = await client.post("/credentials/verify", json={"verifiableCredential": doc,
                                                                  "options": {"requireTrustedIssuer": False}})
            body = await resp.json()
            assert resp.status == 200 and body["verified"] is False, body
            proof = next(r for r in body["results"] if r["check"] == "proof")
            assert proof["outcome"] == "indeterminate" and proof["problem"] == "INTERNAL_ERROR", proof
            again = await (await client.post("/credentials/verify", json={"verifiableCredential": doc})).json()
            assert again["cached"] is False and again["verified"] is False  # an undecided report is not cached
    finally:
        cleanup(queue)


async def test_a_body_that_contradicts_its_answer_does_not_verify(redis_ready, tmp_path):  # noqa: F811
    queue = new_queue()
    answer = {"verified": False, "cached": False, "outcomes": [["proof", "passed"]],
              "body": {"verified": True, "results": []}}
    try:
        async with rogue_worker(queue, answer), arq_client(tmp_path, queue) as client:
            resp = await client.post("/credentials/verify", json={"verifiableCredential": sign_ldp(
                ob3_credential(KEY.did), KEY)}, headers={"Prefer": "vc-api-status-codes"})
            assert resp.status == 422  # the verdict is false: the answer's, whatever its body says
    finally:
        cleanup(queue)
