"""Bulk jobs with REDIS_URL are arq tasks (``run_verification_job``): they outlive the front end that
accepted them, resume without redoing recorded items, and deliver their callback once."""

from __future__ import annotations

import asyncio
import json

import redis

from tests.service.test_jobs import SECRET, Receiver
from tests.workers.conftest import REDIS_URL, WorkerProcess, arq_client, cleanup, new_queue
from workers.jobs import JOB_TASK, arq_job_id
from workers.dispatcher import open_pool


async def _wait_done(client, location: str, timeout_s: float = 30.0) -> dict:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        job = await (await client.get(location)).json()
        if job["status"] != "running" and (job["callback"] is None or job["callback"]["state"] == "delivered"):
            return job
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(job)
        await asyncio.sleep(0.05)


async def test_job_outlives_its_front_end_and_resumes_without_redoing_items(redis_ready, tmp_path,
                                                                             signed_credential):
    queue = new_queue()
    env = {"LER_ALLOW_INSECURE_LOOPBACK": "true", "LER_CALLBACK_SECRET": SECRET,
           "LER_CALLBACK_RETRY_BASE_S": "0.05"}
    worker = WorkerProcess(queue, tmp_path, **env)
    overrides = {"allow_insecure_loopback": True, "callback_secret": SECRET}
    try:
        async with Receiver() as receiver:
            async with arq_client(tmp_path, queue, **overrides) as first:  # no worker runs yet
                resp = await first.post("/verifications", json={
                    "items": [{"verifiableCredential": signed_credential}] * 3, "callback_url": receiver.url})
                assert resp.status == 202
                job_id, location = (await resp.json())["id"], resp.headers["Location"]
                job = await (await first.get(location)).json()
                assert job["status"] == "running" and job["progress"]["done"] == 0
            # the front end is gone; a previous try had recorded item 0 before its worker died
            client = redis.Redis.from_url(REDIS_URL)
            marker = {"index": 0, "status": "done", "verified": True, "result": {"marker": True}}
            client.hset(f"{queue}:vjob:{job_id}:items", "0", json.dumps(marker))
            client.close()
            worker.start()
            async with arq_client(tmp_path, queue, **overrides) as second:
                job = await _wait_done(second, location)
                assert job["status"] == "done" and job["progress"] == {"total": 3, "done": 3, "verified": 3}, job
                assert job["items"][0]["result"] == {"marker": True}  # not redone
                assert job["items"][1]["result"]["verified"] is True
                assert job["callback"]["state"] == "delivered"
                # arq runs the task again (at least once): nothing is redone, the callback is not resent
                pool = open_pool(REDIS_URL, queue)
                try:
                    again = await pool.enqueue_job(JOB_TASK, job_id, [], _job_id=arq_job_id(queue, job_id) + ":again",
                                                   _queue_name=queue)
                    assert await again.result(timeout=20, poll_delay=0.05) == job_id
                finally:
                    await pool.aclose(close_connection_pool=True)
                assert (await (await second.get(location)).json()) == job
            assert len(receiver.deliveries) == 1
            assert receiver.deliveries[0][0]["X-LER-Delivery"] == job_id
    finally:
        worker.stop()
        cleanup(queue)
