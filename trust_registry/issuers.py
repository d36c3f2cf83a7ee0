"""Store functions for issuers (with their identifiers and authorisations).

Keyword-only, take an :class:`AsyncConnection` inside the caller's transaction, never commit. Each
write bumps the registry version first (:func:`trust_registry.audit.begin_write`) and records the
issuer document before and after in the audit log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy import and_, delete, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from trust_registry import audit
from trust_registry.codec import check_issuer, issuer_to_json
from trust_registry.errors import Conflict, FieldError, InvalidInput, NotFound
from trust_registry.model import ISSUER_FIELDS, MAX_OFFSET, STATUSES, Identifier, Issuer
from trust_registry.normalize import lookup_key
from trust_registry.rows import delete_issuers, insert_issuers, issuer_row, load_issuers, stamp_issuer
from trust_registry.schema import authorizations, identifiers, issuers, registries

STATUS_ACTIONS = {"suspended": "suspend", "revoked": "revoke", "active": "reinstate"}


async def get_issuer(conn: AsyncConnection, *, issuer_id: str) -> Issuer:
    """:raises NotFound: no issuer ``issuer_id``."""
    found = await load_issuers(conn, [issuer_id])
    if not found:
        raise NotFound("issuer", issuer_id)
    return found[0]


async def list_issuers(conn: AsyncConnection, *, registry: str | None = None, q: str | None = None,
                       status: str | None = None, limit: int = 50, offset: int = 0) -> tuple[list[Issuer], int]:
    """Search issuers, ordered by name then id.

    :param q: case-insensitive substring of id, name, legal name or any identifier.
    :param limit: page size (1..500). :param offset: rows to skip (0..:data:`MAX_OFFSET`).
    :returns: ``(page, total matching)``.
    :raises InvalidInput: ``offset`` out of range (query parameter ``offset``).
    """
    if not 0 <= offset <= MAX_OFFSET:
        raise InvalidInput(FieldError("offset", f"offset must be an integer from 0 to {MAX_OFFSET}", "query"))
    conds = []
    if registry is not None:
        conds.append(issuers.c.registry == registry)
    if status is not None:
        conds.append(issuers.c.status == status)
    if q:
        pattern = "%" + q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        ident_match = exists().where(and_(identifiers.c.issuer_id == issuers.c.id,
                                          func.lower(identifiers.c.value).like(pattern, escape="\\")))
        conds.append(or_(func.lower(issuers.c.id).like(pattern, escape="\\"),
                         func.lower(issuers.c.name).like(pattern, escape="\\"),
                         func.lower(issuers.c.legal_name).like(pattern, escape="\\"), ident_match))
    where = and_(*conds) if conds else None
    count_stmt = select(func.count()).select_from(issuers)
    page_stmt = select(issuers.c.id).order_by(issuers.c.name, issuers.c.id)
    if where is not None:
        count_stmt, page_stmt = count_stmt.where(where), page_stmt.where(where)
    total = int((await conn.execute(count_stmt)).scalar_one())
    ids = (await conn.execute(page_stmt.limit(max(1, min(limit, 500))).offset(offset))).scalars().all()
    return await load_issuers(conn, ids), total


async def create_issuer(conn: AsyncConnection, *, issuer: Issuer, actor: str, now: datetime | None = None) -> Issuer:
    """Create an issuer with its identifiers and authorisations.

    :param issuer: ``id`` None generates one; identifier ids are generated.
    :returns: the stored issuer (ids, times, revision set).
    :raises InvalidInput: semantic rules (pointers into the issuer document).
    :raises NotFound: unknown registry (pointer ``/registry``).
    :raises Conflict: duplicate issuer id (``/id``) or an identifier the registry already lists
        (``/identifiers/<i>/value``).
    """
    check_issuer(issuer)
    version = await audit.begin_write(conn)
    await require_registry(conn, issuer.registry)
    if issuer.id is not None and await _issuer_exists(conn, issuer.id):
        raise Conflict(f"issuer {issuer.id!r} already exists", pointer="/id")
    await check_identifiers_free(conn, registry=issuer.registry, idents=issuer.identifiers, exclude_issuer=None)
    now = audit.utc_now(now)
    stored = stamp_issuer(replace(issuer, created_at=None, updated_at=None), version=version, now=now)
    await insert_issuers(conn, [stored])
    await audit.record(conn, at=now, actor=actor, action="create", entity="issuer", entity_id=stored.id,
                       version=version, after=issuer_to_json(stored))
    return stored


async def update_issuer(conn: AsyncConnection, *, issuer_id: str, changes: dict, actor: str,
                        expected_revision: int | None = None, now: datetime | None = None,
                        action: str = "update") -> Issuer:
    """Change issuer fields and/or replace its ``authorizations``.

    :param changes: field -> new value, fields of :data:`trust_registry.model.ISSUER_FIELDS` plus
        ``authorizations`` (a tuple of :class:`Authorization`).
    :param expected_revision: the revision (ETag) the caller edited; None skips the check.
    :raises NotFound: no such issuer. :raises PreconditionFailed: stale ``expected_revision``.
    :raises InvalidInput: the result breaks a rule, or an unknown field is given.
    """
    unknown = sorted(set(changes) - set(ISSUER_FIELDS) - {"authorizations"})
    if unknown:
        raise InvalidInput([FieldError(f"/{k}", f"field {k!r} cannot be changed here") for k in unknown])
    version = await audit.begin_write(conn)
    before = await get_issuer(conn, issuer_id=issuer_id)
    audit.check_revision("issuer", issuer_id, before.revision, expected_revision)
    now = audit.utc_now(now)
    after = replace(before, **changes, updated_at=now, revision=version)
    check_issuer(after, check_syntax=False)  # identifiers do not change here
    await conn.execute(update(issuers).where(issuers.c.id == issuer_id)
                       .values(**{k: v for k, v in issuer_row(after).items() if k != "id"}))
    if "authorizations" in changes:
        await conn.execute(delete(authorizations).where(authorizations.c.issuer_id == issuer_id))
        if after.authorizations:
            await conn.execute(authorizations.insert(), [
                {"issuer_id": issuer_id, "credential_type": a.credential_type, "valid_from": a.valid_from,
                 "valid_until": a.valid_until} for a in after.authorizations])
    await audit.record(conn, at=now, actor=actor, action=action, entity="issuer", entity_id=issuer_id,
                       version=version, before=issuer_to_json(before), after=issuer_to_json(after))
    return after


async def set_issuer_status(conn: AsyncConnection, *, issuer_id: str, status: str, reason: str | None,
                            actor: str, expected_revision: int | None = None,
                            now: datetime | None = None) -> Issuer:
    """Suspend, revoke or reinstate an issuer (audited as ``suspend``/``revoke``/``reinstate``).

    :raises InvalidInput: unknown status. Other errors as :func:`update_issuer`.
    """
    if status not in STATUSES:
        raise InvalidInput(FieldError("/status", f"status must be one of {', '.join(STATUSES)}"))
    return await update_issuer(conn, issuer_id=issuer_id, changes={"status": status, "status_reason": reason},
                               actor=actor, expected_revision=expected_revision, now=now,
                               action=STATUS_ACTIONS[status])


async def delete_issuer(conn: AsyncConnection, *, issuer_id: str, actor: str, expected_revision: int | None = None,
                        now: datetime | None = None) -> Issuer:
    """Delete an issuer with its identifiers and authorisations.

    :returns: the issuer as it was. :raises NotFound: / :raises PreconditionFailed: as :func:`update_issuer`.
    """
    version = await audit.begin_write(conn)
    before = await get_issuer(conn, issuer_id=issuer_id)
    audit.check_revision("issuer", issuer_id, before.revision, expected_revision)
    await delete_issuers(conn, [issuer_id])
    await audit.record(conn, at=audit.utc_now(now), actor=actor, action="delete", entity="issuer",
                       entity_id=issuer_id, version=version, before=issuer_to_json(before))
    return before


async def check_identifiers_free(conn: AsyncConnection, *, registry: str, idents: Sequence[Identifier],
                                 exclude_issuer: str | None, pointer_prefix: str = "/identifiers") -> None:
    """Refuse identifiers another issuer of ``registry`` already lists.

    :param pointer_prefix: pointer of the identifiers array in the request (index appended), or the
        pointer of a single identifier's ``value`` when it ends with ``/value``.
    :raises Conflict: naming the first duplicate and its issuer.
    """
    keys = {lookup_key(i.normalized): n for n, i in enumerate(idents)}
    if not keys:
        return
    stmt = (select(identifiers.c.lookup_key, identifiers.c.issuer_id, identifiers.c.value)
            .join(issuers, issuers.c.id == identifiers.c.issuer_id)
            .where(issuers.c.registry == registry, identifiers.c.lookup_key.in_(list(keys))))
    if exclude_issuer is not None:
        stmt = stmt.where(identifiers.c.issuer_id != exclude_issuer)
    row = (await conn.execute(stmt)).first()
    if row is not None:
        n = keys[row.lookup_key]
        pointer = pointer_prefix if pointer_prefix.endswith("/value") else f"{pointer_prefix}/{n}/value"
        raise Conflict(f"identifier {idents[n].value!r} is already listed in registry {registry!r} "
                       f"by issuer {row.issuer_id!r}", pointer=pointer)


async def touch_issuer(conn: AsyncConnection, *, issuer_id: str, version: int, now: datetime) -> None:
    """Mark an issuer changed (a child identifier changed): new revision and ``updated_at``."""
    await conn.execute(update(issuers).where(issuers.c.id == issuer_id).values(revision=version, updated_at=now))


async def require_registry(conn: AsyncConnection, name: str, pointer: str = "/registry") -> None:
    """:raises NotFound: no registry ``name`` (carrying ``pointer``)."""
    if (await conn.execute(select(registries.c.name).where(registries.c.name == name))).first() is None:
        raise NotFound("registry", name, pointer=pointer)


async def _issuer_exists(conn: AsyncConnection, issuer_id: str) -> bool:
    return (await conn.execute(select(issuers.c.id).where(issuers.c.id == issuer_id))).first() is not None
