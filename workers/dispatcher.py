"""``ArqDispatcher``: the Dispatcher protocol over arq (DESIGN.md "Packages"; STYLE.md rule 8), and the
``ResultWaiter`` that hands workers' published results to whoever waits for them.

A credential's dispatched checks are one *unit*; units travel to the workers in arq jobs
(``check_units``), batched by :class:`workers.batching.JobBatcher` (Nagle's rule: an idle service adds no
latency; a busy one sends fewer, fuller jobs).

* **Duplicate work collapses.** A job id is derived from its units' keys (the credential, the options
  the checks read, the registry version for ``issuer_trust``): the same lone unit asked by two front ends
  is one job. Inside one process, a unit already on its way is joined, not sent again.
* **Results are published once.** A worker publishes each finished job's results on ``<queue>:done``
  (after arq has stored them); one :class:`ResultWaiter` per process hands them to the waiting units
  without reading Redis. Arq's stored result is read only by a unit that joined a job already queued,
  or after a missed message (``fallback_poll_s``).
* **A deadline, never a guess.** A unit not decided within ``deadline_s`` is ``indeterminate``
  (DEADLINE_EXCEEDED), never a pass. arq runs a job at least once; the tasks are idempotent.
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
from verifier.jsontext import dumps_bytes
from verifier.report import CheckResult, Outcome
from workers.cache import memo_item_bytes, part_key
from workers.payload import item_to_json, options_to_json
from workers.batching import TIMED_OUT, JobBatcher, QueueUnavailable  # noqa: F401 (QueueUnavailable: re-exported)

log = logging.getLogger("workers.dispatcher")

#: check id -> arq function name.
TASKS = {C.CHECK_PROOF: "check_proof", C.CHECK_STATUS: "check_status", C.CHECK_ISSUER_TRUST: "check_issuer_trust"}
#: the task that runs one credential's dispatched checks as one job (front ends before batching sent it).
UNIT_TASK = "check_item"
#: the task that runs a batch of units, each one credential's dispatched checks (DESIGN.md "Data flow" step 4).
BATCH_TASK = "check_units"


def dumps(value: Any) -> bytes:
    """arq job serializer: JSON (an exception in a failed result is stored as its text)."""
    return dumps_bytes(value, default=repr)


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


def done_message(job_id: str, result: Any | None) -> bytes:
    """The ``done`` message for ``job_id``: its id, then (when given) a space and its result as JSON."""
    return job_id.encode("utf-8") if result is None else job_id.encode("utf-8") + b" " + dumps(result)


class ResultWaiter:
    """Waits for arq job results, handed over by the workers' ``done`` messages.

    :param redis: the arq pool.
    :param channel: the ``done`` channel (:func:`done_channel`).
    :param fallback_poll_s: how long a waiter waits for a message before it reads arq's stored result
        (a missed message: the listener was reconnecting), seconds.
    """

    #: first reconnection delay after Redis is lost, seconds (doubling each failed attempt).
    RETRY_FIRST_S = 0.5
    #: longest reconnection delay, seconds.
    RETRY_MAX_S = 30.0
    #: how often a waiter reads the stored result while the listener is not subscribed, seconds.
    UNSUBSCRIBED_POLL_S = 0.05

    def __init__(self, redis: ArqRedis, channel: str, *, fallback_poll_s: float = 1.0):
        self.redis = redis
        self.channel = channel
        self.fallback_poll_s = fallback_poll_s
        self._events: dict[str, set[asyncio.Event]] = defaultdict(set)
        self._delivered: dict[str, Any] = {}
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
                        self._receive(message["data"])
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

    def _receive(self, data: bytes) -> None:
        """A ``done`` message (:func:`done_message`): keep its result for the job's waiters and wake them."""
        job_id_b, _, result = data.partition(b" ")
        job_id = job_id_b.decode("utf-8", "replace")
        waiters = self._events.get(job_id)
        if not waiters:
            return
        if result:
            try:
                self._delivered[job_id] = {"s": True, "r": loads(result)}
            except ValueError:
                log.warning("a done message for %s carries unreadable JSON; reading the stored result", job_id)
        for event in waiters:
            event.set()

    def expect(self, job_id: str) -> "Ticket":
        """Start listening for ``job_id`` now: call before enqueueing, so a result published at once is kept."""
        return Ticket(self, job_id)

    async def wait(self, job_id: str, deadline_s: float, *, read_first: bool = True) -> dict[str, Any] | None:
        """The result of ``job_id`` (arq's result dict: ``{"s": success, "r": value, ...}``), or None when
        ``deadline_s`` passes first. (:meth:`expect`, then :meth:`Ticket.wait`, for a job about to be sent.)

        :raises QueueUnavailable: Redis cannot be read.
        """
        with self.expect(job_id) as ticket:
            return await ticket.wait(deadline_s, read_first=read_first)


