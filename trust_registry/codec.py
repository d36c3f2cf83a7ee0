"""JSON <-> model conversion and RFC 3339 times.

Input is assumed to have passed the JSON Schemas of :mod:`trust_registry.schemas` (types and
shapes); this module parses times and applies the semantic rules of :mod:`trust_registry.model`,
raising :class:`InvalidInput` with a JSON pointer per bad field.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from trust_registry.errors import FieldError, InvalidInput
from trust_registry.model import (DEFAULT_REGISTRY, ISSUER_FIELDS, Authorization, Identifier, Issuer, Registry,
                                  issuer_problems, registry_problems)

_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def format_dt(value: datetime | None) -> str | None:
    """:returns: RFC 3339 UTC with ``Z`` (microseconds only when non-zero), or None."""
    if value is None:
        return None
    text = value.astimezone(timezone.utc).replace(tzinfo=None).isoformat()
    return text + "Z"


def parse_dt(text: str, pointer: str) -> datetime:
    """Parse an RFC 3339 date-time with an offset (RFC 3339 §5.6) into UTC.

    :param pointer: JSON pointer named in the error.
    :raises InvalidInput: not RFC 3339, no offset, or out of range.
    """
    if not isinstance(text, str) or not _RFC3339.match(text):
        raise InvalidInput(FieldError(pointer, "expected an RFC 3339 date-time with offset, "
                                               "e.g. 2026-01-31T00:00:00Z"))
    head, frac, tail = text, "", ""
    m = re.match(r"^(.{19})(\.\d+)?(.*)$", text)
    if m:
        head, frac, tail = m.group(1), (m.group(2) or "")[:7], m.group(3)
    tail = "+00:00" if tail in ("Z", "z") else tail
    try:
        return datetime.fromisoformat(head.replace("t", "T") + frac + tail).astimezone(timezone.utc)
    except (ValueError, OverflowError) as exc:
        raise InvalidInput(FieldError(pointer, f"not a valid date-time: {text!r}")) from exc


def registry_to_json(registry: Registry, *, revision: bool = True) -> dict:
    """:returns: the registry as JSON-ready data."""
    data = {"name": registry.name, "priority": registry.priority, "description": registry.description,
            "authority_id": registry.authority_id, "created_at": format_dt(registry.created_at),
            "updated_at": format_dt(registry.updated_at)}
    if revision:
        data["revision"] = registry.revision
    return data


def authorization_to_json(auth: Authorization) -> dict:
    """:returns: ``{"credential_type": str|None, "valid_from": str|None, "valid_until": str|None}``."""
    return {"credential_type": auth.credential_type, "valid_from": format_dt(auth.valid_from),
            "valid_until": format_dt(auth.valid_until)}


def identifier_to_json(ident: Identifier, *, revision: bool = True) -> dict:
    """:returns: the identifier as JSON-ready data (``revision`` omitted when False)."""
    data = {"id": ident.id, "issuer_id": ident.issuer_id, "value": ident.value, "match": ident.match,
            "verification_methods": list(ident.verification_methods),
            "valid_from": format_dt(ident.valid_from), "valid_until": format_dt(ident.valid_until),
            "status": ident.status, "status_reason": ident.status_reason,
            "created_at": format_dt(ident.created_at), "updated_at": format_dt(ident.updated_at)}
    if revision:
        data["revision"] = ident.revision
    return data


def issuer_to_json(issuer: Issuer, *, revision: bool = True) -> dict:
    """:returns: the issuer with its identifiers and authorisations as JSON-ready data."""
    data: dict[str, Any] = {"id": issuer.id, "registry": issuer.registry}
    for name in ISSUER_FIELDS:
        value = getattr(issuer, name)
        data[name] = dict(value) if name == "external_ids" else value
    data["identifiers"] = [identifier_to_json(i, revision=revision) for i in issuer.identifiers]
    data["authorizations"] = [authorization_to_json(a) for a in issuer.authorizations]
    data["created_at"] = format_dt(issuer.created_at)
    data["updated_at"] = format_dt(issuer.updated_at)
    if revision:
        data["revision"] = issuer.revision
    return data


def registry_from_json(data: dict, pointer: str = "", *, keep_meta: bool = False) -> Registry:
    """:raises InvalidInput: a bad time or ``authority_id``."""
    errors: list[FieldError] = []
    times = _times(data, pointer, ("created_at", "updated_at") if keep_meta else (), errors)
    _raise(errors)
    registry = Registry(name=data["name"], priority=whole(data.get("priority", 100)),
                        description=data.get("description"), authority_id=data.get("authority_id"), **times)
    check_registry(registry, pointer)
    return registry


def whole(value):
    """:returns: an integral JSON number as an ``int`` (JSON Schema counts ``1.0`` as an integer), else ``value``."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def authorization_from_json(data: dict, pointer: str, errors: list[FieldError]) -> Authorization:
    """Parse one authorisation, appending bad fields to ``errors``."""
    times = _times(data, pointer, ("valid_from", "valid_until"), errors)
    return Authorization(credential_type=data.get("credential_type"), **times)


