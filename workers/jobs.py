"""Asynchronous bulk verification: ``POST /verifications`` jobs, their store, and signed callbacks.

A job holds up to ``LER_BATCH_MAX_ITEMS`` items (each a VC-API verify body), run ``JOB_CONCURRENCY``
at a time through a :class:`Verifications`; each result is recorded as it comes. ``GET /verifications/{id}``
reads progress and results from the store: in process when embedded, in Redis otherwise (any front end
answers; kept ``LER_JOB_RESULT_TTL_S``). Progress is counted from the recorded items.

Where a job runs:

* **embedded** (no ``REDIS_URL``): in the front end that accepted it, as an asyncio task. The job lives
  in that process only: if the process stops, the job and its results are gone (a new ``GET`` answers
  404). Use ``REDIS_URL`` when jobs must outlive a restart.
* **with** ``REDIS_URL``: the front end records the job and enqueues the arq task ``run_verification_job``
  (job id ``<queue>:vjob:<id>``, the items as JSON in the task's arguments); any ``ler-verifier worker``
  runs it (checks inline in that worker). Delivery is at least once: a worker that dies mid-job stops
  renewing arq's in-progress mark, so the task is taken up again (up to arq's ``max_tries``) by another
  worker; restarting or losing front ends does not matter. The task is idempotent: items already
  recorded are not run again, and a callback already delivered is not sent again.

Ownership: a job records the id of the API key that created it; only that key, or an admin key, reads
it (any other key gets the same 404 as for an unknown id, so ids reveal nothing). In open mode (no key
configured, so the request carries none) every job is readable, as every route is open.

Callbacks: when a job finishes and has a ``callback_url``, the service POSTs the finished job document
there, signed: ``X-LER-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 keyed with LER_CALLBACK_SECRET
over "<t>." followed by the exact body>`` (a fresh ``t`` on every attempt, so a receiver refuses replays by
the age of ``t``), with ``X-LER-Delivery: <job id>`` as the idempotency key (the same on every retry, so a
receiver can drop duplicates). Failures (connection error, timeout, non-2xx) are retried with exponential backoff
(``LER_CALLBACK_RETRY_BASE_S`` doubling, ``LER_CALLBACK_MAX_ATTEMPTS`` tries). The callback URL passes
the outbound-fetch rules at submission (https only, no user info; a numeric host in any ``inet_aton`` form is
judged as its address, a name by what it resolves to) and again at connect time (no redirects).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import re
import secrets
import socket
import time
from typing import Any, Awaitable, Callable

import aiohttp
from redis.exceptions import RedisError
from yarl import URL

from trust_registry import ApiKey

from verifier import constants as C
from verifier.errors import FetchError, InputError
from verifier.fetch import _CheckingResolver, _RefusedAddress, check_url  # the project's outbound rules (DESIGN.md "Security")
from workers.metrics import Metrics
from workers.verification import Verifications, VerifyRequest, utc_now_text
from verifier.settings import Settings
from workers.dispatcher import QueueUnavailable
from workers.payload import input_error_to_json, request_from_json, request_to_json
from workers.wakeup import announce

log = logging.getLogger("workers.jobs")
JOB_CONCURRENCY = 8
#: the arq task that runs a bulk job on a worker (``workers.tasks.run_verification_job``).
JOB_TASK = "run_verification_job"
SIGNATURE_HEADER = "X-LER-Signature"
DELIVERY_HEADER = "X-LER-Delivery"


def sign_body(secret: str, body: bytes, timestamp: int) -> str:
    """``t=<timestamp>,v1=<hex>``: HMAC-SHA256 keyed with ``secret`` (UTF-8) over ``b"<timestamp>." + body``.

    :param timestamp: Unix time of this delivery attempt, seconds.
    """
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode("ascii") + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def check_signature(secret: str, header: str, body: bytes, *, now: float, tolerance_s: float = 300.0) -> bool:
    """What a receiver does with ``X-LER-Signature``: True when it is ours and at most ``tolerance_s``
    seconds old (a replay of an older delivery is refused).

    :param now: the receiver's Unix time, seconds.
    """
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance_s:
        return False
    return hmac.compare_digest(sign_body(secret, body, timestamp), f"t={timestamp},v1={fields.get('v1', '')}")


def requests_to_json(requests: list[VerifyRequest | InputError]) -> list[dict[str, Any]]:
    """A job's items as JSON (the arq task's argument); round-trips through :func:`requests_from_json`."""
    return [{"error": input_error_to_json(r)} if isinstance(r, InputError) else request_to_json(r) for r in requests]


def requests_from_json(data: list[dict[str, Any]]) -> list[VerifyRequest | dict[str, Any]]:
    """Rebuild a job's items: a :class:`VerifyRequest`, or the ``{"code", "detail"}`` of an item refused up front."""
    return [entry["error"] if "error" in entry else request_from_json(entry) for entry in data]


