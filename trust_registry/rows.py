"""Rows <-> model values, and bulk reads/writes of issuers with their identifiers and authorisations."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncConnection

from trust_registry.model import Authorization, Identifier, Issuer, Registry
from trust_registry.normalize import lookup_key
from trust_registry.schema import authorizations, identifiers, issuers, registries

_CHUNK = 500  # ids per IN (...) list: well under SQLite's and asyncpg's parameter limits


def new_id() -> str:
    """:returns: a fresh random id (UUID 4, 36 characters)."""
    return str(uuid.uuid4())


def registry_from_row(r) -> Registry:
    """:returns: the registry of a ``registries`` row mapping."""
    return Registry(name=r["name"], priority=r["priority"], description=r["description"],
                    authority_id=r["authority_id"], created_at=r["created_at"], updated_at=r["updated_at"],
                    revision=r["revision"])


def identifier_from_row(r) -> Identifier:
    """:returns: the identifier of an ``identifiers`` row mapping."""
    return Identifier(value=r["value"], id=r["id"], issuer_id=r["issuer_id"], match=r["match"],
                      verification_methods=tuple(r["verification_methods"] or ()), valid_from=r["valid_from"],
                      valid_until=r["valid_until"], status=r["status"], status_reason=r["status_reason"],
                      created_at=r["created_at"], updated_at=r["updated_at"], revision=r["revision"])


def authorization_from_row(r) -> Authorization:
    """:returns: the authorisation of an ``authorizations`` row mapping."""
    return Authorization(credential_type=r["credential_type"], valid_from=r["valid_from"],
                         valid_until=r["valid_until"])


def issuer_from_row(r, idents: Sequence[Identifier] = (), auths: Sequence[Authorization] = ()) -> Issuer:
    """:returns: the issuer of an ``issuers`` row mapping with its identifiers and authorisations."""
    return Issuer(id=r["id"], registry=r["registry"], name=r["name"], legal_name=r["legal_name"],
                  homepage=r["homepage"], logo_url=r["logo_url"], country=r["country"], location=r["location"],
                  sector=r["sector"], external_ids=dict(r["external_ids"] or {}), accreditor=r["accreditor"],
                  notes=r["notes"], status=r["status"], status_reason=r["status_reason"],
                  identifiers=tuple(idents), authorizations=tuple(auths), created_at=r["created_at"],
                  updated_at=r["updated_at"], revision=r["revision"])


def issuer_row(issuer: Issuer) -> dict:
    """:returns: insert/update parameters of the ``issuers`` row (``id`` must be set)."""
    return {"id": issuer.id, "registry": issuer.registry, "name": issuer.name, "legal_name": issuer.legal_name,
            "homepage": issuer.homepage, "logo_url": issuer.logo_url, "country": issuer.country,
            "location": issuer.location, "sector": issuer.sector, "external_ids": dict(issuer.external_ids),
            "accreditor": issuer.accreditor, "notes": issuer.notes, "status": issuer.status,
            "status_reason": issuer.status_reason, "created_at": issuer.created_at,
            "updated_at": issuer.updated_at, "revision": issuer.revision}


def identifier_row(ident: Identifier, position: int) -> dict:
    """:returns: insert/update parameters of the ``identifiers`` row (``id``/``issuer_id`` must be set).

    :param position: order of the identifier within its issuer.
    """
    normalized = ident.normalized
    return {"id": ident.id, "issuer_id": ident.issuer_id, "position": position, "value": ident.value, "normalized": normalized,
            "lookup_key": lookup_key(normalized), "match": ident.match,
            "verification_methods": list(ident.verification_methods), "valid_from": ident.valid_from,
            "valid_until": ident.valid_until, "status": ident.status, "status_reason": ident.status_reason,
            "created_at": ident.created_at, "updated_at": ident.updated_at, "revision": ident.revision}


def stamp_issuer(issuer: Issuer, *, version: int, now: datetime, created_at: datetime | None = None) -> Issuer:
    """Give an issuer (and its identifiers) ids, times and the revision of this write.

    Times already set (imports of our own format) are kept; otherwise ``created_at`` (or ``now``) and
    ``now`` are used.
    """
    issuer_id = issuer.id or new_id()
    idents = tuple(replace(i, id=i.id or new_id(), issuer_id=issuer_id, revision=version,
                           created_at=i.created_at or now, updated_at=i.updated_at or now)
                   for i in issuer.identifiers)
    return replace(issuer, id=issuer_id, identifiers=idents, revision=version,
                   created_at=issuer.created_at or created_at or now, updated_at=issuer.updated_at or now)


async def insert_issuers(conn: AsyncConnection, items: Sequence[Issuer]) -> None:
    """Insert stamped issuers with their identifiers and authorisations (executemany per table)."""
    if not items:
        return
    await conn.execute(issuers.insert(), [issuer_row(i) for i in items])
    ident_rows = [identifier_row(x, n) for i in items for n, x in enumerate(i.identifiers)]
    if ident_rows:
        await conn.execute(identifiers.insert(), ident_rows)
    auth_rows = [{"issuer_id": i.id, "credential_type": a.credential_type, "valid_from": a.valid_from,
                  "valid_until": a.valid_until} for i in items for a in i.authorizations]
    if auth_rows:
        await conn.execute(authorizations.insert(), auth_rows)


async def delete_issuers(conn: AsyncConnection, ids: Sequence[str]) -> None:
    """Delete issuers and their children (explicitly: no reliance on ON DELETE CASCADE)."""
    for chunk in _chunks(ids):
        await conn.execute(delete(authorizations).where(authorizations.c.issuer_id.in_(chunk)))
        await conn.execute(delete(identifiers).where(identifiers.c.issuer_id.in_(chunk)))
        await conn.execute(delete(issuers).where(issuers.c.id.in_(chunk)))


async def load_issuers(conn: AsyncConnection, ids: Iterable[str] | None = None, *,
                       registry: str | None = None) -> list[Issuer]:
    """Issuers with identifiers and authorisations, in the order of ``ids`` (missing ones skipped), or
    every issuer (of ``registry``) ordered by id when ``ids`` is None."""
    if ids is None:
        stmt = select(issuers).order_by(issuers.c.id)
        if registry is not None:
            stmt = stmt.where(issuers.c.registry == registry)
        rows = (await conn.execute(stmt)).mappings().all()
        return await _attach(conn, rows, None if registry is None else [r["id"] for r in rows])
    wanted = list(dict.fromkeys(ids))
    by_id = {}
    for chunk in _chunks(wanted):
        for r in (await conn.execute(select(issuers).where(issuers.c.id.in_(chunk)))).mappings():
            by_id[r["id"]] = r
    return await _attach(conn, [by_id[i] for i in wanted if i in by_id], [i for i in wanted if i in by_id])


async def load_registries(conn: AsyncConnection) -> list[Registry]:
    """:returns: every registry, by priority then name."""
    rows = (await conn.execute(select(registries).order_by(registries.c.priority, registries.c.name))).mappings()
    return [registry_from_row(r) for r in rows]


async def _attach(conn: AsyncConnection, rows, ids: list[str] | None) -> list[Issuer]:
    idents: dict[str, list[Identifier]] = defaultdict(list)
    auths: dict[str, list[Authorization]] = defaultdict(list)
    ident_stmt = select(identifiers).order_by(identifiers.c.issuer_id, identifiers.c.position, identifiers.c.id)
    auth_stmt = select(authorizations).order_by(authorizations.c.issuer_id, authorizations.c.id)
    if ids is None:
        batches = [(ident_stmt, auth_stmt)]
    else:
        batches = [(ident_stmt.where(identifiers.c.issuer_id.in_(c)), auth_stmt.where(authorizations.c.issuer_id.in_(c)))
                   for c in _chunks(ids)]
    for i_stmt, a_stmt in batches:
        for r in (await conn.execute(i_stmt)).mappings():
            idents[r["issuer_id"]].append(identifier_from_row(r))
        for r in (await conn.execute(a_stmt)).mappings():
            auths[r["issuer_id"]].append(authorization_from_row(r))
    return [issuer_from_row(r, idents.get(r["id"], ()), auths.get(r["id"], ())) for r in rows]


def _chunks(items: Sequence[str]):
    items = list(items)
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]
