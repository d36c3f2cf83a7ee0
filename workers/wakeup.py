"""Workers that sleep while the queue is empty and wake when work is enqueued (issue 10 "Workers that do
not burn CPU polling an empty queue").

arq reads its queue every ``poll_delay``: at the 2 ms that low latency needed, an idle worker made ~500
Redis reads a second. Here a front end that enqueues a job publishes one message on
``<queue>:wake`` (:func:`wake_channel`); each worker listens on it and reads the queue at once, and
otherwise only every ``LER_WORKER_POLL_S`` (250 ms), which still picks up work nobody announced: a
retried or deferred job, one whose worker died, one enqueued while the listener was reconnecting. A
worker also re-reads the queue when one of its own jobs ends (it has room again).

The message carries nothing: it is a hint to read the queue, never a job. Losing one costs at most one
idle interval of latency.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from arq.worker import Worker
from redis.exceptions import RedisError

log = logging.getLogger("ler_verifier.worker")


def wake_channel(queue_name: str) -> str:
    """The channel a front end publishes on after enqueueing to ``queue_name``."""
    return f"{queue_name}:wake"


async def announce(redis, queue_name: str) -> None:
    """Tell idle workers that ``queue_name`` has work (one PUBLISH); a failure only costs latency."""
    with contextlib.suppress(RedisError, OSError):
        await redis.publish(wake_channel(queue_name), b"1")


class WakefulWorker(Worker):
    """An arq :class:`~arq.worker.Worker` that waits for a wake-up between queue reads.

    :param idle_poll_s: the longest wait between two queue reads, seconds.
    Other arguments are arq's; ``poll_delay`` is set to 0 (the wait happens here instead).
    """

    def __init__(self, *args, idle_poll_s: float, **kwargs):
        kwargs["poll_delay"] = 0
        super().__init__(*args, **kwargs)
        self.idle_poll_s = idle_poll_s
        self._wake = asyncio.Event()
        self._listener: asyncio.Task | None = None

    def wake(self) -> None:
        """Read the queue now (a job ended, or work was announced)."""
        self._wake.set()

    async def main(self) -> None:
        self._listener = asyncio.create_task(self._listen(), name="ler-worker-wake")
        try:
            await super().main()
        finally:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError, RedisError, OSError):
                await self._listener

    async def _listen(self) -> None:
        """Set the wake event for every message on the wake channel; on a Redis error, stop listening
        (the worker's own Redis calls then fail too, and it is restarted)."""
        while self._pool is None:
            await asyncio.sleep(0.01)
        pubsub = self.pool.pubsub(ignore_subscribe_messages=True)
        try:
            await pubsub.subscribe(wake_channel(self.queue_name))
            while True:
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                if message is not None:
                    self._wake.set()
        except (RedisError, OSError) as exc:
            log.warning("worker wake-up listener stopped (%s); reading the queue every %g s",
                        type(exc).__name__, self.idle_poll_s)
        finally:
            with contextlib.suppress(RedisError, OSError):
                await pubsub.aclose()

    async def _poll_iteration(self) -> None:
        self._wake.clear()
        await super()._poll_iteration()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self.idle_poll_s):
                await self._wake.wait()
