"""Admin routes for identifiers: list per issuer, find by value, get, add, update, status, delete."""

from __future__ import annotations

from aiohttp import web

from trust_registry.admin.context import actor, engine, json_response, settings
from trust_registry.admin.http import path_key, if_match, query_text, read_json
from trust_registry.admin.issuer_routes import STATUS_VERBS
from trust_registry.admin.problems import etag
from trust_registry.codec import identifier_changes_from_json, identifier_from_json, identifier_to_json
from trust_registry.errors import FieldError, InvalidInput
from trust_registry.identifiers import (add_identifier, delete_identifier, find_identifiers, get_identifier,
                                        list_identifiers, set_identifier_status, update_identifier)
from trust_registry.schemas import IDENTIFIER_CREATE, IDENTIFIER_PATCH, STATUS_BODY


async def list_handler(request: web.Request) -> web.Response:
    """``GET /issuers/{issuer_id}/identifiers`` -> ``{"items": [...]}``."""
    async with engine(request).connect() as conn:
        items = await list_identifiers(conn, issuer_id=path_key(request, "issuer_id"))
    return json_response({"items": [identifier_to_json(i) for i in items]})


async def find_handler(request: web.Request) -> web.Response:
    """``GET /identifiers?value=<DID or URL>`` -> identifiers equal after normalisation, any registry."""
    value = query_text(request, "value", max_len=4096)
    if value is None:
        raise InvalidInput(FieldError("value", "value is required (a DID or URL)", "query"))
    async with engine(request).connect() as conn:
        items = await find_identifiers(conn, value=value)
    return json_response({"items": [identifier_to_json(i) for i in items]})


async def get_handler(request: web.Request) -> web.Response:
    """``GET /identifiers/{identifier_id}`` with ``ETag``."""
    async with engine(request).connect() as conn:
        ident = await get_identifier(conn, identifier_id=path_key(request, "identifier_id"))
    return json_response(identifier_to_json(ident), headers={"ETag": etag(ident.revision)})


async def create_handler(request: web.Request) -> web.Response:
    """``POST /issuers/{issuer_id}/identifiers`` (schema :data:`IDENTIFIER_CREATE`; If-Match = the
    issuer's ETag, optional) -> 201 with ``Location`` and ``ETag``."""
    expected = if_match(request, required=False)
    body = await read_json(request, IDENTIFIER_CREATE, settings(request).max_body_bytes)
    ident = identifier_from_json(body)
    async with engine(request).begin() as conn:
        stored = await add_identifier(conn, issuer_id=path_key(request, "issuer_id"), identifier=ident,
                                      actor=actor(request), expected_issuer_revision=expected)
    location = request.app.router["identifier"].url_for(identifier_id=stored.id)
    return json_response(identifier_to_json(stored), status=201,
                         headers={"ETag": etag(stored.revision), "Location": str(location)})


async def update_handler(request: web.Request) -> web.Response:
    """``PATCH /identifiers/{identifier_id}`` (``If-Match`` required; schema :data:`IDENTIFIER_PATCH`)."""
    expected = if_match(request, required=True)
    body = await read_json(request, IDENTIFIER_PATCH, settings(request).max_body_bytes)
    changes = identifier_changes_from_json(body)
    async with engine(request).begin() as conn:
        ident = await update_identifier(conn, identifier_id=path_key(request, "identifier_id"), changes=changes,
                                        actor=actor(request), expected_revision=expected)
    return json_response(identifier_to_json(ident), headers={"ETag": etag(ident.revision)})


async def status_handler(request: web.Request) -> web.Response:
    """``POST /identifiers/{identifier_id}/{suspend|revoke|reinstate}`` body ``{"reason"?}``."""
    expected = if_match(request, required=False)
    body = await read_json(request, STATUS_BODY, settings(request).max_body_bytes, allow_empty=True)
    async with engine(request).begin() as conn:
        ident = await set_identifier_status(conn, identifier_id=path_key(request, "identifier_id"),
                                            status=STATUS_VERBS[request.match_info["verb"]],
                                            reason=body.get("reason"), actor=actor(request),
                                            expected_revision=expected)
    return json_response(identifier_to_json(ident), headers={"ETag": etag(ident.revision)})


async def delete_handler(request: web.Request) -> web.Response:
    """``DELETE /identifiers/{identifier_id}`` (``If-Match`` required) -> 204."""
    expected = if_match(request, required=True)
    async with engine(request).begin() as conn:
        await delete_identifier(conn, identifier_id=path_key(request, "identifier_id"), actor=actor(request),
                                expected_revision=expected)
    return web.Response(status=204)


ROUTES = [
    web.get("/issuers/{issuer_id}/identifiers", list_handler),
    web.post("/issuers/{issuer_id}/identifiers", create_handler),
    web.get("/identifiers", find_handler),
    web.get("/identifiers/{identifier_id}", get_handler, name="identifier"),
    web.patch("/identifiers/{identifier_id}", update_handler),
    web.delete("/identifiers/{identifier_id}", delete_handler),
    web.post("/identifiers/{identifier_id}/{verb:suspend|revoke|reinstate}", status_handler),
]
