"""``GET /openapi.json`` (the OpenAPI 3.1 document) and ``GET /metrics`` (Prometheus text)."""

from __future__ import annotations

import functools
from pathlib import Path

from aiohttp import web

from verifier.service import appkeys as K
from verifier.service.metrics import CONTENT_TYPE

OPENAPI_PATH = Path(__file__).resolve().parent.parent / "openapi.json"


@functools.cache
def _openapi_bytes() -> bytes:
    return OPENAPI_PATH.read_bytes()


async def openapi(_request: web.Request) -> web.Response:
    """The service's OpenAPI 3.1 document."""
    return web.Response(body=_openapi_bytes(), content_type="application/json")


async def metrics(request: web.Request) -> web.Response:
    """Prometheus text exposition format 0.0.4.

    Open while no API key is configured (like the verify routes) or with ``LER_METRICS_PUBLIC``;
    otherwise an admin key is required (scrape with ``authorization: {credentials: <key>}``).
    """
    if not request.config_dict[K.SETTINGS].metrics_public:
        request[K.API_KEY] = await request.config_dict[K.AUTH].require(request, "admin", open_without_keys=True)
    body = await request.config_dict[K.METRICS].render()
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})
