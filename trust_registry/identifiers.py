"""Store functions for the identifiers of an issuer. Keyword-only, take a connection, never commit.

A change to an identifier also gives its issuer a new revision (the issuer document includes it).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from trust_registry import audit
from trust_registry.codec import identifier_to_json
from trust_registry.errors import Conflict, FieldError, InvalidInput, NotFound
from trust_registry.issuers import STATUS_ACTIONS, check_identifiers_free, get_issuer, touch_issuer
from trust_registry.model import IDENTIFIER_FIELDS, STATUSES, Identifier, identifier_problems
from trust_registry.normalize import lookup_key, normalize_identifier
from trust_registry.rows import identifier_from_row, identifier_row, new_id
from trust_registry.schema import identifiers


async def get_identifier(conn: AsyncConnection, *, identifier_id: str) -> Identifier:
    """:raises NotFound: no identifier with this id."""
    row = (await conn.execute(select(identifiers).where(identifiers.c.id == identifier_id))).mappings().first()
    if row is None:
        raise NotFound("identifier", identifier_id)
    return identifier_from_row(row)


async def list_identifiers(conn: AsyncConnection, *, issuer_id: str) -> list[Identifier]:
    """:returns: the issuer's identifiers in creation order. :raises NotFound: no such issuer."""
    return list((await get_issuer(conn, issuer_id=issuer_id)).identifiers)


async def find_identifiers(conn: AsyncConnection, *, value: str) -> list[Identifier]:
    """:returns: every stored identifier whose normalised form equals that of ``value`` (any registry)."""
    key = lookup_key(normalize_identifier(value))
    rows = (await conn.execute(select(identifiers).where(identifiers.c.lookup_key == key)
                               .order_by(identifiers.c.issuer_id))).mappings()
    return [identifier_from_row(r) for r in rows]


async def add_identifier(conn: AsyncConnection, *, issuer_id: str, identifier: Identifier, actor: str,
                         expected_issuer_revision: int | None = None, now: datetime | None = None) -> Identifier:
    """Add an identifier to an issuer.

    :raises NotFound: no such issuer. :raises InvalidInput: semantic rules (pointers like ``/value``).
    :raises Conflict: the issuer's registry already lists it (``/value``).
    :raises PreconditionFailed: stale ``expected_issuer_revision``.
    """
    _check(identifier)
    version = await audit.begin_write(conn)
    issuer = await get_issuer(conn, issuer_id=issuer_id)
    audit.check_revision("issuer", issuer_id, issuer.revision, expected_issuer_revision)
    if any(i.normalized == identifier.normalized for i in issuer.identifiers):
        raise Conflict(f"issuer {issuer_id!r} already lists identifier {identifier.value!r}", pointer="/value")
    await check_identifiers_free(conn, registry=issuer.registry, idents=[identifier], exclude_issuer=issuer_id,
                                 pointer_prefix="/value")
    now = audit.utc_now(now)
    stored = replace(identifier, id=new_id(), issuer_id=issuer_id, created_at=now, updated_at=now, revision=version)
    position = (await conn.execute(select(func.coalesce(func.max(identifiers.c.position), -1))
                                   .where(identifiers.c.issuer_id == issuer_id))).scalar_one() + 1
    await conn.execute(identifiers.insert(), [identifier_row(stored, position)])
    await touch_issuer(conn, issuer_id=issuer_id, version=version, now=now)
    await audit.record(conn, at=now, actor=actor, action="create", entity="identifier", entity_id=stored.id,
                       version=version, after=identifier_to_json(stored))
    return stored


async def update_identifier(conn: AsyncConnection, *, identifier_id: str, changes: dict, actor: str,
                            expected_revision: int | None = None, now: datetime | None = None,
                            action: str = "update") -> Identifier:
    """Change fields of an identifier (:data:`trust_registry.model.IDENTIFIER_FIELDS`).

    :raises NotFound: / :raises PreconditionFailed: / :raises InvalidInput: / :raises Conflict: as above.
    """
    unknown = sorted(set(changes) - set(IDENTIFIER_FIELDS))
    if unknown:
        raise InvalidInput([FieldError(f"/{k}", f"field {k!r} cannot be changed here") for k in unknown])
    version = await audit.begin_write(conn)
    before = await get_identifier(conn, identifier_id=identifier_id)
    audit.check_revision("identifier", identifier_id, before.revision, expected_revision)
    now = audit.utc_now(now)
    after = replace(before, **changes, updated_at=now, revision=version)
    _check(after, check_syntax=after.value != before.value
           or after.verification_methods != before.verification_methods)
    if after.normalized != before.normalized:
        issuer = await get_issuer(conn, issuer_id=before.issuer_id)
        if any(i.normalized == after.normalized for i in issuer.identifiers if i.id != identifier_id):
            raise Conflict(f"issuer {before.issuer_id!r} already lists identifier {after.value!r}", pointer="/value")
        await check_identifiers_free(conn, registry=issuer.registry, idents=[after], exclude_issuer=before.issuer_id,
                                     pointer_prefix="/value")
    row = identifier_row(after, 0)
    await conn.execute(update(identifiers).where(identifiers.c.id == identifier_id)
                       .values(**{k: v for k, v in row.items() if k not in ("id", "issuer_id", "position")}))
    await touch_issuer(conn, issuer_id=before.issuer_id, version=version, now=now)
    await audit.record(conn, at=now, actor=actor, action=action, entity="identifier", entity_id=identifier_id,
                       version=version, before=identifier_to_json(before), after=identifier_to_json(after))
    return after


async def set_identifier_status(conn: AsyncConnection, *, identifier_id: str, status: str, reason: str | None,
                                actor: str, expected_revision: int | None = None,
                                now: datetime | None = None) -> Identifier:
    """Suspend, revoke or reinstate one identifier. Errors as :func:`update_identifier`."""
    if status not in STATUSES:
        raise InvalidInput(FieldError("/status", f"status must be one of {', '.join(STATUSES)}"))
    return await update_identifier(conn, identifier_id=identifier_id,
                                   changes={"status": status, "status_reason": reason}, actor=actor,
                                   expected_revision=expected_revision, now=now, action=STATUS_ACTIONS[status])


async def delete_identifier(conn: AsyncConnection, *, identifier_id: str, actor: str,
                            expected_revision: int | None = None, now: datetime | None = None) -> Identifier:
    """Delete one identifier. :returns: it as it was. Errors as :func:`update_identifier`."""
    version = await audit.begin_write(conn)
    before = await get_identifier(conn, identifier_id=identifier_id)
    audit.check_revision("identifier", identifier_id, before.revision, expected_revision)
    now = audit.utc_now(now)
    await conn.execute(delete(identifiers).where(identifiers.c.id == identifier_id))
    await touch_issuer(conn, issuer_id=before.issuer_id, version=version, now=now)
    await audit.record(conn, at=now, actor=actor, action="delete", entity="identifier", entity_id=identifier_id,
                       version=version, before=identifier_to_json(before))
    return before


def _check(identifier: Identifier, *, check_syntax: bool = True) -> None:
    problems = identifier_problems(identifier, "", check_syntax=check_syntax)
    if problems:
        raise InvalidInput([FieldError(p, d) for p, d in problems])
