"""arq worker settings built from the one :class:`verifier.settings.Settings` (``ler-verifier worker``).

Tuning (issue 5 "Workers"):

* workers wake when a front end announces work (:mod:`workers.wakeup`) and otherwise read the queue every
  ``LER_WORKER_POLL_S`` (250 ms): an idle worker makes a few Redis reads a second, not hundreds.
* every check task has the same timeout (``LER_WORKER_JOB_TIMEOUT_S``) and the in-progress mark lives
  that long plus one second (arq's default adds ten to the longest timeout of any task), so a job
  whose worker died is picked up again within its own timeout.
* results are kept ``RESULT_KEEP_S`` only: the front end reads them at once (woken by the ``done``
  message published in ``after_job_end``, after arq has stored the result); the result cache, not
  arq, keeps answers.
* JSON job serialization; ``max_tries`` 5 (at least once; the tasks are idempotent).
* ``run_verification_job`` (a whole bulk job) may run long: its timeout is :func:`bulk_job_timeout_s`,
  and it renews its in-progress mark while it runs (so a dead worker's bulk job is still taken up
  again within a check's timeout).
"""

from __future__ import annotations

import contextlib
from typing import Any

from arq.connections import RedisSettings
from arq.worker import Worker, func

from trust_registry import TrustRegistry, default_database_url

from verifier.dispatch import DeadlineDispatcher, InlineDispatcher
from verifier.runtime import open_environment
from verifier.settings import Settings
from verifier.trust import RegistryTrustSource
from workers.cache import RedisCache
from workers.dispatcher import done_channel, done_message, dumps, loads
from workers.jobs import JobRunner, job_store
from workers.metrics import Metrics
from workers.tasks import TASK_FUNCTIONS, run_verification_job
from workers.verification import Verifications, VersionTracker
from workers.wakeup import WakefulWorker

RESULT_KEEP_S = 5.0
MAX_TRIES = 5
#: how often a worker rewrites ``<queue>:health-check`` (its lifetime is one second longer), seconds:
#: ``/readyz`` sees a dead worker within this plus one second (issue 9).
HEALTH_CHECK_INTERVAL_S = 2


def registry_url(settings: Settings) -> str:
    """The trust registry URL: ``LER_DATABASE_URL``, else the SQLite file in the data directory."""
    return settings.database_url or default_database_url(settings.data_dir)


def bulk_job_timeout_s(settings: Settings) -> float:
    """How long one bulk job may run: every item at its deadline (a few checks each), plus the callback."""
    rounds = -(-settings.batch_max_items // 8)
    callback = settings.callback_retry_base_s * (2 ** settings.callback_max_attempts) + \
        settings.callback_max_attempts * settings.fetch_timeout_s
    return rounds * settings.verify_deadline_s * 4 + callback + 60.0


async def _startup(ctx: dict[str, Any]) -> None:
    settings: Settings = ctx["settings"]
    stack = contextlib.AsyncExitStack()
    registry = await TrustRegistry.open(registry_url(settings), refresh_interval_s=settings.registry_poll_s)
    stack.push_async_callback(registry.close)
    env = ctx["env"] = await stack.enter_async_context(
        open_environment(settings, executor=None, trust=RegistryTrustSource(registry)))
    if "redis" in ctx:  # an arq worker (a process running only the check tasks, e.g. a benchmark, has no queue)
        verifications = ctx["verifications"] = _verifications(ctx["redis"], settings, registry, env)
        ctx["jobs"] = JobRunner(verifications, job_store(ctx["redis"], settings), settings, Metrics())
        stack.push_async_callback(ctx["jobs"].close)
    ctx["stack"] = stack


def _verifications(redis, settings: Settings, registry, env) -> Verifications:
    """This worker's verifications (``verify_requests`` and bulk jobs): checks inline, bounded by the verify
    deadline; the Redis report and part cache the front ends read."""
    return Verifications(env=env, dispatcher=DeadlineDispatcher(InlineDispatcher(), settings.verify_deadline_s),
                         cache=RedisCache(redis, f"{settings.queue_name}:cache:"),
                         versions=VersionTracker(registry, settings.registry_poll_s),
                         max_ttl_s=settings.cache_max_ttl_s, status_ttl_s=settings.cache_status_ttl_s)


async def _shutdown(ctx: dict[str, Any]) -> None:
    stack = ctx.pop("stack", None)
    if stack is not None:
        await stack.aclose()


async def _announce(ctx: dict[str, Any]) -> None:
    """After arq stored a result: publish it to waiting front ends (``<queue>:done``, with the result of a
    ``check_units`` job, so nobody reads it back), and read the queue again now that this worker has room."""
    with contextlib.suppress(Exception):
        await ctx["redis"].publish(ctx["done_channel"], done_message(ctx["job_id"], ctx.get("publish_result")))
    wake = ctx.get("wake")
    if wake is not None:
        wake()


def worker_settings(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for :class:`arq.worker.Worker`.

    :raises ValueError: no ``REDIS_URL`` is set.
    """
    if not settings.redis_url:
        raise ValueError("REDIS_URL is not set: a worker needs Redis")
    functions = [func(f, name=f.__name__, timeout=settings.worker_job_timeout_s, keep_result=RESULT_KEEP_S,
                      max_tries=MAX_TRIES) for f in TASK_FUNCTIONS]
    functions.append(func(run_verification_job, name="run_verification_job", timeout=bulk_job_timeout_s(settings),
                          keep_result=RESULT_KEEP_S, max_tries=MAX_TRIES))
    return {
        "functions": functions,
        "redis_settings": RedisSettings.from_dsn(settings.redis_url),
        "queue_name": settings.queue_name,
        "job_serializer": dumps,
        "job_deserializer": loads,
        "max_jobs": settings.worker_max_jobs,
        "job_timeout": settings.worker_job_timeout_s,
        "keep_result": RESULT_KEEP_S,
        "max_tries": MAX_TRIES,
        "on_startup": _startup,
        "on_shutdown": _shutdown,
        "after_job_end": _announce,
        "ctx": {"settings": settings, "done_channel": done_channel(settings.queue_name),
                "in_progress_s": settings.worker_job_timeout_s + 1.0},
        "health_check_interval": HEALTH_CHECK_INTERVAL_S,
        "log_results": False,  # arq would repr every result (whole reports) for its log line: a cost, no use
    }


def create_worker(settings: Settings) -> Worker:
    """A configured worker (call ``.run()`` in the main thread)."""
    worker = WakefulWorker(**worker_settings(settings), idle_poll_s=settings.worker_poll_s)
    worker.ctx["wake"] = worker.wake
    worker.in_progress_timeout_s = settings.worker_job_timeout_s + 1.0
    return worker
