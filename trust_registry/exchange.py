"""Bulk import (any format, once parsed) and our own export format, which round-trips exactly.

Our format (``format: "ler-verifier-trust-registry"``, ``format_version: 1``) holds the registries and
every issuer with identifiers, authorisations and times; ids and times are kept on import, so
``export(import(export(db))) == export(db)`` byte for byte (:func:`dumps`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from trust_registry import audit
from trust_registry.codec import issuer_from_json, issuer_to_json, registry_from_json, registry_to_json
from trust_registry.errors import Conflict, FieldError, InvalidInput
from trust_registry.model import Issuer, Registry
from trust_registry.normalize import lookup_key
from trust_registry.registries import ensure_registry
from trust_registry.rows import delete_issuers, insert_issuers, load_issuers, load_registries, stamp_issuer
from trust_registry.schema import identifiers, issuers, registries
from trust_registry.schemas import EXPORT_DOCUMENT, EXPORT_FORMAT, validate

MODES = ("merge", "replace")


@dataclass(frozen=True)
class ImportDocument:
    """A parsed import: registries to create or update, and issuers (``id`` set) to upsert.

    :ivar pointers: JSON pointer (or CSV row pointer) of each issuer in the source, for error messages.
    """

    registries: tuple[Registry, ...] = ()
    issuers: tuple[Issuer, ...] = ()
    pointers: tuple[str, ...] = ()
    keep_meta: bool = False


@dataclass
class ImportSummary:
    """What an import changed. Counts of issuers; ``version`` is the registry version after it."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    registries_created: list[str] = field(default_factory=list)
    registries_updated: list[str] = field(default_factory=list)
    version: int = 0

    def to_json(self) -> dict:
        """:returns: JSON-ready data."""
        return dict(self.__dict__)


def parse_export(data) -> ImportDocument:
    """Parse a document in our own format.

    :raises InvalidInput: schema or rule violations, each with its JSON pointer.
    """
    validate(data, EXPORT_DOCUMENT)
    errors: list[FieldError] = []
    regs, items, pointers = [], [], []
    for n, r in enumerate(data.get("registries") or ()):
        try:
            regs.append(registry_from_json(r, f"/registries/{n}", keep_meta=True))
        except InvalidInput as exc:
            errors.extend(exc.errors)
    for n, d in enumerate(data["issuers"]):
        try:
            items.append(issuer_from_json(d, f"/issuers/{n}", keep_meta=True))
            pointers.append(f"/issuers/{n}")
        except InvalidInput as exc:
            errors.extend(exc.errors)
    if errors:
        raise InvalidInput(errors)
    return ImportDocument(registries=tuple(regs), issuers=tuple(items), pointers=tuple(pointers), keep_meta=True)


async def export_document(conn: AsyncConnection, *, registry: str | None = None) -> dict:
    """Our export format: the registries (or one) and their issuers, sorted, without revisions.

    :returns: JSON-ready data; :func:`dumps` renders it canonically.
    """
    regs = [r for r in await load_registries(conn) if registry is None or r.name == registry]
    items = await load_issuers(conn, registry=registry)
    out = []
    for issuer in items:
        data = issuer_to_json(issuer, revision=False)
        for ident in data["identifiers"]:
            ident.pop("issuer_id", None)
        out.append(data)
    return {"format": EXPORT_FORMAT, "format_version": 1,
            "registries": [registry_to_json(r, revision=False) for r in sorted(regs, key=lambda r: r.name)],
            "issuers": out}