#: the member of a finished credential item that keeps its document for sharing (never shown).
SHAREABLE_DOCUMENT = "_document"


class MemoryJobStore:
    """Jobs in this process (embedded mode); finished ones are dropped after ``ttl_s``."""

    def __init__(self, ttl_s: float):
        self.ttl_s = ttl_s
        self._jobs: dict[str, tuple[float, dict[str, Any], dict[int, Any]]] = {}

    async def create(self, job_id: str, meta: dict[str, Any]) -> None:
        self._expire()
        self._jobs[job_id] = (time.monotonic() + self.ttl_s, meta, {})

    async def update(self, job_id: str, **changes: Any) -> None:
        self._jobs[job_id][1].update(changes)

    async def set_item(self, job_id: str, index: int, value: dict[str, Any]) -> None:
        self._jobs[job_id][2][index] = value

    async def get(self, job_id: str) -> tuple[dict[str, Any], dict[int, Any]] | None:
        entry = self._jobs.get(job_id)
        if entry is None or entry[0] < time.monotonic():
            return None
        return dict(entry[1]), dict(entry[2])

    def _expire(self) -> None:
        now = time.monotonic()
        for job_id in [j for j, e in self._jobs.items() if e[0] < now]:
            del self._jobs[job_id]


class RedisJobStore:
    """Jobs in Redis: ``<prefix><id>:meta`` (JSON) and ``<prefix><id>:items`` (hash index -> JSON)."""

    def __init__(self, redis, prefix: str, ttl_s: float):
        self.redis = redis
        self.prefix = prefix
        self.ttl_ms = int(ttl_s * 1000)

    async def create(self, job_id: str, meta: dict[str, Any]) -> None:
        await self.redis.set(f"{self.prefix}{job_id}:meta", json.dumps(meta), px=self.ttl_ms)

    async def update(self, job_id: str, **changes: Any) -> None:
        raw = await self.redis.get(f"{self.prefix}{job_id}:meta")
        meta = json.loads(raw) if raw else {}
        meta.update(changes)
        await self.redis.set(f"{self.prefix}{job_id}:meta", json.dumps(meta), px=self.ttl_ms)

    async def set_item(self, job_id: str, index: int, value: dict[str, Any]) -> None:
        key = f"{self.prefix}{job_id}:items"
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hset(key, str(index), json.dumps(value, ensure_ascii=False))
            pipe.pexpire(key, self.ttl_ms)
            await pipe.execute()

    async def get(self, job_id: str) -> tuple[dict[str, Any], dict[int, Any]] | None:
        raw = await self.redis.get(f"{self.prefix}{job_id}:meta")
        if raw is None:
            return None
        items = await self.redis.hgetall(f"{self.prefix}{job_id}:items")
        return json.loads(raw), {int(k): json.loads(v) for k, v in items.items()}


def job_store(redis, settings: Settings) -> RedisJobStore:
    """The Redis job store of ``settings.queue_name`` (front ends and workers share it)."""
    return RedisJobStore(redis, f"{settings.queue_name}:vjob:", settings.job_result_ttl_s)


def arq_job_id(queue_name: str, job_id: str) -> str:
    """The arq job id of bulk job ``job_id`` (one arq job per bulk job, whatever retries)."""
    return f"{queue_name}:vjob:{job_id}"


