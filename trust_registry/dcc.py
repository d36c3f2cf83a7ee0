"""The Digital Credentials Consortium "legacy" issuer registry JSON.

Shape (digitalcredentials/sandbox-registry)::

    {"meta": {"created": "...", "updated": "..."},
     "registry": {"<DID>": {"name": "...", "location": "...", "url": "..."}, ...}}

Each entry becomes one issuer of the target registry with one exactly matched identifier; its id is
derived from the registry name and the DID (UUID 5), so importing the same file again changes nothing.
``url`` becomes ``homepage``, ``location`` is kept as is.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from trust_registry.codec import format_dt
from trust_registry.errors import FieldError, InvalidInput
from trust_registry.exchange import ImportDocument
from trust_registry.model import MATCH_EXACT, Identifier, Issuer
from trust_registry.normalize import identifier_problem
from trust_registry.schemas import DCC_LEGACY_DOCUMENT, pointer, validate

FORMAT = "dcc-legacy"
_NAMESPACE = uuid.UUID("5b0f4c1e-3f0b-4f4e-9a55-6c0e4a1d2c11")


def dcc_issuer_id(registry: str, did: str) -> str:
    """:returns: the stable issuer id an entry of ``registry`` for ``did`` gets."""
    return str(uuid.uuid5(_NAMESPACE, f"{registry}\n{did}"))


def parse_dcc_legacy(data, *, registry: str) -> ImportDocument:
    """Parse a DCC legacy registry document into issuers of ``registry``.

    :param data: the decoded JSON document.
    :param registry: target registry name (the import creates it, priority 100, if missing).
    :raises InvalidInput: schema violations with JSON pointers such as ``/registry/did:key:z6Mk~1x/name``,
        and keys that are not a DID or an http(s) URL (pointer ``/registry/<key>``).
    """
    validate(data, DCC_LEGACY_DOCUMENT)
    errors = [FieldError(pointer(["registry", did]), problem) for did in data["registry"]
              if (problem := identifier_problem(did))]
    if errors:
        raise InvalidInput(errors[:100])
    items, pointers = [], []
    for did, entry in data["registry"].items():
        items.append(Issuer(id=dcc_issuer_id(registry, did), registry=registry, name=entry["name"],
                            location=entry.get("location"), homepage=entry.get("url"),
                            identifiers=(Identifier(value=did, match=MATCH_EXACT),)))
        pointers.append(pointer(["registry", did]))
    return ImportDocument(issuers=tuple(items), pointers=tuple(pointers))


def export_dcc_legacy(issuers: Sequence[Issuer]) -> dict:
    """The DCC legacy document of the active, exactly matched identifiers of active issuers.

    Windows, authorisations, pins and statuses have no place in this format and are left out (so are
    suspended or revoked entries).

    :returns: ``{"meta": {"created", "updated"}, "registry": {DID: {"name", "location"?, "url"?}}}``.
    """
    entries: dict[str, dict] = {}
    times = []
    for issuer in issuers:
        if issuer.status != "active":
            continue
        for ident in issuer.identifiers:
            if ident.status != "active" or ident.match != MATCH_EXACT:
                continue
            entry = {"name": issuer.name}
            if issuer.location is not None:
                entry["location"] = issuer.location
            if issuer.homepage is not None:
                entry["url"] = issuer.homepage
            entries[ident.value] = entry
            times.extend(t for t in (issuer.created_at, issuer.updated_at) if t is not None)
    meta = {"created": format_dt(min(times)) if times else None, "updated": format_dt(max(times)) if times else None}
    return {"meta": meta, "registry": entries}
