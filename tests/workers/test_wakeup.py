"""Idle workers sleep and wake on announced work (issue 10): an idle worker reads the queue a few times
a second, not hundreds, and a check enqueued by the front end is still taken up at once."""

from __future__ import annotations

import asyncio
import time

import redis

from tests.workers.conftest import REDIS_URL, WorkerProcess, arq_client, cleanup, new_queue


def _polls(client: redis.Redis) -> int:
    return int(client.info("commandstats").get("cmdstat_zrangebyscore", {}).get("calls", 0))


async def test_idle_worker_reads_the_queue_rarely_and_wakes_at_once(redis_ready, tmp_path, signed_credential):
    queue = new_queue()
    # Idle reads every 30 s: a check answered within seconds was taken up because it was announced.
    worker = WorkerProcess(queue, tmp_path, LER_WORKER_POLL_S="30").start()
    client = redis.Redis.from_url(REDIS_URL)
    try:
        before = _polls(client)
        await asyncio.sleep(2.0)
        # 2 s idle: no read at all at a 30 s interval (other users of this Redis may add a few);
        # polling every 2 ms would have made about 1,000.
        assert _polls(client) - before < 50
        async with arq_client(tmp_path, queue) as front:
            started = time.perf_counter()
            resp = await front.post("/credentials/verify", json={"verifiableCredential": signed_credential,
                                                                 "options": {"requireTrustedIssuer": False}})
            elapsed = time.perf_counter() - started
            assert resp.status == 200 and (await resp.json())["verified"] is True
        assert elapsed < 8  # woken: the next idle read was up to 30 s away
    finally:
        worker.stop()
        client.close()
        cleanup(queue)
