"""CSV import and export: one row per identifier (an issuer without identifiers has one row with an
empty ``identifier``); issuer columns repeat on each of its rows and must agree.

Cells holding several values separate them with spaces:

* ``external_ids``: ``scheme=value`` pairs, e.g. ``ror=https://ror.org/042nb2s44 ipeds=166683``
  (a JSON object is accepted too, and written when a value contains a space);
* ``authorizations``: ``Type`` or ``Type@FROM/UNTIL`` (RFC 3339, either side may be empty), ``*`` for
  every type, e.g. ``OpenBadgeCredential ClrCredential@2025-01-01T00:00:00Z/``; empty means every type;
* ``verification_methods``: verification method ids.

Errors point at ``/rows/<n>/<column>`` (``n`` counts data rows from 0; the detail names the line).

Spreadsheet formula injection (OWASP "CSV Injection"): the export prefixes a single quote to every cell
that a spreadsheet could read as a formula, i.e. that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return, and also to a cell that already starts with quotes followed by one of those, so that
the import can remove exactly one leading quote from every cell of the form ``'+[=+-@\t\r]...``:
``import(export(x)) == x`` for every value (:func:`neutralize_cell`, :func:`restore_cell`).
"""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from collections.abc import Sequence

from trust_registry.codec import check_issuer, format_dt, parse_dt
from trust_registry.errors import FieldError, InvalidInput
from trust_registry.exchange import ImportDocument
from trust_registry.model import DEFAULT_REGISTRY, Authorization, Identifier, Issuer
from trust_registry.schemas import ISSUER_CREATE, pointer, schema_errors, text_errors

FORMAT = "csv"
ISSUER_COLUMNS = ("registry", "issuer_id", "name", "legal_name", "homepage", "logo_url", "country", "location",
                  "sector", "accreditor", "external_ids", "notes", "issuer_status", "issuer_status_reason",
                  "authorizations")
IDENTIFIER_COLUMNS = ("identifier", "match", "verification_methods", "valid_from", "valid_until",
                      "identifier_status", "identifier_status_reason")
COLUMNS = ISSUER_COLUMNS + IDENTIFIER_COLUMNS
_NAMESPACE = uuid.UUID("0c6f5f3e-8d0a-4a55-b9e2-2f8d7e0e9b41")
FORMULA_STARTS = "=+-@\t\r"
_NEEDS_QUOTE = re.compile(r"'*[=+\-@\t\r]")
_QUOTED = re.compile(r"'+[=+\-@\t\r]")


def neutralize_cell(value: str) -> str:
    """:returns: ``value`` with a ``'`` prefixed when a spreadsheet could take it for a formula (it starts
    with one of :data:`FORMULA_STARTS`, possibly after quotes); otherwise ``value`` unchanged."""
    return "'" + value if _NEEDS_QUOTE.match(value) else value


def restore_cell(cell: str) -> str:
    """The inverse of :func:`neutralize_cell`: drop one leading ``'`` before ``'*[=+-@\\t\\r]``."""
    return cell[1:] if _QUOTED.match(cell) else cell


def parse_csv(text: str, *, default_registry: str = DEFAULT_REGISTRY) -> ImportDocument:
    """Parse CSV text (header row required; unknown columns refused; ``name`` required).

    :param default_registry: registry of rows whose ``registry`` cell is empty.
    :raises InvalidInput: every bad cell, with pointer ``/rows/<n>/<column>``.
    """
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), restkey="\x00extra")
        header = reader.fieldnames or []
        unknown = [c for c in header if c not in COLUMNS]
        if unknown or "name" not in header:
            raise InvalidInput([FieldError(pointer(["columns", c]), f"unknown column {c[:100]!r}") for c in unknown] +
                               ([] if "name" in header else [FieldError("/columns/name", "column 'name' is required")]))
        groups: dict[str, list[tuple[int, dict]]] = {}
        for n, row in enumerate(reader):
            if "\x00extra" in row:
                raise InvalidInput(FieldError(f"/rows/{n}", f"line {reader.line_num}: more cells than columns"))
            row = {k: restore_cell((v or "").strip()) for k, v in row.items()}
            registry = row.get("registry") or default_registry
            key = row.get("issuer_id") or str(uuid.uuid5(_NAMESPACE, f"{registry}\n{row.get('name', '')}"))
            groups.setdefault(key, []).append((n, {**row, "registry": registry, "issuer_id": key}))
    except csv.Error as exc:
        raise InvalidInput(FieldError("/rows", f"not valid CSV: {exc}")) from exc
    items, pointers, errors = [], [], []
    for key, rows in groups.items():
        try:
            items.append(_issuer(rows))
            pointers.append(f"/rows/{rows[0][0]}")
        except InvalidInput as exc:
            errors.extend(exc.errors)
    if errors:
        raise InvalidInput(errors[:100])
    return ImportDocument(issuers=tuple(items), pointers=tuple(pointers))


