"""``GET /healthz`` (the process answers) and ``GET /readyz`` (the database, Redis and an arq worker answer).

With ``REDIS_URL`` a front end alone cannot answer a verification: the checks run on workers. Each arq
worker rewrites ``<queue>:health-check`` every ``health_check_interval`` (2 s,
:data:`workers.settings.HEALTH_CHECK_INTERVAL_S`) with a lifetime one second longer, so a missing key means no
worker has polled the queue for 3 s: not ready.
"""

from __future__ import annotations

import asyncio

from aiohttp import web

from trust_registry.errors import RegistryUnavailable
from arq.constants import health_check_key_suffix
from redis.exceptions import RedisError

from verifier import constants as C
from verifier.service import appkeys as K
from verifier.service.problems import problem_body

_PROBE_S = 2.0


async def healthz(_request: web.Request) -> web.Response:
    """Always ``{"status": "ok"}`` while the process serves."""
    return web.json_response({"status": "ok"})


async def _database(request: web.Request) -> str:
    try:
        async with asyncio.timeout(_PROBE_S):
            await request.config_dict[K.REGISTRY].version()
        return "ok"
    except (RegistryUnavailable, TimeoutError):
        return "unreachable"


async def _redis(request: web.Request) -> str:
    redis = request.config_dict.get(K.REDIS)
    if redis is None:
        return "not configured"
    try:
        async with asyncio.timeout(_PROBE_S):
            await redis.ping()
        return "ok"
    except (RedisError, OSError, TimeoutError):
        return "unreachable"


async def _workers(request: web.Request, redis_state: str) -> str:
    """``ok`` when an arq worker's health-check key for the queue is fresh, ``none alive`` when it is missing."""
    redis = request.config_dict.get(K.REDIS)
    if redis is None:
        return "not configured"
    if redis_state != "ok":
        return "unknown"
    key = request.config_dict[K.SETTINGS].queue_name + health_check_key_suffix
    try:
        async with asyncio.timeout(_PROBE_S):
            return "ok" if await redis.exists(key) else "none alive"
    except (RedisError, OSError, TimeoutError):
        return "unknown"


async def readyz(request: web.Request) -> web.Response:
    """200 when the registry database answers (and, with ``REDIS_URL``, Redis answers and an arq worker is
    alive on the queue); else 503 ProblemDetails naming what is not."""
    checks = dict(zip(("database", "redis"), await asyncio.gather(_database(request), _redis(request))))
    checks["workers"] = await _workers(request, checks["redis"])
    reasons = [f"{name} unreachable" for name, state in checks.items() if state == "unreachable"]
    if checks["workers"] == "none alive":
        queue = request.config_dict[K.SETTINGS].queue_name
        reasons.append(f"no arq worker alive on queue {queue!r} (its health-check key "
                       f"{queue + health_check_key_suffix!r} is missing or stale); start 'ler-verifier worker'")
    if not reasons:
        return web.json_response({"status": "ready", "checks": checks})
    body = problem_body(503, C.PROBLEM_SERVICE_UNAVAILABLE, f"not ready: {'; '.join(reasons)}",
                        request_id=request.get(K.REQUEST_ID))
    body["checks"] = checks
    return web.json_response(body, status=503, content_type="application/problem+json")