def dumps(document: dict) -> str:
    """:returns: canonical JSON text (sorted keys, 2-space indent, UTF-8 characters kept, final newline)."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


async def apply_import(conn: AsyncConnection, *, document: ImportDocument, actor: str, mode: str = "merge",
                       scope: Sequence[str] | None = None, now: datetime | None = None) -> ImportSummary:
    """Upsert a parsed document in one write (one version bump, one audit row per changed issuer; an
    import that changes nothing leaves the version alone).

    :param mode: ``merge`` keeps issuers the document does not mention; ``replace`` deletes, from the
        registries in ``scope`` (default: those the document names), issuers it does not mention.
    :raises InvalidInput: bad mode, duplicate ids or identifiers within the document.
    :raises Conflict: an identifier another issuer of the registry lists, or an identifier id in use.
    """
    if mode not in MODES:
        raise InvalidInput(FieldError("/mode", f"mode must be one of {', '.join(MODES)}"))
    _check_document(document)
    version = await audit.lock_for_write(conn)
    now = audit.utc_now(now)
    summary = ImportSummary(version=version)
    await _upsert_registries(conn, document, actor=actor, version=version, now=now, summary=summary)
    incoming = {i.id: i for i in document.issuers}
    existing = {i.id: i for i in await load_issuers(conn, list(incoming))}
    scope = list(scope) if scope is not None else sorted({i.registry for i in document.issuers} |
                                                        {r.name for r in document.registries})
    doomed: list[Issuer] = []
    if mode == "replace" and scope:
        ids = (await conn.execute(select(issuers.c.id).where(issuers.c.registry.in_(scope)))).scalars().all()
        doomed = await load_issuers(conn, [i for i in ids if i not in incoming])
    writes, audits = _plan(document, existing, doomed, summary, actor=actor, version=version, now=now)
    summary.deleted = len(doomed)
    replaced = {w.id for w in writes} | {d.id for d in doomed}
    await _check_free(conn, document, writes, replaced)
    await delete_issuers(conn, sorted(replaced & (set(existing) | {d.id for d in doomed})))
    await insert_issuers(conn, writes)
    await audit.record_many(conn, audits)
    if writes or doomed or summary.registries_created or summary.registries_updated:
        await audit.set_version(conn, version)
    else:  # nothing changed: the version (and every cached snapshot) stays valid
        summary.version = version - 1
    return summary


def _plan(document: ImportDocument, existing: dict, doomed: list[Issuer], summary: ImportSummary, *, actor: str,
          version: int, now: datetime) -> tuple[list[Issuer], list[dict]]:
    """Decide, issuer by issuer, what the import writes; count it in ``summary``.

    :returns: ``(issuers to (re)insert, audit rows)``.
    """
    writes, audits = [], []
    for issuer in document.issuers:
        old = existing.get(issuer.id)
        new = _inherit(issuer, old, now) if old is not None else issuer
        if old is not None and _same(new, old):
            summary.unchanged += 1
            continue
        if old is not None:
            new = replace(new, updated_at=issuer.updated_at or now)
        stored = stamp_issuer(new, version=version, now=now)
        writes.append(stored)
        audits.append(audit.audit_row(at=now, actor=actor, action="import", entity="issuer", entity_id=stored.id,
                                      version=version, before=issuer_to_json(old) if old else None,
                                      after=issuer_to_json(stored)))
        summary.created += old is None
        summary.updated += old is not None
    for gone in doomed:
        audits.append(audit.audit_row(at=now, actor=actor, action="import", entity="issuer", entity_id=gone.id,
                                      version=version, before=issuer_to_json(gone)))
    return writes, audits


def _check_document(document: ImportDocument) -> None:
    errors: list[FieldError] = []
    seen_ids: dict[str, str] = {}
    seen_idents: dict[tuple[str, str], str] = {}
    seen_ident_ids: dict[str, str] = {}
    for issuer, ptr in zip(document.issuers, document.pointers):
        if issuer.id in seen_ids:
            errors.append(FieldError(f"{ptr}/id", f"issuer id {issuer.id!r} repeats {seen_ids[issuer.id]}"))
        seen_ids.setdefault(issuer.id, ptr)
        for n, ident in enumerate(issuer.identifiers):
            key = (issuer.registry, ident.normalized)
            if key in seen_idents and seen_idents[key] != ptr:
                errors.append(FieldError(f"{ptr}/identifiers/{n}/value",
                                         f"identifier {ident.value!r} is also listed at {seen_idents[key]}"))
            seen_idents.setdefault(key, ptr)
            if ident.id:
                if ident.id in seen_ident_ids:
                    errors.append(FieldError(f"{ptr}/identifiers/{n}/id", f"identifier id {ident.id!r} repeats"))
                seen_ident_ids.setdefault(ident.id, ptr)
    if errors:
        raise InvalidInput(errors[:100])


async def _upsert_registries(conn, document: ImportDocument, *, actor, version, now, summary) -> None:
    current = {r.name: r for r in await load_registries(conn)}
    for reg in document.registries:
        old = current.get(reg.name)
        if old is None:
            created = replace(reg, created_at=reg.created_at or now, updated_at=reg.updated_at or now, revision=version)
            await conn.execute(registries.insert(), [_registry_row(created)])
            await audit.record(conn, at=now, actor=actor, action="import", entity="registry", entity_id=reg.name,
                               version=version, after=registry_to_json(created))
            summary.registries_created.append(reg.name)
            current[reg.name] = created
            continue
        new = replace(old, priority=reg.priority, description=reg.description, authority_id=reg.authority_id,
                      created_at=reg.created_at or old.created_at, updated_at=reg.updated_at or old.updated_at)
        if registry_to_json(new, revision=False) != registry_to_json(old, revision=False):
            new = replace(new, updated_at=reg.updated_at or now, revision=version)
            await conn.execute(registries.update().where(registries.c.name == reg.name).values(**_registry_row(new)))
            await audit.record(conn, at=now, actor=actor, action="import", entity="registry", entity_id=reg.name,
                               version=version, before=registry_to_json(old), after=registry_to_json(new))
            summary.registries_updated.append(reg.name)
    for name in sorted({i.registry for i in document.issuers} - set(current)):
        await ensure_registry(conn, name=name, actor=actor, version=version, now=now)
        summary.registries_created.append(name)


def _inherit(issuer: Issuer, old: Issuer, now: datetime) -> Issuer:
    """Fill what the import does not carry (times, identifier ids) from the stored issuer: an
    identifier whose content changed gets ``updated_at = now``."""
    by_value = {i.normalized: i for i in old.identifiers}
    idents = []
    for ident in issuer.identifiers:
        prev = by_value.get(ident.normalized)
        if prev is not None:
            touched = ident.updated_at or (prev.updated_at if _content(ident) == _content(prev) else now)
            ident = replace(ident, id=ident.id or prev.id, created_at=ident.created_at or prev.created_at,
                            updated_at=touched)
        idents.append(ident)
    return replace(issuer, created_at=issuer.created_at or old.created_at,
                   updated_at=issuer.updated_at or old.updated_at, identifiers=tuple(idents))


def _content(ident) -> tuple:
    return (ident.value, ident.match, tuple(ident.verification_methods), ident.valid_from, ident.valid_until,
            ident.status, ident.status_reason)


def _same(new: Issuer, old: Issuer) -> bool:
    a, b = issuer_to_json(new, revision=False), issuer_to_json(old, revision=False)
    for doc in (a, b):
        for ident in doc["identifiers"]:
            ident.pop("issuer_id", None)
    return a == b


async def _check_free(conn, document: ImportDocument, writes: list[Issuer], replaced: set[str]) -> None:
    pointers = dict(zip((i.id for i in document.issuers), document.pointers))
    wanted: dict[tuple[str, str], tuple[Issuer, int]] = {}
    for issuer in writes:
        for n, ident in enumerate(issuer.identifiers):
            wanted[(issuer.registry, lookup_key(ident.normalized))] = (issuer, n)
    by_registry: dict[str, list[str]] = {}
    for reg, key in wanted:
        by_registry.setdefault(reg, []).append(key)
    for reg, keys in by_registry.items():
        for start in range(0, len(keys), 500):
            stmt = (select(identifiers.c.lookup_key, identifiers.c.issuer_id)
                    .join(issuers, issuers.c.id == identifiers.c.issuer_id)
                    .where(issuers.c.registry == reg, identifiers.c.lookup_key.in_(keys[start:start + 500])))
            for row in (await conn.execute(stmt)).all():
                if row.issuer_id not in replaced:
                    issuer, n = wanted[(reg, row.lookup_key)]
                    raise Conflict(f"identifier {issuer.identifiers[n].value!r} is already listed in registry "
                                   f"{reg!r} by issuer {row.issuer_id!r}",
                                   pointer=f"{pointers.get(issuer.id, '')}/identifiers/{n}/value")
    ident_ids = {i.id: (issuer, n) for issuer in writes for n, i in enumerate(issuer.identifiers) if i.id}
    keys = list(ident_ids)
    for start in range(0, len(keys), 500):
        stmt = select(identifiers.c.id, identifiers.c.issuer_id).where(identifiers.c.id.in_(keys[start:start + 500]))
        for row in (await conn.execute(stmt)).all():
            issuer, n = ident_ids[row.id]
            if row.issuer_id not in replaced:
                raise Conflict(f"identifier id {row.id!r} belongs to issuer {row.issuer_id!r}",
                               pointer=f"{pointers.get(issuer.id, '')}/identifiers/{n}/id")


def _registry_row(r: Registry) -> dict:
    return {"name": r.name, "priority": r.priority, "description": r.description, "authority_id": r.authority_id,
            "created_at": r.created_at, "updated_at": r.updated_at, "revision": r.revision}