async def enqueue_job(redis, settings: Settings, job_id: str, items: list[dict[str, Any]]) -> None:
    """Hand bulk job ``job_id`` to the workers (arq task ``run_verification_job``).

    :raises QueueUnavailable: Redis cannot be reached.
    """
    try:
        await redis.enqueue_job(JOB_TASK, job_id, items, _job_id=arq_job_id(settings.queue_name, job_id),
                                _queue_name=settings.queue_name)
        await announce(redis, settings.queue_name)
    except (RedisError, OSError) as exc:
        raise QueueUnavailable(f"cannot enqueue the job: {type(exc).__name__}") from exc


def may_read(reader: ApiKey | None, owner: str | None) -> bool:
    """True when ``reader`` may see a job created by the key ``owner``.

    :param reader: the request's key; None only in open mode (no key configured), where all is readable.
    :param owner: the creating key's id, or None for a job created in open mode (then admin keys only).
    """
    if reader is None:
        return True
    return reader.allows("admin") or (owner is not None and reader.id == owner)


_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")


def numeric_host(host: str) -> str | None:
    """The dotted-quad IPv4 address a numeric host names with ``inet_aton`` semantics (what a resolver
    does with it: ``127.1``, ``0x7f000001``, ``2130706433``, ``0177.0.0.1`` all mean ``127.0.0.1``), or None
    for a host that is not such a number.

    :raises FetchError: the host looks numeric but is no IPv4 address.
    """
    labels = host.lower().rstrip(".").split(".")
    if not all(_NUMERIC_LABEL.match(label) for label in labels):
        return None
    try:
        return socket.inet_ntoa(socket.inet_aton(host.rstrip(".")))
    except OSError as exc:
        raise FetchError(f"the host {host!r} is numeric but not an IPv4 address; refused") from exc


#: longest callback URL accepted, characters.
MAX_CALLBACK_URL_CHARS = 2048


async def check_callback_url(url: str, settings: Settings) -> None:
    """Check a callback URL at submission by the outbound-fetch rules (https, no user info, public address).

    A numeric host in any ``inet_aton`` form is judged as the address it stands for; a named host is
    resolved (within the fetch timeout) and refused when any address is not public. A name that does not
    resolve now is accepted: delivery resolves and checks again, with retries.

    :raises FetchError: naming the rule the URL breaks (also: longer than :data:`MAX_CALLBACK_URL_CHARS`).
    """
    if len(url) > MAX_CALLBACK_URL_CHARS:
        raise FetchError(f"the URL is {len(url)} characters long; the limit is {MAX_CALLBACK_URL_CHARS}")
    target = check_url(url, allow_insecure_loopback=settings.allow_insecure_loopback)
    host = (target.host or "").strip("[]")
    dotted = numeric_host(host)
    if dotted is not None:
        try:
            check_url(target.with_host(dotted), allow_insecure_loopback=settings.allow_insecure_loopback)
        except FetchError as exc:
            raise FetchError(f"{url}: the host {host!r} is the address {dotted}; {exc.detail}") from exc
        return
    port = target.port or 443
    try:
        async with asyncio.timeout(settings.fetch_timeout_s):
            await _CheckingResolver(settings.allow_insecure_loopback).resolve(host, port, socket.AF_UNSPEC)
    except _RefusedAddress as exc:
        raise FetchError(str(exc)) from exc
    except (OSError, TimeoutError, UnicodeError):
        return  # not resolvable now: delivery checks again


