"""The result listener backs off while Redis is down and logs changes of state, not every attempt."""

from __future__ import annotations

import asyncio
import logging

from workers.dispatcher import ResultWaiter, open_pool


async def test_listener_backs_off_and_logs_once_while_redis_is_down(caplog, monkeypatch):
    pool = open_pool("redis://127.0.0.1:1/0", "ler-test-waiter", timeout_s=0.2)
    waiter = ResultWaiter(pool, "ler-test-waiter:done")
    monkeypatch.setattr(ResultWaiter, "RETRY_FIRST_S", 0.01)
    monkeypatch.setattr(ResultWaiter, "RETRY_MAX_S", 0.08)
    sleeps: list[float] = []
    real_sleep = asyncio.sleep

    async def recording_sleep(delay, *args):
        if delay >= 0.01:
            sleeps.append(delay)
        await real_sleep(delay, *args)

    monkeypatch.setattr(asyncio, "sleep", recording_sleep)
    with caplog.at_level(logging.WARNING, logger="workers.dispatcher"):
        await waiter.start()
        await real_sleep(0.6)
        await waiter.close()
    await pool.aclose(close_connection_pool=True)
    lost = [r for r in caplog.records if "lost Redis" in r.getMessage()]
    assert len(lost) == 1, [r.getMessage() for r in caplog.records]
    assert sleeps[:4] == [0.01, 0.02, 0.04, 0.08] and max(sleeps) == 0.08
