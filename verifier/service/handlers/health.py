"""``GET /healthz`` (the process answers) and ``GET /readyz`` (Redis and the database answer)."""

from __future__ import annotations

import asyncio

from aiohttp import web

from trust_registry.errors import RegistryUnavailable
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


async def readyz(request: web.Request) -> web.Response:
    """200 when the registry database (and Redis, when configured) answer; 503 ProblemDetails naming what does not."""
    checks = dict(zip(("database", "redis"), await asyncio.gather(_database(request), _redis(request))))
    down = [name for name, state in checks.items() if state == "unreachable"]
    if not down:
        return web.json_response({"status": "ready", "checks": checks})
    body = problem_body(503, C.PROBLEM_SERVICE_UNAVAILABLE, f"not ready: {', '.join(down)} unreachable",
                        request_id=request.get(K.REQUEST_ID))
    body["checks"] = checks
    return web.json_response(body, status=503, content_type="application/problem+json")
