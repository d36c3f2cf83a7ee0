"""``ArqDispatcher``: the Dispatcher protocol over arq (DESIGN.md "Packages"; STYLE.md rule 8).

Each dispatched check of each credential becomes one arq job (``check_proof``, ``check_status``,
``check_issuer_trust``) whose id is derived from the part's cache key, so equal work in flight
collapses into one job. The caller waits with a deadline; a check not decided in time is
``indeterminate`` (DEADLINE_EXCEEDED), never a pass.

Waiting costs no polling round trips in the common case: workers publish each finished job id on
``<queue>:done`` (after arq has stored the result); one :class:`ResultWaiter` per process listens and
wakes the waiters, which then read arq's stored result. A slow poll (``fallback_poll_s``) covers a
missed message or a reconnect.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import time
from collections import defaultdict
from typing import Any, Callable, Sequence

from arq.connections import ArqRedis
from arq.constants import result_key_prefix
from redis.asyncio import ConnectionPool
from redis.exceptions import RedisError

from verifier import constants as C
from verifier.checks.context import CheckContext
from verifier.parse import CredentialItem
from verifier.report import CheckResult, Outcome
from workers.cache import item_bytes, part_key
from workers.payload import item_to_json, options_to_json
from workers.wakeup import announce

log = logging.getLogger("workers.dispatcher")

#: check id -> arq function name.
TASKS = {C.CHECK_PROOF: "check_proof", C.CHECK_STATUS: "check_status", C.CHECK_ISSUER_TRUST: "check_issuer_trust"}
#: the task that runs a credential's dispatched checks as one job (DESIGN.md "Data flow" step 4).
UNIT_TASK = "check_item"


class QueueUnavailable(Exception):
    """Redis (the queue) cannot be reached: the service answers 503."""


def dumps(value: Any) -> bytes:
    """arq job serializer: JSON (an exception in a failed result is stored as its text)."""
    return json.dumps(value, ensure_ascii=False, default=repr).encode("utf-8")


def loads(raw: bytes) -> Any:
    """arq job deserializer: JSON."""
    return json.loads(raw)


def done_channel(queue_name: str) -> str:
    """The pub/sub channel on which workers announce finished job ids."""
    return f"{queue_name}:done"


def open_pool(redis_url: str, queue_name: str, *, timeout_s: float = 5.0) -> ArqRedis:
    """An arq pool that connects lazily (the service starts, and ``/readyz`` reports, while Redis is down)."""
    pool = ConnectionPool.from_url(redis_url, socket_connect_timeout=timeout_s, socket_timeout=timeout_s,
                                   retry_on_timeout=False, health_check_interval=30)
    return ArqRedis(pool_or_conn=pool, job_serializer=dumps, job_deserializer=loads, default_queue_name=queue_name)


class ResultWaiter:
    """Waits for arq job results, woken by the workers' ``done`` messages.

    :param redis: the arq pool.
    :param channel: the ``done`` channel (:func:`done_channel`).
    :param fallback_poll_s: how often a waiter reads the result without a message, seconds.
    """

    #: first reconnection delay after Redis is lost, seconds (doubling each failed attempt).
    RETRY_FIRST_S = 0.5
    #: longest reconnection delay, seconds.
    RETRY_MAX_S = 30.0

    def __init__(self, redis: ArqRedis, channel: str, *, fallback_poll_s: float = 0.1):
        self.redis = redis
        self.channel = channel
        self.fallback_poll_s = fallback_poll_s
        self._events: dict[str, set[asyncio.Event]] = defaultdict(set)
        self._task: asyncio.Task | None = None
        self._subscribed = asyncio.Event()

    async def start(self) -> None:
        """Start listening (returns at once; the listener reconnects by itself)."""
        self._task = asyncio.create_task(self._listen(), name="ler-result-waiter")

    async def close(self) -> None:
        """Stop listening."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _listen(self) -> None:
        """Listen for ``done`` messages; reconnect with exponential backoff (``RETRY_FIRST_S`` doubling up
        to ``RETRY_MAX_S``). Logs changes of state (lost, back), not every failed attempt."""
        delay = self.RETRY_FIRST_S
        lost_since: float | None = None
        while True:
            pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self.channel)
                self._subscribed.set()
                if lost_since is not None:
                    log.warning("result listener reconnected to Redis after %.1f s", time.monotonic() - lost_since)
                    lost_since = None
                delay = self.RETRY_FIRST_S
                while True:
                    message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                    if message and message.get("type") == "message":
                        self._wake(message["data"].decode("utf-8", "replace"))
            except (RedisError, OSError) as exc:
                self._subscribed.clear()
                if lost_since is None:
                    lost_since = time.monotonic()
                    log.warning("result listener lost Redis (%s); retrying with backoff up to %g s",
                                type(exc).__name__, self.RETRY_MAX_S)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.RETRY_MAX_S)
            finally:
                with contextlib.suppress(RedisError, OSError):
                    await pubsub.aclose()

    def _wake(self, job_id: str) -> None:
        for event in self._events.get(job_id, ()):
            event.set()

    async def wait(self, job_id: str, deadline_s: float) -> dict[str, Any] | None:
        """The stored result of ``job_id`` (arq's result dict), or None when ``deadline_s`` passes first.

        :raises QueueUnavailable: Redis cannot be read.
        """
        event = asyncio.Event()
        self._events[job_id].add(event)
        try:
            async with asyncio.timeout(deadline_s):
                while True:
                    event.clear()
                    try:
                        raw = await self.redis.get(result_key_prefix + job_id)
                    except (RedisError, OSError) as exc:
                        raise QueueUnavailable(f"cannot read job results: {type(exc).__name__}") from exc
                    if raw is not None:
                        return loads(raw)
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(self.fallback_poll_s):
                            await event.wait()
        except TimeoutError:
            return None
        finally:
            waiters = self._events.get(job_id)
            if waiters is not None:
                waiters.discard(event)
                if not waiters:
                    del self._events[job_id]


