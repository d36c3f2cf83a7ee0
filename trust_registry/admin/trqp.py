"""Trust Registry Query Protocol (ToIP TRQP v2) authorization query, read-only.

``POST /authorization`` (mount the sub-app at ``/trqp``)::

    {"entity_id": "did:web:example.edu", "authority_id": "<registry name, its authority_id, or the
     operator's authority id>", "action": "issue", "resource": "OpenBadgeCredential",
     "context": {"time": "2026-01-31T00:00:00Z"}}

answers ``{"entity_id", "authority_id", "action", "resource", "authorized", "time_requested"?,
"time_evaluated", "message", "context"?}``. An entity the authority does not list at all gets 404 and
an unknown authority 404 (TRQP RESTful binding), both as ProblemDetails. The only action is ``issue``:
the resource is the credential type.
"""

from __future__ import annotations

from datetime import datetime, timezone

from aiohttp import web

from trust_registry.admin.context import API_KEY, SETTINGS, AdminSettings, json_response
from trust_registry.admin.http import bearer_token, read_json
from trust_registry.admin.problems import ProblemError, problem_middleware
from trust_registry.codec import format_dt, parse_dt
from trust_registry.errors import FieldError
from trust_registry.lookup import NOT_LISTED, TrustRegistry
from trust_registry.schemas import TRQP_AUTHORIZATION

ACTION_ISSUE = "issue"
REGISTRY = web.AppKey("trust_registry_lookup", TrustRegistry)


def create_trqp_app(*, registry_url: str | None = None, registry: TrustRegistry | None = None,
                    authority_id: str | None = None, require_key: bool = False,
                    max_body_bytes: int = 64_000) -> web.Application:
    """The TRQP read endpoint as a sub-application (mount with ``app.add_subapp("/trqp", ...)``).

    :param registry_url: database URL; the sub-app opens its own :class:`TrustRegistry` (closed at
        shutdown). Give either this or ``registry``.
    :param registry: a registry handle the service already holds (not closed by the sub-app).
    :param authority_id: the operator's own authority id (e.g. its DID): queries naming it consult every
        registry. A registry is also addressed by its name or its ``authority_id``.
    :param require_key: when True a live API key (``verify`` or ``admin``) is required.
    :param max_body_bytes: cap of the request body, bytes.
    :raises ValueError: neither or both of ``registry_url`` and ``registry``.
    """
    if (registry_url is None) == (registry is None):
        raise ValueError("give exactly one of registry_url or registry")
    middlewares = [problem_middleware] + ([_key_middleware] if require_key else [])
    app = web.Application(middlewares=middlewares)
    app[SETTINGS] = AdminSettings(registry_url=registry_url or "", max_body_bytes=max_body_bytes,
                                  authority_id=authority_id, require_key=require_key)
    if registry is not None:
        app[REGISTRY] = registry
    else:
        app.cleanup_ctx.append(_registry_context)
    app.add_routes([web.post("/authorization", authorization_handler)])
    return app


async def _registry_context(app: web.Application):
    handle = await TrustRegistry.open(app[SETTINGS].registry_url)
    app[REGISTRY] = handle
    try:
        yield
    finally:
        await handle.close()


@web.middleware
async def _key_middleware(request: web.Request, handler):
    token = bearer_token(request)
    key = await request.config_dict[REGISTRY].authenticate(token) if token else None
    if key is None or not key.allows("verify"):
        raise ProblemError(401, "send Authorization: Bearer <API key>",
                           headers={"WWW-Authenticate": 'Bearer realm="ler-verifier"'})
    request[API_KEY] = key
    return await handler(request)


async def authorization_handler(request: web.Request) -> web.Response:
    """``POST /authorization``: TRQP v2 AuthorizationRequest -> AuthorizationResponse."""
    settings: AdminSettings = request.config_dict[SETTINGS]
    body = await read_json(request, TRQP_AUTHORIZATION, settings.max_body_bytes)
    context = body.get("context")
    requested = context.get("time") if isinstance(context, dict) else None
    at = parse_dt(requested, "/context/time") if requested else datetime.now(timezone.utc)
    snapshot = await request.config_dict[REGISTRY].snapshot()
    authority = body["authority_id"]
    if settings.authority_id is not None and authority == settings.authority_id:
        registries = None
    else:
        registries = [name for name, aid in snapshot.authority_ids.items() if authority in (name, aid)]
        if not registries:
            raise ProblemError(404, f"unknown authority {authority!r}",
                               errors=[FieldError("/authority_id", "not an authority of this registry")])
    answer = {k: body[k] for k in ("entity_id", "authority_id", "action", "resource")}
    if body["action"] != ACTION_ISSUE:
        authorized, message = False, f"action {body['action']!r} is not supported; this registry answers 'issue'"
    else:
        decision = snapshot.decide(issuer_id=body["entity_id"], credential_types=[body["resource"]], at=at,
                                   registries=registries)
        if decision.code == NOT_LISTED:
            raise ProblemError(404, decision.reason, errors=[FieldError("/entity_id", "not listed by this authority")])
        authorized, message = decision.trusted is True, decision.reason
    answer.update(authorized=authorized, time_evaluated=format_dt(at), message=message)
    if requested:
        answer["time_requested"] = requested
    if context is not None:
        answer["context"] = context
    return json_response(answer)
