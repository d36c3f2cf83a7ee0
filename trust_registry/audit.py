"""The append-only audit log and the registry version every write bumps.

A write function of the store calls :func:`begin_write` first: it bumps the version (which also takes
the write lock: a row lock on PostgreSQL, the database write lock on SQLite, so concurrent writers
queue instead of deadlocking) and returns the new version; then it records one audit row per change
with :func:`record` in the same transaction. Nothing here commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import and_, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from trust_registry.codec import format_dt
from trust_registry.errors import FieldError, InvalidInput, PreconditionFailed
from trust_registry.model import MAX_AUDIT_ID
from trust_registry.schema import audit_log, registry_meta


@dataclass(frozen=True)
class AuditEntry:
    """One audit row.

    :ivar id: increasing sequence number. :ivar at: UTC time of the write.
    :ivar actor: who (API key name, or ``cli:<user>``). :ivar action: ``create``, ``update``, ``delete``,
        ``suspend``, ``revoke``, ``reinstate``, ``import``, ``revoke_key`` ...
    :ivar entity: ``registry``, ``issuer``, ``identifier`` or ``api_key``. :ivar entity_id: its key.
    :ivar registry_version: the version this write produced. :ivar before/after: JSON documents or None.
    """

    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    registry_version: int
    before: Any
    after: Any

    def to_json(self) -> dict:
        """:returns: JSON-ready data."""
        return {"id": self.id, "at": format_dt(self.at), "actor": self.actor, "action": self.action,
                "entity": self.entity, "entity_id": self.entity_id, "registry_version": self.registry_version,
                "before": self.before, "after": self.after}


async def current_version(conn: AsyncConnection) -> int:
    """:returns: the registry version (0 before any write)."""
    return int((await conn.execute(select(registry_meta.c.version).where(registry_meta.c.id == 1))).scalar_one())


async def begin_write(conn: AsyncConnection) -> int:
    """Bump the registry version and take the write lock; call first in every write.

    :returns: the new version.
    """
    await conn.execute(update(registry_meta).where(registry_meta.c.id == 1)
                       .values(version=registry_meta.c.version + 1))
    return await current_version(conn)


async def lock_for_write(conn: AsyncConnection) -> int:
    """Take the write lock without changing the version (a no-op update of the version row).

    For writes that may turn out to change nothing (imports): call :func:`set_version` with the
    returned number only if something changed.

    :returns: the version the write will produce (current + 1).
    """
    await conn.execute(update(registry_meta).where(registry_meta.c.id == 1)
                       .values(version=registry_meta.c.version))
    return await current_version(conn) + 1


async def set_version(conn: AsyncConnection, version: int) -> None:
    """Publish ``version`` (from :func:`lock_for_write`) as the registry version."""
    await conn.execute(update(registry_meta).where(registry_meta.c.id == 1).values(version=version))


def utc_now(now: datetime | None = None) -> datetime:
    """:returns: ``now`` in UTC, or the current UTC time when None."""
    return datetime.now(timezone.utc) if now is None else now.astimezone(timezone.utc)


def audit_row(*, at: datetime, actor: str, action: str, entity: str, entity_id: str, version: int,
              before: Any = None, after: Any = None) -> dict:
    """One audit row as insert parameters (for :func:`record_many`)."""
    return {"at": at, "actor": actor[:200], "action": action, "entity": entity, "entity_id": entity_id[:200],
            "registry_version": version, "before": before, "after": after}


async def record(conn: AsyncConnection, **row) -> None:
    """Append one audit row; keyword arguments as for :func:`audit_row`."""
    await conn.execute(audit_log.insert(), [audit_row(**row)])


async def record_many(conn: AsyncConnection, rows: list[dict]) -> None:
    """Append many audit rows (from :func:`audit_row`) in one statement."""
    if rows:
        await conn.execute(audit_log.insert(), rows)


async def list_audit(conn: AsyncConnection, *, limit: int = 50, before_id: int | None = None,
                     entity: str | None = None, entity_id: str | None = None,
                     actor: str | None = None) -> list[AuditEntry]:
    """Newest first, keyset-paged.

    :param limit: at most this many rows (1..1000).
    :param before_id: only rows with a smaller id (the ``id`` of the last row of the previous page),
        1..:data:`trust_registry.model.MAX_AUDIT_ID`.
    :param entity: filter by entity kind. :param entity_id: filter by entity key. :param actor: by actor.
    :returns: the entries.
    :raises InvalidInput: ``before_id`` out of range (query parameter ``before``).
    """
    if before_id is not None and not 1 <= before_id <= MAX_AUDIT_ID:
        raise InvalidInput(FieldError("before", f"before must be an integer from 1 to {MAX_AUDIT_ID}", "query"))
    conds = []
    if before_id is not None:
        conds.append(audit_log.c.id < before_id)
    if entity is not None:
        conds.append(audit_log.c.entity == entity)
    if entity_id is not None:
        conds.append(audit_log.c.entity_id == entity_id)
    if actor is not None:
        conds.append(audit_log.c.actor == actor)
    stmt = select(audit_log).order_by(audit_log.c.id.desc()).limit(max(1, min(limit, 1000)))
    if conds:
        stmt = stmt.where(and_(*conds))
    rows = (await conn.execute(stmt)).mappings().all()
    return [AuditEntry(id=r["id"], at=r["at"], actor=r["actor"], action=r["action"], entity=r["entity"],
                       entity_id=r["entity_id"], registry_version=r["registry_version"], before=r["before"],
                       after=r["after"]) for r in rows]


async def count_audit(conn: AsyncConnection) -> int:
    """:returns: the number of audit rows."""
    return int((await conn.execute(select(func.count()).select_from(audit_log))).scalar_one())


def check_revision(entity: str, key: str, current: int, expected: int | frozenset | None) -> None:
    """:param expected: the revision the caller holds, a set of acceptable ones (an If-Match list), or None.
    :raises PreconditionFailed: ``expected`` is given and ``current`` is not it (not in it)."""
    if expected is not None and current not in (expected if isinstance(expected, frozenset) else {expected}):
        raise PreconditionFailed(f"{entity} {key!r} changed since revision {expected} (now {current})",
                                 current_revision=current)
