"""``create_app(settings)``: the service's composition root (DESIGN.md "Packages", STYLE.md rule 6).

One cleanup context per resource, opened in order and closed in reverse:

1. the process pool for CPU-bound checks (``LER_CPU_WORKERS``; none when 0, nor when whole requests go
   to the workers);
2. the trust registry (SQLite file in the data directory, or ``LER_DATABASE_URL``), its version
   tracker for cache keys, and the API-key authenticator;
3. Redis (only with ``REDIS_URL``): the arq pool and the result waiter;
4. the environment (resolvers, HTTP client), the dispatcher (inline, or arq with ``REDIS_URL``) and the
   result cache (in process, or Redis), wrapped in :class:`Verifications`; the bulk job runner and its
   store (in process, and jobs run here; or Redis, and jobs run on the workers).

Without ``REDIS_URL`` the service is embedded: the same checks run in this process (CPU-bound ones in
the pool). The trust registry's admin API is mounted at ``/admin`` (admin keys only).
"""

from __future__ import annotations

import asyncio
import functools
import gc
import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

from aiohttp import web

from trust_registry import TrustRegistry
from trust_registry.admin import create_admin_app
from trust_registry.errors import RegistryUnavailable

from verifier.dispatch import DeadlineDispatcher, Dispatcher, InlineDispatcher, deadline_passed
from verifier.environment import StatusSource
from verifier.runtime import open_environment
from verifier.service import appkeys as K
from verifier.service.auth import Authenticator, RateLimiter
from verifier.service.shared_limits import SharedRateLimiter
from workers.jobs import JobRunner, MemoryJobStore, enqueue_job, job_store
from workers.metrics import Metrics
from verifier.service.middleware import problem_middleware, request_middleware
from verifier.service.routes import ROUTES
from workers.verification import Verifications, VersionTracker
from verifier.settings import Settings
from verifier.trust import RegistryTrustSource
from workers.cache import MemoryCache, RedisCache
from workers.batching import JobBatcher
from workers.dispatcher import ArqDispatcher, ResultWaiter, done_channel, open_pool
from workers.remote_verifications import REQUEST_TASK, TRANSIT_S, RemoteVerifications
from workers.settings import registry_url

log = logging.getLogger("verifier.service")
_WAITER = web.AppKey("ler_result_waiter", ResultWaiter)
_LIMITER = web.AppKey("ler_rate_limiter", object)
_MIGRATE = web.AppKey("ler_migrate_schema", bool)


def create_app(settings: Settings, *, status: StatusSource | None = None,
               rate_limiter: RateLimiter | SharedRateLimiter | None = None,
               migrate_schema: bool = True) -> web.Application:
    """Build the service application.

    :param settings: process settings (:func:`verifier.settings.load_settings`).
    :param status: the status-list source for the ``status`` check (issue 3), or None.
    :param rate_limiter: the per-key rate limiter; None: one for this process from the settings
        (``serve --processes`` passes one shared by its processes).
    :param migrate_schema: bring the registry schema up to date at start-up (False when the caller
        already did, as ``serve --processes`` does once before starting its processes).
    :returns: the application; run it with ``web.run_app`` or a test server.
    """
    app = web.Application(middlewares=[request_middleware, problem_middleware])
    app[K.SETTINGS] = settings
    app[K.METRICS] = Metrics()
    app[_MIGRATE] = migrate_schema
    app[_LIMITER] = rate_limiter or RateLimiter(settings.rate_limit_per_s, settings.rate_limit_burst)
    app.cleanup_ctx.extend([_executor, _registry, _redis, _verifications(status)])
    app.add_routes(ROUTES)
    app.on_startup.append(_freeze_start_up_objects)
    app.add_subapp("/admin", create_admin_app(registry_url=registry_url(settings),
                                              max_body_bytes=settings.max_body_bytes, migrate_schema=False))
    return app


async def _freeze_start_up_objects(app: web.Application) -> None:
    """Move everything start-up made (settings, registry, bundled contexts, compiled schemas) out of the
    garbage collector's sight (``gc.freeze``): a full collection then walks only what requests made,
    not the whole heap (tens of milliseconds, measured as the cache-hit tail at 64 connections)."""
    gc.collect()
    gc.freeze()


async def _executor(app: web.Application):
    """Cleanup context: the process pool for CPU-bound checks (pyld is not thread-safe: processes)."""
    settings = app[K.SETTINGS]
    size = (os.cpu_count() or 1) if settings.cpu_workers is None else settings.cpu_workers
    if settings.sends_whole_requests:
        size = 0  # every verification runs on a worker: this process runs no check
    executor = None
    if size > 0:
        executor = ProcessPoolExecutor(max_workers=size, mp_context=multiprocessing.get_context("forkserver"))
    app[K.EXECUTOR] = executor
    try:
        yield
    finally:
        if executor is not None:
            await asyncio.get_running_loop().run_in_executor(
                None, functools.partial(executor.shutdown, wait=True, cancel_futures=True))


