"""Admin routes for issuers: list/search, get, create, update (PATCH + If-Match), status, delete."""

from __future__ import annotations

from aiohttp import web

from trust_registry.admin.context import actor, engine, json_response, settings
from trust_registry.admin.http import path_key, if_match, query_choice, query_int, query_text, read_json
from trust_registry.admin.problems import etag
from trust_registry.codec import issuer_changes_from_json, issuer_from_json, issuer_to_json
from trust_registry.issuers import create_issuer, delete_issuer, get_issuer, list_issuers, set_issuer_status, update_issuer
from trust_registry.model import MAX_OFFSET, STATUSES
from trust_registry.schemas import ISSUER_CREATE, ISSUER_PATCH, STATUS_BODY

STATUS_VERBS = {"suspend": "suspended", "revoke": "revoked", "reinstate": "active"}


async def list_handler(request: web.Request) -> web.Response:
    """``GET /issuers?q=&registry=&status=&limit=&offset=`` -> ``{"items", "total", "limit", "offset"}``."""
    limit = query_int(request, "limit", 50, minimum=1, maximum=500)
    offset = query_int(request, "offset", 0, minimum=0, maximum=MAX_OFFSET)
    status = query_choice(request, "status", STATUSES, None)
    q, registry = query_text(request, "q"), query_text(request, "registry", max_len=64)
    async with engine(request).connect() as conn:
        items, total = await list_issuers(conn, registry=registry, q=q, status=status, limit=limit, offset=offset)
    return json_response({"items": [issuer_to_json(i) for i in items], "total": total, "limit": limit,
                          "offset": offset})


async def get_handler(request: web.Request) -> web.Response:
    """``GET /issuers/{issuer_id}`` -> the issuer with identifiers and authorisations; ``ETag``."""
    async with engine(request).connect() as conn:
        issuer = await get_issuer(conn, issuer_id=path_key(request, "issuer_id"))
    return json_response(issuer_to_json(issuer), headers={"ETag": etag(issuer.revision)})


async def create_handler(request: web.Request) -> web.Response:
    """``POST /issuers`` (schema :data:`ISSUER_CREATE`) -> 201 with ``Location`` and ``ETag``."""
    body = await read_json(request, ISSUER_CREATE, settings(request).max_body_bytes)
    issuer = issuer_from_json(body)
    async with engine(request).begin() as conn:
        stored = await create_issuer(conn, issuer=issuer, actor=actor(request))
    location = request.app.router["issuer"].url_for(issuer_id=stored.id)
    return json_response(issuer_to_json(stored), status=201,
                         headers={"ETag": etag(stored.revision), "Location": str(location)})


async def update_handler(request: web.Request) -> web.Response:
    """``PATCH /issuers/{issuer_id}`` (``If-Match`` required; schema :data:`ISSUER_PATCH`)."""
    expected = if_match(request, required=True)
    body = await read_json(request, ISSUER_PATCH, settings(request).max_body_bytes)
    changes = issuer_changes_from_json(body)
    async with engine(request).begin() as conn:
        issuer = await update_issuer(conn, issuer_id=path_key(request, "issuer_id"), changes=changes,
                                     actor=actor(request), expected_revision=expected)
    return json_response(issuer_to_json(issuer), headers={"ETag": etag(issuer.revision)})


async def status_handler(request: web.Request) -> web.Response:
    """``POST /issuers/{issuer_id}/{suspend|revoke|reinstate}`` body ``{"reason"?}``; If-Match optional."""
    expected = if_match(request, required=False)
    body = await read_json(request, STATUS_BODY, settings(request).max_body_bytes, allow_empty=True)
    async with engine(request).begin() as conn:
        issuer = await set_issuer_status(conn, issuer_id=path_key(request, "issuer_id"),
                                         status=STATUS_VERBS[request.match_info["verb"]], reason=body.get("reason"),
                                         actor=actor(request), expected_revision=expected)
    return json_response(issuer_to_json(issuer), headers={"ETag": etag(issuer.revision)})


async def delete_handler(request: web.Request) -> web.Response:
    """``DELETE /issuers/{issuer_id}`` (``If-Match`` required) -> 204."""
    expected = if_match(request, required=True)
    async with engine(request).begin() as conn:
        await delete_issuer(conn, issuer_id=path_key(request, "issuer_id"), actor=actor(request),
                            expected_revision=expected)
    return web.Response(status=204)


ROUTES = [
    web.get("/issuers", list_handler, name="issuers"),
    web.post("/issuers", create_handler),
    web.get("/issuers/{issuer_id}", get_handler, name="issuer"),
    web.patch("/issuers/{issuer_id}", update_handler),
    web.delete("/issuers/{issuer_id}", delete_handler),
    web.post("/issuers/{issuer_id}/{verb:suspend|revoke|reinstate}", status_handler),
]