class ArqDispatcher:
    """Runs dispatched checks on arq workers.

    :param pool: the arq pool (:func:`open_pool`).
    :param waiter: the process's :class:`ResultWaiter`.
    :param queue_name: the arq queue.
    :param deadline_s: how long :meth:`run` waits for a result, seconds.
    :param registry_version: async callable giving the registry version (part of ``issuer_trust`` job ids).
    :param on_latency: called with (check id, seconds from enqueue to result) for metrics.
    """

    def __init__(self, pool: ArqRedis, waiter: ResultWaiter, *, queue_name: str, deadline_s: float,
                 registry_version: Callable[[], Any] | None = None,
                 on_latency: Callable[[str, float], None] | None = None):
        self.pool = pool
        self.waiter = waiter
        self.queue_name = queue_name
        self.deadline_s = deadline_s
        self.registry_version = registry_version
        self.on_latency = on_latency

    async def run_checks(self, check_ids: Sequence[str], item: CredentialItem,
                         ctx: CheckContext) -> list[CheckResult]:
        """Enqueue (or join) one job for this credential's checks and wait for its results up to the deadline.

        The job id is derived from the checks' part keys (the credential, the options they read, the
        registry version for ``issuer_trust``), so the same unit asked twice is one job.

        :raises QueueUnavailable: Redis cannot be reached.
        """
        version = await self.registry_version() if (self.registry_version and C.CHECK_ISSUER_TRUST in check_ids) \
            else None
        document = item_bytes(item)
        parts = [part_key(cid, item, ctx.options, registry_version=version, document_bytes=document)
                 for cid in check_ids]
        job_id = f"{self.queue_name}:u:" + hashlib.sha256("|".join(parts).encode()).hexdigest()
        payload = {"item": item_to_json(item), "options": options_to_json(ctx.options), "checks": list(check_ids)}
        started = time.perf_counter()
        try:
            job = await self.pool.enqueue_job(UNIT_TASK, payload, _job_id=job_id, _queue_name=self.queue_name,
                                              _expires=max(60.0, self.deadline_s * 2))
            if job is not None:  # a new job (not one already queued): wake an idle worker
                await announce(self.pool, self.queue_name)
        except (RedisError, OSError) as exc:
            raise QueueUnavailable(f"cannot enqueue the checks {', '.join(check_ids)}: {type(exc).__name__}") from exc
        stored = await self.waiter.wait(job_id, self.deadline_s)
        if self.on_latency is not None:
            for check_id in check_ids:
                self.on_latency(check_id, time.perf_counter() - started)
        if stored is None:
            return [CheckResult(cid, Outcome.INDETERMINATE,
                                f"the {cid} check was not decided within the {self.deadline_s:g} s deadline",
                                C.PROBLEM_DEADLINE_EXCEEDED, target=item.pointer) for cid in check_ids]
        answers = stored.get("r", {}).get("results") if stored.get("s") and isinstance(stored.get("r"), dict) else None
        if not isinstance(answers, list) or len(answers) != len(check_ids):
            return [CheckResult(cid, Outcome.INDETERMINATE, f"the worker could not run the {cid} check",
                                C.PROBLEM_INTERNAL_ERROR, target=item.pointer) for cid in check_ids]
        out = []
        for check_id, answer in zip(check_ids, answers):
            result = CheckResult.from_json(answer)
            if result.check != check_id:  # a worker answers in the order asked; anything else is not trusted
                result = CheckResult(check_id, Outcome.INDETERMINATE, f"the worker answered {result.check!r} for "
                                     f"the {check_id} check", C.PROBLEM_INTERNAL_ERROR, target=item.pointer)
            elif result.target != item.pointer:
                result = CheckResult(result.check, result.outcome, result.detail, result.problem_code,
                                     result.evidence, result.warnings, item.pointer)
            out.append(result)
        return out