async def _registry(app: web.Application):
    """Cleanup context: the trust registry, its version tracker and the API-key authenticator."""
    settings = app[K.SETTINGS]
    url = registry_url(settings)
    try:
        registry = await TrustRegistry.open(url, migrate_schema=app[_MIGRATE], key_cache_ttl_s=0.0,
                                            refresh_interval_s=settings.registry_poll_s)
    except RegistryUnavailable as exc:
        log.warning("trust registry not reachable at start-up (%s); continuing, /readyz reports it", exc)
        registry = await TrustRegistry.open(url, migrate_schema=False, key_cache_ttl_s=0.0,
                                            refresh_interval_s=settings.registry_poll_s)
    app[K.REGISTRY] = registry
    app[K.VERSIONS] = VersionTracker(registry, settings.registry_poll_s)
    auth = Authenticator(registry, app[_LIMITER], key_cache_s=settings.key_cache_s)  # it remembers keys itself
    app[K.AUTH] = auth
    try:
        if not await auth.keys_configured():
            log.warning("no API key is configured: the verify routes are open to anyone; create one with "
                        "'ler-verifier keys create --role verify --name NAME' (admin routes stay closed)")
    except RegistryUnavailable:
        pass
    try:
        yield
    finally:
        await auth.close()
        await app[K.VERSIONS].close()
        await registry.close()


async def _redis(app: web.Application):
    """Cleanup context: the arq pool and result waiter (only with ``REDIS_URL``)."""
    settings = app[K.SETTINGS]
    if not settings.redis_url:
        app[K.REDIS] = None
        yield
        return
    pool = open_pool(settings.redis_url, settings.queue_name)
    waiter = ResultWaiter(pool, done_channel(settings.queue_name))
    await waiter.start()
    app[K.REDIS] = pool
    app[_WAITER] = waiter
    app[K.METRICS].set_queue_probe(lambda: pool.zcard(settings.queue_name))
    try:
        yield
    finally:
        await waiter.close()
        await pool.aclose(close_connection_pool=True)


def _verifications(status: StatusSource | None):
    async def ctx(app: web.Application):
        """Cleanup context: environment, dispatcher and result cache."""
        settings = app[K.SETTINGS]
        registry = app[K.REGISTRY]
        versions = app[K.VERSIONS]
        async with open_environment(settings, executor=app[K.EXECUTOR], trust=RegistryTrustSource(registry),
                                    status=status) as env:
            app[K.ENVIRONMENT] = env
            pool = app[K.REDIS]
            metrics = app[K.METRICS]
            on_latency = lambda check, s: metrics.job_latency.labels(check).observe(s)  # noqa: E731
            cache = MemoryCache(settings.cache_max_entries) if pool is None else \
                RedisCache(pool, f"{settings.queue_name}:cache:")
            if pool is None:
                dispatcher: Dispatcher = DeadlineDispatcher(InlineDispatcher(), settings.verify_deadline_s)
            elif settings.sends_whole_requests:  # this process runs no check: a missed deadline leaves them undecided
                dispatcher = deadline_passed(settings.verify_deadline_s)
            else:
                dispatcher = ArqDispatcher(pool, app[_WAITER], queue_name=settings.queue_name,
                                           deadline_s=settings.verify_deadline_s, registry_version=versions.current,
                                           on_latency=on_latency, batch_max=settings.dispatch_batch_max,
                                           jobs_in_flight=settings.dispatch_jobs_in_flight,
                                           batch_wait_s=settings.dispatch_batch_wait_s)
            verifications = Verifications(env=env, dispatcher=dispatcher, cache=cache, versions=versions,
                                          max_ttl_s=settings.cache_max_ttl_s, status_ttl_s=settings.cache_status_ttl_s)
            if settings.sends_whole_requests:
                batcher = JobBatcher(pool, app[_WAITER], task=REQUEST_TASK, tag="r", queue_name=settings.queue_name,
                                     deadline_s=settings.verify_deadline_s + TRANSIT_S,
                                     batch_max=settings.dispatch_batch_max,
                                     jobs_in_flight=settings.dispatch_jobs_in_flight,
                                     batch_wait_s=settings.dispatch_batch_wait_s)
                verifications = RemoteVerifications(verifications, batcher, on_latency=on_latency)
            app[K.VERIFICATIONS] = verifications
            if pool is None:  # embedded: a job lives in this process (see workers.jobs)
                jobs = JobRunner(verifications, MemoryJobStore(settings.job_result_ttl_s), settings, app[K.METRICS])
            else:  # a worker runs the job (run_verification_job): it survives this process
                jobs = JobRunner(verifications, job_store(pool, settings), settings, app[K.METRICS],
                                 enqueue=functools.partial(enqueue_job, pool, settings))
            app[K.JOBS] = jobs
            try:
                yield
            finally:
                await jobs.close()
    return ctx
