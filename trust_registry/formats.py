"""One door to every import/export format: ``ler`` (ours), ``dcc-legacy`` and ``csv``."""

from __future__ import annotations

import json

from sqlalchemy.ext.asyncio import AsyncConnection

from trust_registry.csvio import export_csv, parse_csv
from trust_registry.dcc import export_dcc_legacy, parse_dcc_legacy
from trust_registry.errors import FieldError, InvalidInput
from trust_registry.exchange import ImportDocument, dumps, export_document, parse_export
from trust_registry.model import DEFAULT_REGISTRY
from trust_registry.rows import load_issuers

FORMATS = ("ler", "dcc-legacy", "csv")
MEDIA_TYPES = {"ler": "application/json", "dcc-legacy": "application/json", "csv": "text/csv"}
DCC_DEFAULT_REGISTRY = "dcc-legacy"


def parse_import(fmt: str, raw: bytes, *, registry: str | None = None) -> ImportDocument:
    """Decode and parse an import file.

    :param fmt: one of :data:`FORMATS`.
    :param raw: the file's bytes (UTF-8, a BOM is allowed).
    :param registry: target registry for ``dcc-legacy`` (default ``dcc-legacy``) and for CSV rows without
        one (default ``local``); ignored by ``ler``, whose issuers name theirs.
    :raises InvalidInput: unknown format, undecodable bytes, bad JSON/CSV or bad entries (with pointers).
    """
    if fmt not in FORMATS:
        raise InvalidInput(FieldError("/format", f"format must be one of {', '.join(FORMATS)}"))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(FieldError("", f"the file is not UTF-8 (byte {exc.start})")) from exc
    if fmt == "csv":
        return parse_csv(text, default_registry=registry or DEFAULT_REGISTRY)
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise InvalidInput(FieldError("", f"not valid JSON: {str(exc)[:200]}")) from exc
    if fmt == "dcc-legacy":
        return parse_dcc_legacy(data, registry=registry or DCC_DEFAULT_REGISTRY)
    return parse_export(data)


async def export_as(conn: AsyncConnection, fmt: str, *, registry: str | None = None) -> str:
    """Render the registry (or one registry) in ``fmt``.

    :returns: the document text (JSON with a final newline, or CSV).
    :raises InvalidInput: unknown format.
    """
    if fmt not in FORMATS:
        raise InvalidInput(FieldError("/format", f"format must be one of {', '.join(FORMATS)}"))
    if fmt == "ler":
        return dumps(await export_document(conn, registry=registry))
    items = await load_issuers(conn, registry=registry)
    if fmt == "csv":
        return export_csv(items)
    return dumps(export_dcc_legacy(items))
