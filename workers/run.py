"""Run an arq worker that outlives Redis restarts (``ler-verifier worker``; issue 9 "Faults").

arq's :meth:`arq.worker.Worker.run` ends when a Redis command fails (a restart, a failover, a dropped
connection): every worker process exited and queued work stalled until someone restarted them. Here the
worker runs under a small loop in its process: when Redis is lost, the worker is closed (its tasks are
awaited or cancelled; arq's in-progress mark expires, so an interrupted job is run again -- the tasks are
idempotent), the loop waits with exponential backoff (``RETRY_FIRST_S`` doubling up to ``RETRY_MAX_S``)
and starts a fresh worker, which reconnects and takes up the queue. A signal (SIGINT, SIGTERM) stops it
for good, as before. Only the change of state is logged ("lost", "back"), not every attempt.

Queued jobs survive a Redis restart only when Redis persists them (append-only file; compose.yaml
configures it). A supervisor (compose's ``restart``, systemd) is still needed for a process that is
killed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time

from redis.exceptions import RedisError

from verifier.settings import Settings
from workers.settings import create_worker

log = logging.getLogger("ler_verifier.worker")

#: first wait after Redis is lost, seconds (doubling each failed attempt).
RETRY_FIRST_S = 0.5
#: longest wait between attempts, seconds.
RETRY_MAX_S = 30.0
#: a worker that ran this long before losing Redis starts the backoff afresh, seconds.
HEALTHY_RUN_S = 10.0

_LOST = (RedisError, OSError, asyncio.TimeoutError)


def run_worker(settings: Settings) -> None:
    """Run workers on the queue until a signal stops the process; reconnect after Redis is lost.

    :param settings: the service settings (``REDIS_URL`` must be set).
    :raises ValueError: no ``REDIS_URL``.
    """
    delay = RETRY_FIRST_S
    lost: dict[str, float] = {}  # "since": when Redis was lost, while it is
    while True:
        worker = create_worker(settings)
        worker.on_startup = _announcing_return(worker.on_startup, lost)
        stopped: list[signal.Signals] = []
        worker.on_stop = stopped.append
        started = time.monotonic()
        try:
            worker.run()  # returns when a signal stopped it
            return
        except _LOST as exc:
            if stopped:
                return
            if time.monotonic() - started > HEALTHY_RUN_S:
                delay = RETRY_FIRST_S
            if "since" not in lost:
                lost["since"] = time.monotonic()
                log.warning("worker lost Redis (%s: %s); reconnecting with backoff up to %g s",
                            type(exc).__name__, exc, RETRY_MAX_S)
            _close_quietly(worker)
            if _sleep_or_stop(delay):
                return
            delay = min(delay * 2, RETRY_MAX_S)


def _announcing_return(on_startup, lost: dict[str, float]):
    """Wrap arq's ``on_startup`` (run once connected) to log that Redis is back."""
    async def startup(ctx):
        await on_startup(ctx)
        since = lost.pop("since", None)
        if since is not None:
            log.warning("worker reconnected to Redis after %.1f s", time.monotonic() - since)
    return startup


def _close_quietly(worker) -> None:
    """Release what a worker that lost Redis still holds (its pool, the verification environment)."""
    for task in worker.tasks.values():
        task.cancel()
    if worker.on_shutdown is not None:  # arq's close() stopped at its first Redis command
        with contextlib.suppress(*_LOST, RuntimeError):
            worker.loop.run_until_complete(worker.on_shutdown(worker.ctx))
    pool = getattr(worker, "_pool", None)
    if pool is not None:
        with contextlib.suppress(*_LOST, RuntimeError):
            worker.loop.run_until_complete(pool.close(close_connection_pool=True))
        worker._pool = None


def _sleep_or_stop(delay_s: float) -> bool:
    """Wait ``delay_s`` seconds; True when SIGINT or SIGTERM arrived meanwhile (stop for good)."""
    received: list[int] = []
    previous = {s: signal.signal(s, lambda signum, _frame: received.append(signum))
                for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        deadline = time.monotonic() + delay_s
        while not received and time.monotonic() < deadline:
            time.sleep(min(0.05, max(0.0, deadline - time.monotonic())))
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    return bool(received)
