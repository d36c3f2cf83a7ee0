"""Store functions for registries (sources). Keyword-only, take a connection, never commit."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from trust_registry import audit
from trust_registry.codec import check_registry, registry_to_json, whole
from trust_registry.errors import Conflict, NotFound
from trust_registry.model import Registry
from trust_registry.rows import load_registries, registry_from_row
from trust_registry.schema import issuers, registries

REGISTRY_FIELDS = ("priority", "description", "authority_id")


async def list_registries(conn: AsyncConnection) -> list[Registry]:
    """:returns: every registry ordered by priority (smaller first), then name."""
    return await load_registries(conn)


async def get_registry(conn: AsyncConnection, *, name: str) -> Registry:
    """:raises NotFound: no registry ``name``."""
    row = (await conn.execute(select(registries).where(registries.c.name == name))).mappings().first()
    if row is None:
        raise NotFound("registry", name)
    return registry_from_row(row)


async def create_registry(conn: AsyncConnection, *, registry: Registry, actor: str,
                          now: datetime | None = None) -> Registry:
    """Create a registry (audited, bumps the version).

    :raises Conflict: the name exists (pointer ``/name``).
    :raises InvalidInput: priority out of range, or an ``authority_id`` that is not a DID or http(s) URL.
    """
    check_registry(registry)
    version = await audit.begin_write(conn)
    if await _exists(conn, registry.name):
        raise Conflict(f"registry {registry.name!r} already exists", pointer="/name")
    now = audit.utc_now(now)
    created = replace(registry, created_at=registry.created_at or now, updated_at=registry.updated_at or now,
                      revision=version)
    await conn.execute(registries.insert(), [_row(created)])
    await audit.record(conn, at=now, actor=actor, action="create", entity="registry", entity_id=created.name,
                       version=version, after=registry_to_json(created))
    return created


async def ensure_registry(conn: AsyncConnection, *, name: str, actor: str, version: int, now: datetime,
                          priority: int = 100, description: str | None = None) -> Registry:
    """Return registry ``name``, creating it inside an already begun write (imports) if missing.

    :param version: the version of the ongoing write (from :func:`trust_registry.audit.begin_write`).
    """
    row = (await conn.execute(select(registries).where(registries.c.name == name))).mappings().first()
    if row is not None:
        return registry_from_row(row)
    created = Registry(name=name, priority=priority, description=description, created_at=now, updated_at=now,
                       revision=version)
    await conn.execute(registries.insert(), [_row(created)])
    await audit.record(conn, at=now, actor=actor, action="create", entity="registry", entity_id=name,
                       version=version, after=registry_to_json(created))
    return created


async def update_registry(conn: AsyncConnection, *, name: str, changes: dict, actor: str,
                          expected_revision: int | None = None, now: datetime | None = None) -> Registry:
    """Change ``priority``, ``description`` and/or ``authority_id``.

    :raises NotFound: no such registry. :raises PreconditionFailed: ``expected_revision`` is stale.
    :raises InvalidInput: as :func:`create_registry`.
    """
    changes = {k: whole(v) if k == "priority" else v for k, v in changes.items() if k in REGISTRY_FIELDS}
    version = await audit.begin_write(conn)
    before = await get_registry(conn, name=name)
    audit.check_revision("registry", name, before.revision, expected_revision)
    now = audit.utc_now(now)
    after = replace(before, **changes, updated_at=now, revision=version)
    check_registry(replace(after, authority_id=changes.get("authority_id")))
    await conn.execute(update(registries).where(registries.c.name == name).values(**_row(after)))
    await audit.record(conn, at=now, actor=actor, action="update", entity="registry", entity_id=name,
                       version=version, before=registry_to_json(before), after=registry_to_json(after))
    return after


async def delete_registry(conn: AsyncConnection, *, name: str, actor: str, expected_revision: int | None = None,
                          now: datetime | None = None) -> None:
    """Delete an empty registry.

    :raises NotFound: no such registry. :raises Conflict: it still lists issuers.
    :raises PreconditionFailed: ``expected_revision`` is stale.
    """
    version = await audit.begin_write(conn)
    before = await get_registry(conn, name=name)
    audit.check_revision("registry", name, before.revision, expected_revision)
    count = (await conn.execute(select(func.count()).select_from(issuers).where(issuers.c.registry == name))).scalar_one()
    if count:
        raise Conflict(f"registry {name!r} still lists {count} issuer(s); remove or move them first")
    await conn.execute(delete(registries).where(registries.c.name == name))
    await audit.record(conn, at=audit.utc_now(now), actor=actor, action="delete", entity="registry",
                       entity_id=name, version=version, before=registry_to_json(before))


async def _exists(conn: AsyncConnection, name: str) -> bool:
    return (await conn.execute(select(registries.c.name).where(registries.c.name == name))).first() is not None


def _row(r: Registry) -> dict:
    return {"name": r.name, "priority": r.priority, "description": r.description, "authority_id": r.authority_id,
            "created_at": r.created_at, "updated_at": r.updated_at, "revision": r.revision}
