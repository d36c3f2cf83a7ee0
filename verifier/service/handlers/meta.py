"""``GET /openapi.json`` (the OpenAPI 3.1 document) and ``GET /metrics`` (Prometheus text).

The served document is ``openapi.json`` (the service's own routes) with ``openapi_admin.json`` (the trust
registry admin API mounted at ``/admin``) merged in by :func:`merge_openapi`.
"""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path

from aiohttp import web

from verifier.service import appkeys as K
from workers.metrics import CONTENT_TYPE

OPENAPI_PATH = Path(__file__).resolve().parent.parent / "openapi.json"
OPENAPI_ADMIN_PATH = Path(__file__).resolve().parent.parent / "openapi_admin.json"


def merge_openapi(main: dict, part: dict) -> dict:
    """``main`` with the ``paths``, ``components`` (section by section) and ``tags`` of ``part`` added.

    The rest of ``part`` (``openapi``, ``info`` ...) is left out: it only makes ``part`` a document of its own.

    :param main: an OpenAPI 3.1 document (not changed). :param part: another one (not changed).
    :returns: a new document.
    :raises ValueError: a path, component or tag that both define (each is documented in one place).
    """
    doc = copy.deepcopy(main)
    paths = doc.setdefault("paths", {})
    for path, item in part.get("paths", {}).items():
        if path in paths:
            raise ValueError(f"OpenAPI path {path!r} is defined twice")
        paths[path] = copy.deepcopy(item)
    components = doc.setdefault("components", {})
    for section, entries in part.get("components", {}).items():
        target = components.setdefault(section, {})
        for name, value in entries.items():
            if name in target:
                raise ValueError(f"OpenAPI component {section}/{name} is defined twice")
            target[name] = copy.deepcopy(value)
    if part.get("tags"):
        known = {t["name"] for t in doc.get("tags", [])}
        for tag in part["tags"]:
            if tag["name"] in known:
                raise ValueError(f"OpenAPI tag {tag['name']!r} is defined twice")
        doc["tags"] = doc.get("tags", []) + copy.deepcopy(part["tags"])
    return doc


def openapi_document() -> dict:
    """:returns: the document ``GET /openapi.json`` serves (a new dict on every call)."""
    main = json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))
    return merge_openapi(main, json.loads(OPENAPI_ADMIN_PATH.read_text(encoding="utf-8")))


@functools.cache
def _openapi_bytes() -> bytes:
    return json.dumps(openapi_document(), ensure_ascii=False).encode("utf-8")


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