def identifier_from_json(data: dict, pointer: str = "", *, keep_meta: bool = False,
                         errors: list[FieldError] | None = None) -> Identifier:
    """Parse an identifier object.

    :param keep_meta: keep ``id``, ``created_at`` and ``updated_at`` (imports of our own format).
    :raises InvalidInput: when ``errors`` is None and a field is bad.
    """
    own = errors is None
    errors = [] if errors is None else errors
    names = ("valid_from", "valid_until") + (("created_at", "updated_at") if keep_meta else ())
    times = _times(data, pointer, names, errors)
    ident = Identifier(value=data["value"], id=data.get("id") if keep_meta else None,
                       match=data.get("match", "exact"),
                       verification_methods=tuple(data.get("verification_methods") or ()),
                       status=data.get("status", "active"), status_reason=data.get("status_reason"), **times)
    if own:
        _raise(errors)
    return ident


def issuer_from_json(data: dict, pointer: str = "", *, keep_meta: bool = False,
                     default_registry: str = DEFAULT_REGISTRY) -> Issuer:
    """Parse an issuer document with its identifiers and authorisations and check its rules.

    :param keep_meta: keep identifier ids and ``created_at``/``updated_at`` (imports of our format).
    :raises InvalidInput: every bad field, each with its pointer.
    """
    errors: list[FieldError] = []
    times = _times(data, pointer, ("created_at", "updated_at") if keep_meta else (), errors)
    idents = tuple(identifier_from_json(d, f"{pointer}/identifiers/{i}", keep_meta=keep_meta, errors=errors)
                   for i, d in enumerate(data.get("identifiers") or ()))
    auths = tuple(authorization_from_json(d, f"{pointer}/authorizations/{i}", errors)
                  for i, d in enumerate(data.get("authorizations") or ()))
    _raise(errors)
    fields = {name: data.get(name) for name in ISSUER_FIELDS if name in data}
    fields["external_ids"] = dict(data.get("external_ids") or {})
    fields.setdefault("status", "active")
    issuer = Issuer(id=data.get("id"), registry=data.get("registry") or default_registry, identifiers=idents,
                    authorizations=auths, **fields, **times)
    check_issuer(issuer, pointer)
    return issuer


def issuer_changes_from_json(data: dict, pointer: str = "") -> dict:
    """The fields a PATCH body changes, parsed (``authorizations`` as a tuple of :class:`Authorization`).

    :raises InvalidInput: a bad time in an authorisation.
    """
    errors: list[FieldError] = []
    changes = {name: data[name] for name in ISSUER_FIELDS if name in data}
    if "external_ids" in changes:
        changes["external_ids"] = dict(changes["external_ids"] or {})
    if "authorizations" in data:
        changes["authorizations"] = tuple(authorization_from_json(d, f"{pointer}/authorizations/{i}", errors)
                                          for i, d in enumerate(data["authorizations"] or ()))
    _raise(errors)
    return changes


def identifier_changes_from_json(data: dict, pointer: str = "") -> dict:
    """The fields an identifier PATCH body changes, parsed.

    :raises InvalidInput: a bad time.
    """
    errors: list[FieldError] = []
    changes = {k: data[k] for k in ("value", "match", "status", "status_reason") if k in data}
    if "verification_methods" in data:
        changes["verification_methods"] = tuple(data["verification_methods"] or ())
    changes.update(_times(data, pointer, ("valid_from", "valid_until"), errors))
    _raise(errors)
    return changes


def check_issuer(issuer: Issuer, pointer: str = "", *, check_syntax: bool = True) -> None:
    """:raises InvalidInput: the semantic problems of :func:`trust_registry.model.issuer_problems`."""
    _raise([FieldError(p, d) for p, d in issuer_problems(issuer, pointer, check_syntax=check_syntax)])


def check_registry(registry: Registry, pointer: str = "") -> None:
    """:raises InvalidInput: the problems of :func:`trust_registry.model.registry_problems`."""
    _raise([FieldError(p, d) for p, d in registry_problems(registry, pointer)])


def _times(data: dict, pointer: str, names, errors: list[FieldError]) -> dict:
    out = {}
    for name in names:
        if name in data:
            value = data[name]
            if value is None:
                out[name] = None
                continue
            try:
                out[name] = parse_dt(value, f"{pointer}/{name}")
            except InvalidInput as exc:
                errors.extend(exc.errors)
    return out


def _raise(errors: list[FieldError]) -> None:
    if errors:
        raise InvalidInput(errors)
