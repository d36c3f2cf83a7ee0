"""The admin sub-application: every route needs an ``admin`` API key (``Authorization: Bearer``)."""

from __future__ import annotations

from aiohttp import web

from trust_registry.admin import identifier_routes, issuer_routes, registry_routes
from trust_registry.admin.context import API_KEY, SETTINGS, AdminSettings, engine, engine_context
from trust_registry.admin.http import bearer_token
from trust_registry.admin.problems import ProblemError, problem_middleware
from trust_registry.keys import authenticate_token

ROUTES = issuer_routes.ROUTES + identifier_routes.ROUTES + registry_routes.ROUTES
_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="ler-verifier admin"'}


def create_admin_app(*, registry_url: str, max_body_bytes: int = 1_000_000, max_import_bytes: int = 64_000_000,
                     migrate_schema: bool = True) -> web.Application:
    """The admin API as an aiohttp sub-application (mount with ``app.add_subapp("/admin", ...)``).

    :param registry_url: registry database URL; the sub-app opens (and at shutdown disposes) its engine.
    :param max_body_bytes: cap of JSON request bodies, bytes (413 above).
    :param max_import_bytes: cap of ``POST /import`` bodies, bytes (413 above).
    :param migrate_schema: bring the schema to the latest migration at start-up.
    :returns: the application; routes in :data:`ROUTES`.
    """
    app = web.Application(middlewares=[problem_middleware, admin_auth_middleware])
    app[SETTINGS] = AdminSettings(registry_url=registry_url, max_body_bytes=max_body_bytes,
                                  max_import_bytes=max_import_bytes, migrate_schema=migrate_schema)
    app.cleanup_ctx.append(engine_context(app))
    app.add_routes(ROUTES)
    return app


@web.middleware
async def admin_auth_middleware(request: web.Request, handler):
    """401 without a live key, 403 with a key that is not ``admin``; the key goes to ``request[API_KEY]``."""
    token = bearer_token(request)
    if token is None:
        raise ProblemError(401, "send Authorization: Bearer <admin API key>", headers=_CHALLENGE)
    async with engine(request).connect() as conn:
        key = await authenticate_token(conn, token=token)
    if key is None:
        raise ProblemError(401, "the API key is unknown or revoked",
                           headers={"WWW-Authenticate": _CHALLENGE["WWW-Authenticate"] + ', error="invalid_token"'})
    if not key.allows("admin"):
        raise ProblemError(403, f"API key {key.name!r} has role {key.role!r}; admin routes need an admin key")
    request[API_KEY] = key
    return await handler(request)
