"""Admin routes for registries, import/export, the audit log and the registry version."""

from __future__ import annotations

from aiohttp import web

from trust_registry import audit
from trust_registry.admin.context import actor, engine, json_response, settings
from trust_registry.admin.http import path_key, if_match, query_choice, query_int, query_text, read_body, read_json
from trust_registry.admin.problems import etag
from trust_registry.codec import registry_from_json, registry_to_json
from trust_registry.exchange import MODES, apply_import
from trust_registry.formats import FORMATS, MEDIA_TYPES, export_as, parse_import
from trust_registry.registries import create_registry, delete_registry, get_registry, list_registries, update_registry
from trust_registry.model import MAX_AUDIT_ID
from trust_registry.schemas import REGISTRY_CREATE, REGISTRY_PATCH

AUDIT_ENTITIES = ("registry", "issuer", "identifier", "api_key")


async def list_handler(request: web.Request) -> web.Response:
    """``GET /registries`` -> ``{"items": [...]}`` by priority."""
    async with engine(request).connect() as conn:
        items = await list_registries(conn)
    return json_response({"items": [registry_to_json(r) for r in items]})


async def get_handler(request: web.Request) -> web.Response:
    """``GET /registries/{name}`` with ``ETag``."""
    async with engine(request).connect() as conn:
        reg = await get_registry(conn, name=path_key(request, "name"))
    return json_response(registry_to_json(reg), headers={"ETag": etag(reg.revision)})


async def create_handler(request: web.Request) -> web.Response:
    """``POST /registries`` (schema :data:`REGISTRY_CREATE`) -> 201."""
    body = await read_json(request, REGISTRY_CREATE, settings(request).max_body_bytes)
    async with engine(request).begin() as conn:
        reg = await create_registry(conn, registry=registry_from_json(body), actor=actor(request))
    location = request.app.router["registry"].url_for(name=reg.name)
    return json_response(registry_to_json(reg), status=201, headers={"ETag": etag(reg.revision),
                                                                     "Location": str(location)})


async def update_handler(request: web.Request) -> web.Response:
    """``PATCH /registries/{name}`` (``If-Match`` required)."""
    expected = if_match(request, required=True)
    body = await read_json(request, REGISTRY_PATCH, settings(request).max_body_bytes)
    async with engine(request).begin() as conn:
        reg = await update_registry(conn, name=path_key(request, "name"), changes=body, actor=actor(request),
                                    expected_revision=expected)
    return json_response(registry_to_json(reg), headers={"ETag": etag(reg.revision)})


async def delete_handler(request: web.Request) -> web.Response:
    """``DELETE /registries/{name}`` (``If-Match`` required; only an empty registry) -> 204."""
    expected = if_match(request, required=True)
    async with engine(request).begin() as conn:
        await delete_registry(conn, name=path_key(request, "name"), actor=actor(request), expected_revision=expected)
    return web.Response(status=204)


async def import_handler(request: web.Request) -> web.Response:
    """``POST /import?format=ler|dcc-legacy|csv&registry=&mode=merge|replace`` with the file as body.

    :returns: the import summary (counts, registry version).
    """
    fmt = query_choice(request, "format", FORMATS, "ler")
    mode = query_choice(request, "mode", MODES, "merge")
    registry = query_text(request, "registry", max_len=64)
    raw = await read_body(request, settings(request).max_import_bytes)
    document = parse_import(fmt, raw, registry=registry)
    scope = [registry] if registry and mode == "replace" else None
    async with engine(request).begin() as conn:
        summary = await apply_import(conn, document=document, actor=actor(request), mode=mode, scope=scope)
    return json_response(summary.to_json())


async def export_handler(request: web.Request) -> web.Response:
    """``GET /export?format=ler|dcc-legacy|csv&registry=`` -> the document (``X-Registry-Version``)."""
    fmt = query_choice(request, "format", FORMATS, "ler")
    registry = query_text(request, "registry", max_len=64)
    async with engine(request).connect() as conn:
        if registry is not None:
            await get_registry(conn, name=registry)
        version = await audit.current_version(conn)
        text = await export_as(conn, fmt, registry=registry)
    return web.Response(text=text, content_type=MEDIA_TYPES[fmt], charset="utf-8",
                        headers={"X-Registry-Version": str(version)})


async def audit_handler(request: web.Request) -> web.Response:
    """``GET /audit?limit=&before=&entity=&entity_id=&actor=`` newest first -> ``{"items", "next"}``;
    ``next`` is the query string of the following page, or null."""
    limit = query_int(request, "limit", 50, minimum=1, maximum=1000)
    before = query_int(request, "before", 0, minimum=1, maximum=MAX_AUDIT_ID) or None
    entity = query_choice(request, "entity", AUDIT_ENTITIES, None)
    entity_id, who = query_text(request, "entity_id", max_len=200), query_text(request, "actor", max_len=200)
    async with engine(request).connect() as conn:
        items = await audit.list_audit(conn, limit=limit, before_id=before, entity=entity, entity_id=entity_id,
                                       actor=who)
    nxt = None
    if len(items) == limit:
        query = {k: v for k, v in request.query.items() if k != "before"}
        nxt = str(request.url.with_query({**query, "before": str(items[-1].id)}).relative())
    return json_response({"items": [e.to_json() for e in items], "next": nxt})


async def version_handler(request: web.Request) -> web.Response:
    """``GET /version`` -> ``{"version": int}``."""
    async with engine(request).connect() as conn:
        return json_response({"version": await audit.current_version(conn)})


ROUTES = [
    web.get("/registries", list_handler),
    web.post("/registries", create_handler),
    web.get("/registries/{name}", get_handler, name="registry"),
    web.patch("/registries/{name}", update_handler),
    web.delete("/registries/{name}", delete_handler),
    web.post("/import", import_handler),
    web.get("/export", export_handler),
    web.get("/audit", audit_handler),
    web.get("/version", version_handler),
]