def export_csv(issuers: Sequence[Issuer]) -> str:
    """:returns: CSV text (RFC 4180 quoting, ``\\n`` line ends) with a header row of :data:`COLUMNS`,
    issuers in the order given; cells a spreadsheet could take for a formula are neutralised
    (:func:`neutralize_cell`)."""
    lines = [_csv_line(COLUMNS)]
    for issuer in issuers:
        base = {"registry": issuer.registry, "issuer_id": issuer.id, "name": issuer.name,
                "legal_name": issuer.legal_name, "homepage": issuer.homepage, "logo_url": issuer.logo_url,
                "country": issuer.country, "location": issuer.location, "sector": issuer.sector,
                "accreditor": issuer.accreditor, "external_ids": _external_ids_cell(issuer.external_ids),
                "notes": issuer.notes, "issuer_status": issuer.status, "issuer_status_reason": issuer.status_reason,
                "authorizations": " ".join(_authorization_cell(a) for a in issuer.authorizations)}
        for ident in issuer.identifiers or (None,):
            row = dict(base)
            if ident is not None:
                row.update(identifier=ident.value, match=ident.match,
                           verification_methods=" ".join(ident.verification_methods),
                           valid_from=format_dt(ident.valid_from), valid_until=format_dt(ident.valid_until),
                           identifier_status=ident.status, identifier_status_reason=ident.status_reason)
            lines.append(_csv_line(neutralize_cell(row.get(c) or "") for c in COLUMNS))
    return "".join(lines)


def _csv_line(cells) -> str:
    # The csv module quotes only the line terminator's characters, so a lone CR inside a cell would end
    # the row when read back; quote every cell holding a delimiter, quote, CR or LF (RFC 4180 §2).
    out = []
    for cell in cells:
        if any(c in cell for c in ',"\r\n'):
            cell = '"' + cell.replace('"', '""') + '"'
        out.append(cell)
    return ",".join(out) + "\n"


def _issuer(rows: list[tuple[int, dict]]) -> Issuer:
    first_n, first = rows[0]
    errors: list[FieldError] = []
    for n, row in rows[1:]:
        for col in ISSUER_COLUMNS:
            if row.get(col, "") != first.get(col, "") and row.get(col, ""):
                errors.append(FieldError(f"/rows/{n}/{col}", f"differs from row {first_n} of the same issuer"))
    doc = {"id": first["issuer_id"], "registry": first["registry"], "name": first.get("name", "")}
    for col in ("legal_name", "homepage", "logo_url", "country", "location", "sector", "accreditor", "notes"):
        if first.get(col):
            doc[col] = first[col]
    if first.get("issuer_status"):
        doc["status"] = first["issuer_status"]
    if first.get("issuer_status_reason"):
        doc["status_reason"] = first["issuer_status_reason"]
    doc["external_ids"] = _parse_external_ids(first.get("external_ids", ""), f"/rows/{first_n}/external_ids", errors)
    auths = _parse_authorizations(first.get("authorizations", ""), f"/rows/{first_n}/authorizations", errors)
    idents = []
    for n, row in rows:
        if row.get("identifier"):
            idents.append(_identifier(n, row, errors))
    for err in text_errors(doc) + schema_errors(doc, ISSUER_CREATE):
        column = {"id": "issuer_id", "status": "issuer_status", "status_reason": "issuer_status_reason"}.get(
            err.pointer.lstrip("/").split("/")[0], err.pointer.lstrip("/").split("/")[0])
        errors.append(FieldError(f"/rows/{first_n}/{column}", err.detail))
    if errors:
        raise InvalidInput(errors)
    issuer = Issuer(id=doc["id"], registry=doc["registry"], name=doc["name"],
                    **{k: doc.get(k) for k in ("legal_name", "homepage", "logo_url", "country", "location", "sector",
                                               "accreditor", "notes", "status_reason")},
                    status=doc.get("status", "active"), external_ids=doc["external_ids"],
                    identifiers=tuple(i for i, _ in idents), authorizations=tuple(auths))
    try:
        check_issuer(issuer)
    except InvalidInput as exc:
        raise InvalidInput([FieldError(_row_pointer(e.pointer, idents, first_n), e.detail) for e in exc.errors]) from exc
    return issuer