class Ticket:
    """Interest in one job's result, registered with a :class:`ResultWaiter` (a context manager)."""

    def __init__(self, waiter: ResultWaiter, job_id: str):
        self.waiter = waiter
        self.job_id = job_id
        self.event = asyncio.Event()
        waiter._events[job_id].add(self.event)

    def __enter__(self) -> "Ticket":
        return self

    def __exit__(self, *exc) -> None:
        waiters = self.waiter._events.get(self.job_id)
        if waiters is not None:
            waiters.discard(self.event)
            if not waiters:
                del self.waiter._events[self.job_id]
                self.waiter._delivered.pop(self.job_id, None)

    async def wait(self, deadline_s: float, *, read_first: bool = True) -> dict[str, Any] | None:
        """The job's result, or None when ``deadline_s`` passes first.

        :param read_first: read the stored result before waiting (the job may have finished already: one
            that was queued before this caller asked). A caller that has just enqueued a new job passes
            False and reads nothing unless the message is missed.
        :raises QueueUnavailable: Redis cannot be read.
        """
        waiter, job_id, event = self.waiter, self.job_id, self.event
        read = read_first
        try:
            async with asyncio.timeout(deadline_s):
                while True:
                    delivered = waiter._delivered.get(job_id)
                    if delivered is not None:
                        return delivered
                    if read:
                        try:
                            raw = await waiter.redis.get(result_key_prefix + job_id)
                        except (RedisError, OSError) as exc:
                            raise QueueUnavailable(f"cannot read job results: {type(exc).__name__}") from exc
                        if raw is not None:
                            return loads(raw)
                    if event.is_set() and job_id not in waiter._delivered:
                        event.clear()  # a bare message (no result in it): read what arq stored
                        read = True
                        continue
                    patience = waiter.fallback_poll_s if waiter._subscribed.is_set() else waiter.UNSUBSCRIBED_POLL_S
                    try:
                        async with asyncio.timeout(patience):
                            await event.wait()
                        read = False
                    except TimeoutError:
                        read = True
        except TimeoutError:
            return None


class ArqDispatcher:
    """Runs dispatched checks on arq workers, units batched into ``check_units`` jobs (:class:`JobBatcher`).

    :param pool: the arq pool (:func:`open_pool`).
    :param waiter: the process's :class:`ResultWaiter`.
    :param queue_name: the arq queue.
    :param deadline_s: how long :meth:`run_checks` waits for a result, seconds.
    :param registry_version: async callable giving the registry version (part of ``issuer_trust`` job ids).
    :param on_latency: called with (check id, seconds from the ask to the result) for metrics.
    :param batch_max: most units in one job.
    :param jobs_in_flight: how many jobs of this process may be on their way before units wait to share one.
    :param batch_wait_s: the longest a unit waits for a job to come back before it is sent anyway, seconds.
    """

    def __init__(self, pool: ArqRedis, waiter: ResultWaiter, *, queue_name: str, deadline_s: float,
                 registry_version: Callable[[], Any] | None = None,
                 on_latency: Callable[[str, float], None] | None = None,
                 batch_max: int = 32, jobs_in_flight: int = 2, batch_wait_s: float = 0.02):
        self.batcher = JobBatcher(pool, waiter, task=BATCH_TASK, tag="u", queue_name=queue_name,
                                  deadline_s=deadline_s, batch_max=batch_max, jobs_in_flight=jobs_in_flight,
                                  batch_wait_s=batch_wait_s)
        self.deadline_s = deadline_s
        self.registry_version = registry_version
        self.on_latency = on_latency

    async def run_checks(self, check_ids: Sequence[str], item: CredentialItem,
                         ctx: CheckContext) -> list[CheckResult]:
        """Send (or join) this credential's checks as a unit and wait for its results up to the deadline.

        :raises QueueUnavailable: Redis cannot be reached.
        """
        version = await self.registry_version() if (self.registry_version and C.CHECK_ISSUER_TRUST in check_ids) \
            else None
        document = memo_item_bytes(item, ctx)
        parts = [part_key(cid, item, ctx.options, registry_version=version, document_bytes=document)
                 for cid in check_ids]
        key = hashlib.sha256("|".join(parts).encode()).hexdigest()
        started = time.perf_counter()
        answer = await self.batcher.ask(key, lambda: {"item": item_to_json(item),
                                                      "options": options_to_json(ctx.options),
                                                      "checks": list(check_ids)})
        if self.on_latency is not None:
            for check_id in check_ids:
                self.on_latency(check_id, time.perf_counter() - started)
        if answer is TIMED_OUT:
            return [CheckResult(cid, Outcome.INDETERMINATE,
                                f"the {cid} check was not decided within the {self.deadline_s:g} s deadline",
                                C.PROBLEM_DEADLINE_EXCEEDED, target=item.pointer) for cid in check_ids]
        results = answer.get("results") if isinstance(answer, dict) else None
        return _results(check_ids, results if isinstance(results, list) else None, item)

    async def close(self) -> None:
        """Send what is pending and wait for the jobs on their way (at most the deadline)."""
        await self.batcher.close()


def _results(check_ids: Sequence[str], answers: list[Any] | None, item: CredentialItem) -> list[CheckResult]:
    """The unit's results in the order asked; anything else from a worker is not trusted."""
    if answers is None:
        return [CheckResult(cid, Outcome.INDETERMINATE, f"the worker could not run the {cid} check",
                            C.PROBLEM_INTERNAL_ERROR, target=item.pointer) for cid in check_ids]
    if len(answers) != len(check_ids):
        return [CheckResult(cid, Outcome.INDETERMINATE, f"the worker answered {len(answers)} results for "
                            f"{len(check_ids)} checks", C.PROBLEM_INTERNAL_ERROR, target=item.pointer)
                for cid in check_ids]
    out = []
    for check_id, answer in zip(check_ids, answers):
        try:
            result = CheckResult.from_json(answer)
        except (KeyError, TypeError, ValueError):
            result = CheckResult(check_id, Outcome.INDETERMINATE, f"the worker's {check_id} result is unreadable",
                                 C.PROBLEM_INTERNAL_ERROR, target=item.pointer)
        if result.check != check_id:
            result = CheckResult(check_id, Outcome.INDETERMINATE, f"the worker answered {result.check!r} for "
                                 f"the {check_id} check", C.PROBLEM_INTERNAL_ERROR, target=item.pointer)
        elif result.target != item.pointer:
            result = CheckResult(result.check, result.outcome, result.detail, result.problem_code,
                                 result.evidence, result.warnings, item.pointer)
        out.append(result)
    return out
