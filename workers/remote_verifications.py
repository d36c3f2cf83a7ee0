"""``RemoteVerifications``: a front end's verifications run whole on the arq workers, a unit per request
(DESIGN.md "Data flow" step 4, "one unit of work per credential (or per request)"; STYLE.md rule 8).

With ``LER_DISPATCH_UNIT=request`` (the default with ``REDIS_URL``) a front end reads the report cache and,
on a miss, sends the request itself: parse, every check, the report and its rendering run on a worker
(the ``verify_requests`` task, with the very :class:`workers.verification.Verifications` the embedded
service runs, checks inline there). The front end does HTTP, keys, the cache read and one batched
enqueue; the worker's answer comes back in its ``done`` message (published once) and is the response.

* **Batching and duplicate work** are :class:`workers.batching.JobBatcher`'s: a unit's key is the report
  key (presented bytes, options, registry version) plus the answer's language, so equal questions asked at
  once are one unit, and a job id is derived from its units' keys.
* **Fail closed.** A request whose answer does not come within the deadline is verified here with every
  dispatched check ``indeterminate`` (DEADLINE_EXCEEDED); an answer that is missing or unreadable makes
  them ``indeterminate`` (INTERNAL_ERROR). Only a proof or status result still fresh in the shared part
  cache is used (a worker would have used it too); such a report is never cached (its undecided results
  are transient). A verdict is true only when the answer and its body both say so. The document's own
  faults (a worker's ``InputError``) are the same 400 as when embedded.

``LER_DISPATCH_UNIT=credential`` keeps the pipeline on the front end and sends each credential's
dispatched checks (:class:`workers.dispatcher.ArqDispatcher`): for large presentations and CLRs, whose
credentials are then checked on several workers at once.
"""

from __future__ import annotations

import logging
import time
from typing import Callable

from verifier import constants as C
from verifier.dispatch import Undecided
from verifier.environment import Environment
from workers.batching import TIMED_OUT, JobBatcher
from workers.payload import input_error_from_json, request_to_json
from workers.verification import Answer, Verifications, VerifyRequest

log = logging.getLogger("workers.remote_verifications")

#: the arq task that runs a batch of whole verifications (:func:`workers.tasks.verify_requests`).
REQUEST_TASK = "verify_requests"
#: how much longer than the verify deadline a front end waits for a worker's answer, seconds: the worker
#: bounds its dispatched checks by the deadline, and its answer still has to travel back.
TRANSIT_S = 1.0
#: the checks whose round trip ``on_latency`` reports (what ``ArqDispatcher`` would have sent).
DISPATCHED = frozenset({C.CHECK_PROOF, C.CHECK_STATUS, C.CHECK_ISSUER_TRUST})


class RemoteVerifications:
    """Verifications for a front end with Redis: the report cache here, the verification on a worker.

    Has the interface of :class:`workers.verification.Verifications` that the handlers use
    (:meth:`verify` and ``env``).

    :param local: this process's verifications: its report key, report cache and environment; and the
        verification of a request whose answer did not come within the deadline, so its dispatcher is
        :func:`verifier.dispatch.deadline_passed` (every dispatched check ``indeterminate``).
    :param batcher: sends units to the ``verify_requests`` task (its ``deadline_s`` bounds the wait).
    :param on_latency: called with (check id, seconds from the ask to the answer) for each dispatched check
        of a fresh answer, for the ``ler_worker_job_seconds`` metric.
    """

    def __init__(self, local: Verifications, batcher: JobBatcher, *,
                 on_latency: Callable[[str, float], None] | None = None):
        self.local = local
        self.batcher = batcher
        self.on_latency = on_latency
        self._no_answer = Undecided(C.PROBLEM_INTERNAL_ERROR, "the worker gave no readable answer, so the {check} "
                                    "check was not decided")

    @property
    def env(self) -> Environment:
        """This process's environment (resolvers, documents): what the handlers fetch sources with."""
        return self.local.env

    async def verify(self, request: VerifyRequest) -> Answer:
        """Verify one credential or presentation: a fresh cached report, else a worker's answer.

        :raises InputError: the document cannot be read (-> 400), as the worker found.
        :raises QueueUnavailable: Redis cannot be reached (-> 503).
        """
        key, version = await self.local.report_key(request)
        hit = await self.local.cached(request, key, version)
        if hit is not None:
            return hit
        started = time.perf_counter()
        reply = await self.batcher.ask(f"{key}:{request.lang}", lambda: request_to_json(request))
        if reply is TIMED_OUT:
            return await self.local.run(request, key, version)
        if isinstance(reply, dict) and "error" in reply:
            try:
                error = input_error_from_json(reply["error"])
            except ValueError:
                log.warning("a worker's input error for %s is unreadable", key)
            else:
                raise error
        try:
            answer = Answer.from_json(reply)
        except ValueError as exc:
            log.warning("a worker's answer for %s is unreadable (%s): its checks are indeterminate", key, exc)
            return await self.local.run(request, key, version, dispatcher=self._no_answer)
        if self.on_latency is not None and not answer.cached:
            seconds = time.perf_counter() - started
            for check_id, _ in answer.outcomes:
                if check_id in DISPATCHED:
                    self.on_latency(check_id, seconds)
        return answer

    async def close(self) -> None:
        """Send what is pending and wait for the jobs on their way (at most the deadline)."""
        await self.batcher.close()

