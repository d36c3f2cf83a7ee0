"""``JobBatcher``: units of work batched into arq jobs by Nagle's rule (issue 10 "Distributed mode").

arq costs about two dozen Redis commands per job whatever it carries, so under load a job carries many
units and shares that cost. The rule is Nagle's: a unit is sent at once (at the next turn of the event
loop, with whatever else was asked in this one) while fewer than ``jobs_in_flight`` jobs of this batcher
are on their way; otherwise it waits for one to come back, or ``batch_wait_s`` at most, and goes with the
others that waited (up to ``batch_max`` a job). An idle service adds no latency; a busy one sends fewer,
fuller jobs.

* **Duplicate work collapses.** A job id is derived from its units' keys: the same lone unit asked by two
  front ends is one job. Inside one process, a unit already on its way is joined, not sent again.
* **Results are published once**, in the worker's ``done`` message (:class:`workers.dispatcher.ResultWaiter`).
* **A deadline, never a guess.** A unit not answered within ``deadline_s`` gets :data:`TIMED_OUT`.

A job's payload is ``{"units": [unit payload, ...]}``; its task answers ``{"units": [answer, ...]}`` in
the same order. Two tasks use it: ``verify_requests`` (each unit a whole verify request, sent by
:class:`workers.remote_verifications.RemoteVerifications`) and ``check_units`` (each unit one credential's
dispatched checks, sent by :class:`workers.dispatcher.ArqDispatcher`).
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from typing import Any, Callable

from arq.connections import ArqRedis
from redis.exceptions import RedisError

from workers.wakeup import announce

#: a unit's answer when its job was not decided within the deadline.
TIMED_OUT = "deadline"


class QueueUnavailable(Exception):
    """Redis (the queue) cannot be reached: the service answers 503."""


@dataclass
class _Unit:
    """One unit of work waiting to be sent: its key, its job payload and its answer."""

    key: str
    payload: dict[str, Any]
    answer: asyncio.Future


def unit_answers(stored: dict[str, Any] | None, count: int) -> list[Any | None]:
    """Each unit's answer from a batched job's stored result (None where it gave none)."""
    if stored is None or not stored.get("s") or not isinstance(stored.get("r"), dict):
        return [None] * count
    units = stored["r"].get("units")
    if not isinstance(units, list) or len(units) != count:
        return [None] * count
    return [u if isinstance(u, dict) else None for u in units]


class JobBatcher:
    """Sends units of work to arq workers in shared jobs and hands each unit its answer.

    :param pool: the arq pool.
    :param waiter: the process's :class:`workers.dispatcher.ResultWaiter`.
    :param task: the arq task that runs a batch (``{"units": [...]}``).
    :param tag: job id infix telling the tasks' jobs apart (``<queue>:<tag>:<hash>``).
    :param queue_name: the arq queue.
    :param deadline_s: how long a unit waits for its answer, seconds.
    :param batch_max: most units in one job.
    :param jobs_in_flight: how many jobs may be on their way before units wait to share one.
    :param batch_wait_s: the longest a unit waits for a job to come back before it is sent anyway, seconds.
    """

    def __init__(self, pool: ArqRedis, waiter, *, task: str, tag: str, queue_name: str, deadline_s: float,
                 batch_max: int = 32, jobs_in_flight: int = 2, batch_wait_s: float = 0.02):
        if batch_max < 1 or jobs_in_flight < 1 or batch_wait_s < 0:
            raise ValueError("batch_max and jobs_in_flight must be at least 1, batch_wait_s at least 0")
        self.pool = pool
        self.waiter = waiter
        self.task = task
        self.tag = tag
        self.queue_name = queue_name
        self.deadline_s = deadline_s
        self.batch_max = batch_max
        self.jobs_in_flight = jobs_in_flight
        self.batch_wait_s = batch_wait_s
        self._jobs = 0
        self._pending: list[_Unit] = []
        self._in_flight: dict[str, asyncio.Future] = {}
        self._flush_handle: asyncio.TimerHandle | asyncio.Handle | None = None
        self._sending: set[asyncio.Task] = set()

    async def ask(self, key: str, payload: Callable[[], dict[str, Any]]) -> Any:
        """The answer to the unit ``key`` (joining one already on its way), waited for up to the deadline.

        :param key: the unit's identity: equal keys are equal work.
        :param payload: builds the unit's JSON payload (called only when the unit is sent, not joined).
        :returns: the task's answer for this unit (a dict), None when the job gave none, or :data:`TIMED_OUT`.
        :raises QueueUnavailable: Redis cannot be reached.
        """
        answer = self._in_flight.get(key)
        if answer is None:
            answer = self._queue(key, payload())
        try:
            async with asyncio.timeout(self.deadline_s):
                return await asyncio.shield(answer)
        except TimeoutError:
            return TIMED_OUT

    def _queue(self, key: str, payload: dict[str, Any]) -> asyncio.Future:
        """Queue a unit for the next batch; its future gets its answer (None: no answer)."""
        loop = asyncio.get_running_loop()
        answer = loop.create_future()
        answer.add_done_callback(_observe)
        self._in_flight[key] = answer
        answer.add_done_callback(lambda f, k=key: self._in_flight.pop(k, None) if self._in_flight.get(k) is f else None)
        self._pending.append(_Unit(key, payload, answer))
        if len(self._pending) >= self.batch_max:
            self._flush()
        elif self._flush_handle is None:
            self._flush_handle = (loop.call_soon(self._flush) if self._jobs < self.jobs_in_flight
                                  else loop.call_later(self.batch_wait_s, self._flush))
        return answer

    def _flush(self) -> None:
        if self._flush_handle is not None:
            self._flush_handle.cancel()
            self._flush_handle = None
        batch, self._pending = self._pending[:self.batch_max], self._pending[self.batch_max:]
        if self._pending:
            self._flush_handle = asyncio.get_running_loop().call_soon(self._flush)
        if batch:
            self._jobs += 1
            task = asyncio.create_task(self._send(batch), name="ler-dispatch-batch")
            self._sending.add(task)
            task.add_done_callback(self._sending.discard)

    async def _send(self, batch: list[_Unit]) -> None:
        """Enqueue one job for ``batch`` (or join the same one already queued) and hand out its answers;
        then send what waited meanwhile."""
        try:
            await self._send_one(batch)
        finally:
            self._jobs -= 1
            if self._pending and self._jobs < self.jobs_in_flight:
                self._flush()

    async def _send_one(self, batch: list[_Unit]) -> None:
        keys = sorted(u.key for u in batch)
        job_id = f"{self.queue_name}:{self.tag}:" + (keys[0] if len(keys) == 1 else
                                                     hashlib.sha256("|".join(keys).encode()).hexdigest())
        batch = sorted(batch, key=lambda u: u.key)
        with self.waiter.expect(job_id) as ticket:
            await self._enqueue_and_wait(batch, job_id, ticket)

    async def _enqueue_and_wait(self, batch: list[_Unit], job_id: str, ticket) -> None:
        try:
            try:
                job = await self.pool.enqueue_job(self.task, {"units": [u.payload for u in batch]}, _job_id=job_id,
                                                  _queue_name=self.queue_name, _expires=max(60.0, self.deadline_s * 2))
                if job is not None:  # a new job (not one already queued): wake an idle worker
                    await announce(self.pool, self.queue_name)
            except (RedisError, OSError) as exc:
                raise QueueUnavailable(f"cannot enqueue the work of {len(batch)} unit(s): "
                                       f"{type(exc).__name__}") from exc
            stored = await ticket.wait(self.deadline_s, read_first=job is None)
        except QueueUnavailable as exc:
            for unit in batch:
                if not unit.answer.done():
                    unit.answer.set_exception(exc)
            return
        answers = [TIMED_OUT] * len(batch) if stored is None else unit_answers(stored, len(batch))
        for unit, answer in zip(batch, answers):
            if not unit.answer.done():
                unit.answer.set_result(answer)

    async def close(self) -> None:
        """Send what is pending and wait for the jobs on their way (at most the deadline)."""
        self._flush()
        if self._sending:
            await asyncio.wait(set(self._sending), timeout=self.deadline_s)


def _observe(future: asyncio.Future) -> None:
    """Mark a unit's exception retrieved (every asker got it, or gave up at its deadline)."""
    if not future.cancelled():
        future.exception()