class JobRunner:
    """Accepts jobs, runs their items, delivers callbacks.

    :param verifications: the service's verification runner.
    :param store: a job store (:class:`MemoryJobStore` or :class:`RedisJobStore`).
    :param settings: process settings (callback secret, retry schedule, outbound rules).
    :param metrics: the service metrics.
    :param enqueue: with Redis, ``async enqueue(job_id, items_json)`` hands the job to the workers
        (``run_verification_job``); None runs jobs in this process.
    """

    def __init__(self, verifications: Verifications | None, store, settings: Settings, metrics: Metrics, *,
                 enqueue: Callable[[str, list[dict[str, Any]]], Awaitable[None]] | None = None):
        self.verifications = verifications
        self.store = store
        self.settings = settings
        self.metrics = metrics
        self.enqueue = enqueue
        self._tasks: set[asyncio.Task] = set()
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        """Cancel running jobs and close the callback client."""
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._session is not None:
            await self._session.close()

    async def submit(self, requests: list[VerifyRequest | InputError], callback_url: str | None, *,
                     owner: ApiKey | None = None) -> str:
        """Record a job and start it; returns the job id.

        :param owner: the API key creating the job (None in open mode); only it (or an admin key) reads it.
        """
        job_id = secrets.token_hex(12)
        meta = {"id": job_id, "status": "running", "created": utc_now_text(), "finished": None,
                "total": len(requests), "done": 0, "verified": 0,
                "callback": {"url": callback_url, "state": "pending", "attempts": 0} if callback_url else None,
                "owner": owner.id if owner is not None else None}
        await self.store.create(job_id, meta)
        if self.enqueue is not None:
            await self.enqueue(job_id, requests_to_json(requests))
        else:
            items = [input_error_to_json(r) if isinstance(r, InputError) else r for r in requests]
            task = asyncio.create_task(self.run(job_id, items), name=f"ler-job-{job_id}")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        self.metrics.async_jobs.labels("accepted").inc()
        return job_id

    async def document_for(self, job_id: str, reader: ApiKey | None) -> dict[str, Any] | None:
        """The job as ``GET /verifications/{id}`` shows it to ``reader``.

        :param reader: the request's API key; None in open mode (no key configured: every job is readable).
        :returns: None when the job is unknown, expired, or not ``reader``'s (another key's job is not
            told apart from a missing one).
        """
        found = await self.store.get(job_id)
        if found is None or not may_read(reader, found[0].get("owner")):
            return None
        return self._render(*found)

    async def document(self, job_id: str) -> dict[str, Any] | None:
        """The job document whoever owns it (for its callback), or None when unknown or expired."""
        found = await self.store.get(job_id)
        return None if found is None else self._render(*found)

    @staticmethod
    def _render(meta: dict[str, Any], items: dict[int, Any]) -> dict[str, Any]:
        meta.pop("owner", None)  # the creating key's id stays internal
        meta.pop("done", None)
        meta.pop("verified", None)
        done = sum(1 for i in items.values() if i.get("status") != "pending")
        verified = sum(1 for i in items.values() if i.get("verified") is True)
        meta["progress"] = {"total": meta.pop("total"), "done": done, "verified": verified}
        meta["items"] = [{k: v for k, v in items.get(i, {"index": i, "status": "pending"}).items()
                          if k != SHAREABLE_DOCUMENT} for i in range(meta["progress"]["total"])]
        return meta

    async def shareable(self, job_id: str, index: int, reader: ApiKey | None) -> dict[str, Any] | str | None:
        """The credential of item ``index`` of a finished job, as it was submitted, for ``POST /shares``.

        :param reader: the request's API key: only the job's key (or an admin key) may share its items.
        :returns: the credential (a JSON object, or a compact JWT), or None when the job is unknown,
            expired or not ``reader``'s, or the item is not a verified-through credential (refused at
            submission, a presentation, or still pending).
        """
        found = await self.store.get(job_id)
        if found is None or not may_read(reader, found[0].get("owner")):
            return None
        return found[1].get(index, {}).get(SHAREABLE_DOCUMENT)

    async def run(self, job_id: str, requests: list[VerifyRequest | dict[str, Any]]) -> None:
        """Run (or resume) a job: verify the items not yet recorded, finish it, deliver its callback.

        Idempotent, so it may run again after a crash: recorded items are kept, a finished job is not
        run again, a delivered callback is not sent again.

        :param requests: the items; a dict is an item refused at submission (``{"code", "detail"}``).
        """
        found = await self.store.get(job_id)
        if found is None:
            log.warning("job %s is unknown or expired; nothing to run", job_id)
            return
        meta, recorded = found
        if meta.get("status") == "running":
            await self._run_items(job_id, requests, recorded)
        callback = meta.get("callback")
        if callback and callback.get("state") not in ("delivered", "failed"):
            await self._deliver(job_id, callback["url"])

    async def _run_items(self, job_id: str, requests: list[VerifyRequest | dict[str, Any]],
                         recorded: dict[int, Any]) -> None:
        gate = asyncio.Semaphore(JOB_CONCURRENCY)

        async def one(index: int, request: VerifyRequest | dict[str, Any]) -> None:
            async with gate:
                if isinstance(request, dict):
                    item = {"index": index, "status": "error", "error": dict(request)}
                else:
                    try:
                        answer = await self.verifications.verify(request)
                        item = {"index": index, "status": "done", "verified": answer.verified, "result": answer.body}
                        if request.expect == "credential":  # kept (not shown) so the item can be shared
                            item[SHAREABLE_DOCUMENT] = request.document
                    except InputError as exc:
                        member = {"credential": "verifiableCredential", "presentation": "verifiablePresentation"}[
                            request.expect] if not request.unsigned else "presentation"
                        pointer = f"/items/{index}/{member}{exc.pointer or ''}"
                        item = {"index": index, "status": "error",
                                "error": input_error_to_json(InputError(exc.detail, problem_code=exc.problem_code,
                                                                pointer=pointer))}
                    except (RedisError, OSError, QueueUnavailable):
                        raise  # the store or queue is down: the job fails (and arq may run it again)
                    except Exception:  # noqa: BLE001 - one item's bug must not leave the job without a state
                        log.exception("item %d of job %s raised", index, job_id)
                        item = {"index": index, "status": "error",
                                "error": {"code": C.PROBLEM_INTERNAL_ERROR,
                                          "detail": "this item could not be verified: an unexpected error occurred"}}
                await self.store.set_item(job_id, index, item)

        try:
            await asyncio.gather(*(one(i, r) for i, r in enumerate(requests) if i not in recorded))
            await self.store.update(job_id, status="done", finished=utc_now_text())
        except Exception:  # noqa: BLE001 - a job must end in a state, not vanish
            log.exception("job %s failed", job_id)
            await self.store.update(job_id, status="failed", finished=utc_now_text())
        self.metrics.async_jobs.labels("done").inc()

    async def _deliver(self, job_id: str, url: str) -> None:
        """POST the finished job to ``url``, signed, with retries; records the outcome on the job."""
        document = await self.document(job_id)
        body = json.dumps(document, ensure_ascii=False).encode("utf-8")
        delay = self.settings.callback_retry_base_s
        for attempt in range(1, self.settings.callback_max_attempts + 1):
            headers = {"Content-Type": "application/json", DELIVERY_HEADER: job_id,
                       SIGNATURE_HEADER: sign_body(self.settings.callback_secret or "", body, int(time.time()))}
            error = await self._post(url, body, headers)
            if error is None:
                await self.store.update(job_id, callback={"url": url, "state": "delivered", "attempts": attempt})
                self.metrics.callbacks.labels("delivered").inc()
                return
            log.warning("callback for job %s failed (attempt %d): %s", job_id, attempt, error)
            await self.store.update(job_id, callback={"url": url, "state": "retrying", "attempts": attempt,
                                                      "error": error})
            if attempt < self.settings.callback_max_attempts:
                await asyncio.sleep(delay)
                delay *= 2
        await self.store.update(job_id, callback={"url": url, "state": "failed",
                                                  "attempts": self.settings.callback_max_attempts})
        self.metrics.callbacks.labels("failed").inc()

    async def _post(self, url: str, body: bytes, headers: dict[str, str]) -> str | None:
        """One delivery attempt; None on a 2xx answer, else what went wrong."""
        try:
            target = check_url(url, allow_insecure_loopback=self.settings.allow_insecure_loopback)
        except FetchError as exc:
            return exc.detail
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(resolver=_CheckingResolver(self.settings.allow_insecure_loopback),
                                             use_dns_cache=False, limit=20)
            self._session = aiohttp.ClientSession(connector=connector, trust_env=False,
                                                  headers={"User-Agent": "ler-verifier"})
        try:
            async with self._session.post(URL(target), data=body, headers=headers, allow_redirects=False,
                                          timeout=aiohttp.ClientTimeout(total=self.settings.fetch_timeout_s)) as resp:
                await resp.read()
                return None if 200 <= resp.status < 300 else f"HTTP {resp.status}"
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            return f"{type(exc).__name__}"
