"""Fault: Redis restarted in the middle of a bulk job (issue 9 "Faults").

A private redis-server (append-only file, as compose configures) on a spare loopback port, a real
``ler-verifier worker`` process and a real front end. Redis is shut down while a 300-item job runs and
started again on the same files some seconds later. Nobody touches the worker or the front end:

- the worker process is still alive and takes up the queue again;
- the job finishes with a result for every item, each verified (nothing lost, nothing falsely passed);
- the front end answers verifications again;
- ``/readyz`` says not ready within a few seconds of the worker being killed.
"""

from __future__ import annotations

import asyncio
import shutil
import time

import pytest
import redis

from tests.core.credentials import ob3_credential
from tests.service.conftest import running, service_settings
from tests.service.test_serve_command import free_port
from tests.signing import sign_ldp
from tests.workers.conftest import WorkerProcess, new_queue
from tests.workers.test_redis_restart import _start_redis

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")

ITEMS = 300


async def _job(client, location: str) -> dict:
    return await (await client.get(location)).json()


async def _until(predicate, timeout_s: float, what: str):
    deadline = time.monotonic() + timeout_s
    while True:
        value = await predicate()
        if value:
            return value
        assert time.monotonic() < deadline, what
        await asyncio.sleep(0.1)


async def test_worker_and_front_end_recover_from_a_redis_restart_mid_batch(tmp_path, issuer_key):
    port, queue = free_port(), new_queue()
    url = f"redis://127.0.0.1:{port}/0"
    redis_dir = tmp_path / "redis"
    redis_dir.mkdir()
    server = _start_redis(port, redis_dir)
    worker = WorkerProcess(queue, tmp_path)
    worker.env["REDIS_URL"] = url
    settings = service_settings(tmp_path, REDIS_URL=url, queue_name=queue,
                                database_url=f"sqlite+aiosqlite:///{tmp_path / 'registry.sqlite3'}")
    credentials = [sign_ldp(ob3_credential(issuer_key.did, id=f"urn:uuid:{i:08d}-1111-4000-8000-000000000000"),
                            issuer_key) for i in range(ITEMS + 1)]
    try:
        worker.start()
        async with running(settings) as client:
            resp = await client.post("/credentials/verify", json={"verifiableCredential": credentials[-1]})
            assert resp.status == 200 and (await resp.json())["verified"] is True

            resp = await client.post("/verifications", json={
                "items": [{"verifiableCredential": c} for c in credentials[:ITEMS]]})
            assert resp.status == 202, await resp.text()
            location = resp.headers["Location"]
            await _until(lambda: _started(client, location), 30, "the job never started")
            assert (await _job(client, location))["progress"]["done"] < ITEMS, "the job ended before the fault"

            redis.Redis(port=port).shutdown()  # mid-batch; the append-only file keeps the queue
            server.wait(timeout=10)
            await asyncio.sleep(3)  # the worker and the front end see Redis gone
            assert worker.proc.poll() is None, "the worker exited when Redis went away"
            server = _start_redis(port, redis_dir)

            job = await _until(lambda: _finished(client, location), 90, "the job did not finish after the restart")
            assert job["status"] == "done", job
            assert job["progress"] == {"total": ITEMS, "done": ITEMS, "verified": ITEMS}, job["progress"]
            assert len(job["items"]) == ITEMS and all(i["result"]["verified"] is True for i in job["items"])

            async def verifies():
                resp = await client.post("/credentials/verify", json={"verifiableCredential": credentials[-1]})
                return resp.status == 200 and (await resp.json())["verified"] is True
            await _until(verifies, 30, "the front end did not answer again after the restart")
            assert worker.proc.poll() is None

            worker.kill()
            killed = time.monotonic()

            async def not_ready():
                resp = await client.get("/readyz")
                return resp.status == 503 and (await resp.json())["checks"]["workers"] == "none alive"
            await _until(not_ready, 10, "/readyz did not notice the dead worker")
            assert time.monotonic() - killed < 6
    finally:
        worker.stop()
        server.terminate()
        server.wait(timeout=10)


async def _started(client, location: str):
    try:
        job = await _job(client, location)
    except Exception:
        return False
    return job.get("progress", {}).get("done", 0) >= 1


async def _finished(client, location: str):
    try:
        job = await _job(client, location)
    except Exception:
        return None
    return job if job.get("status") not in (None, "running") else None
