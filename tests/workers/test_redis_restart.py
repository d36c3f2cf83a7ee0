"""A Redis restart with check jobs queued loses none that Redis persisted (append-only file, as compose
configures): a private redis-server on a free loopback port, jobs enqueued as the front end does, Redis
shut down and started again on the same files, then a worker runs every job."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import time

import pytest
import redis

from tests.core.credentials import ob3_credential
from tests.service.test_serve_command import free_port
from tests.signing import sign_ldp
from tests.workers.conftest import WorkerProcess, new_queue
from verifier.options import VerifyOptions
from verifier.parse import parse_presented
from workers.dispatcher import TASKS, open_pool
from workers.payload import item_to_json, options_to_json


def _start_redis(port: int, data_dir) -> subprocess.Popen:
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", str(data_dir),
                             "--appendonly", "yes", "--appendfsync", "always", "--save", ""],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(port=port)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            return proc
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                proc.kill()
                raise
            time.sleep(0.05)


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")
async def test_queued_jobs_survive_a_redis_restart(tmp_path, issuer_key):
    port, queue = free_port(), new_queue()
    url = f"redis://127.0.0.1:{port}/0"
    server = _start_redis(port, tmp_path)
    worker = WorkerProcess(queue, tmp_path)
    worker.env["REDIS_URL"] = url
    try:
        pool = open_pool(url, queue)
        options = VerifyOptions()
        ids = []
        for i in range(5):
            doc = sign_ldp(ob3_credential(issuer_key.did, id=f"urn:uuid:{i:08d}-2222-4000-8000-000000000000"),
                           issuer_key)
            item = parse_presented(json.dumps(doc).encode(), limits=options.limits).top
            job = await pool.enqueue_job(TASKS["proof"], {"item": item_to_json(item),
                                                          "options": options_to_json(options)},
                                         _job_id=f"{queue}:restart:{i}", _queue_name=queue)
            ids.append(job.job_id)
        await pool.aclose(close_connection_pool=True)
        redis.Redis(port=port).shutdown()  # a clean stop; the append-only file holds the queue
        server.wait(timeout=10)
        server = _start_redis(port, tmp_path)
        assert redis.Redis(port=port).zcard(queue) == 5
        worker.start()
        client = redis.Redis(port=port)
        deadline = time.monotonic() + 30
        while not all(client.exists(f"arq:result:{job_id}") for job_id in ids):
            assert time.monotonic() < deadline, "queued jobs were not run after the restart"
            await asyncio.sleep(0.05)
        results = [json.loads(client.get(f"arq:result:{job_id}")) for job_id in ids]
        assert all(r["s"] and r["r"]["outcome"] == "passed" for r in results)
    finally:
        worker.stop()
        server.terminate()
        server.wait(timeout=10)
