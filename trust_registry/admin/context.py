"""Typed application keys and settings shared by the admin and TRQP sub-applications."""

from __future__ import annotations

import json
from dataclasses import dataclass

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine

from trust_registry.db import create_engine
from trust_registry.keys import ApiKey
from trust_registry.migrate import migrate_engine


@dataclass(frozen=True)
class AdminSettings:
    """:ivar registry_url: database URL. :ivar max_body_bytes: cap of JSON bodies, bytes.
    :ivar max_import_bytes: cap of import files, bytes. :ivar migrate_schema: upgrade the schema at start-up.
    :ivar authority_id: (TRQP) the operator's own authority id, meaning every registry."""

    registry_url: str
    max_body_bytes: int = 1_000_000
    max_import_bytes: int = 64_000_000
    migrate_schema: bool = True
    authority_id: str | None = None
    require_key: bool = True


ENGINE = web.AppKey("trust_registry_engine", AsyncEngine)
SETTINGS = web.AppKey("trust_registry_settings", AdminSettings)
API_KEY = web.RequestKey("trust_registry_api_key", ApiKey)  # request-scoped: the authenticated key


def engine_context(app: web.Application):
    """Cleanup context: open the registry engine (migrating when configured), dispose at shutdown."""
    async def ctx(app: web.Application):
        settings = app[SETTINGS]
        engine = create_engine(settings.registry_url)
        try:
            if settings.migrate_schema:
                await migrate_engine(engine)
            app[ENGINE] = engine
            yield
        finally:
            await engine.dispose()
    return ctx


def engine(request: web.Request) -> AsyncEngine:
    """:returns: the registry engine of the sub-app serving ``request``."""
    return request.config_dict[ENGINE]


def settings(request: web.Request) -> AdminSettings:
    """:returns: the settings of the sub-app serving ``request``."""
    return request.config_dict[SETTINGS]


def actor(request: web.Request) -> str:
    """:returns: the audit ``who``: the authenticated key's name."""
    key: ApiKey | None = request.get(API_KEY)
    return key.name if key is not None else "anonymous"


def json_response(data, *, status: int = 200, headers: dict | None = None) -> web.Response:
    """:returns: a JSON response (UTF-8 characters kept)."""
    return web.Response(status=status, text=json.dumps(data, ensure_ascii=False), content_type="application/json",
                        headers=headers)