def _identifier(n: int, row: dict, errors: list[FieldError]) -> tuple[Identifier, int]:
    times = {}
    for col in ("valid_from", "valid_until"):
        if row.get(col):
            try:
                times[col] = parse_dt(row[col], f"/rows/{n}/{col}")
            except InvalidInput as exc:
                errors.extend(exc.errors)
    value = row["identifier"]
    if len(value) > 4096:  # its syntax (DID or http(s) URL) is checked with the issuer, once
        errors.append(FieldError(f"/rows/{n}/identifier", "identifier must be at most 4096 characters"))
    return Identifier(value=value, match=row.get("match") or "exact",
                      verification_methods=tuple(row.get("verification_methods", "").split()),
                      status=row.get("identifier_status") or "active",
                      status_reason=row.get("identifier_status_reason") or None, **times), n


def _row_pointer(ptr: str, idents: list[tuple[Identifier, int]], first_n: int) -> str:
    parts = ptr.strip("/").split("/")
    if parts[0] == "identifiers" and len(parts) >= 3:
        column = {"value": "identifier", "status": "identifier_status"}.get(parts[2], parts[2])
        return f"/rows/{idents[int(parts[1])][1]}/{column}"
    if parts[0] == "authorizations":
        return f"/rows/{first_n}/authorizations"
    return f"/rows/{first_n}/{ {'status': 'issuer_status'}.get(parts[0], parts[0]) }"


def _parse_external_ids(cell: str, ptr: str, errors: list[FieldError]) -> dict:
    if not cell:
        return {}
    if cell.startswith("{"):
        try:
            value = json.loads(cell)
        except ValueError:
            value = None
        if not isinstance(value, dict):
            errors.append(FieldError(ptr, "not a JSON object"))
            return {}
        return value
    out = {}
    for pair in cell.split():
        scheme, eq, ident = pair.partition("=")
        if not eq or not scheme or not ident:
            errors.append(FieldError(ptr, f"expected scheme=value, got {pair[:100]!r}"))
            continue
        out[scheme] = ident
    return out


def _parse_authorizations(cell: str, ptr: str, errors: list[FieldError]) -> list[Authorization]:
    out = []
    for item in cell.split():
        ctype, at, window = item.partition("@")
        start, slash, end = window.partition("/")
        if not ctype or (at and not slash):
            errors.append(FieldError(ptr, f"expected Type or Type@FROM/UNTIL, got {item[:100]!r}"))
            continue
        try:
            out.append(Authorization(credential_type=None if ctype == "*" else ctype,
                                     valid_from=parse_dt(start, ptr) if start else None,
                                     valid_until=parse_dt(end, ptr) if end else None))
        except InvalidInput as exc:
            errors.extend(exc.errors)
    return out


def _external_ids_cell(ids) -> str:
    if any(any(c.isspace() for c in str(k) + str(v)) or "=" in str(k) for k, v in ids.items()):
        return json.dumps(dict(ids), sort_keys=True, ensure_ascii=False)
    return " ".join(f"{k}={v}" for k, v in sorted(ids.items()))


def _authorization_cell(a: Authorization) -> str:
    ctype = a.credential_type or "*"
    if a.valid_from is None and a.valid_until is None:
        return ctype
    return f"{ctype}@{format_dt(a.valid_from) or ''}/{format_dt(a.valid_until) or ''}"
