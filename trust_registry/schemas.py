"""JSON Schemas (draft 2020-12) of the admin API bodies and import documents, and their validation
into :class:`FieldError` lists with JSON pointers (RFC 6901), ready for RFC 9457 ``errors``.

Messages are ours, never the validator's (those quote the whole offending value).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, FormatChecker

from trust_registry.codec import parse_dt
from trust_registry.errors import FieldError, InvalidInput
from trust_registry.model import MATCHES, PRIORITY_RANGE, STATUSES

MAX_DEPTH = 32
FORMATS = FormatChecker(formats=())


@FORMATS.checks("date-time", raises=(InvalidInput,))
def _is_datetime(value) -> bool:
    if isinstance(value, str):
        parse_dt(value, "")
    return True


@FORMATS.checks("http-url")
def _is_http_url(value) -> bool:
    if not isinstance(value, str):
        return True
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not any(c.isspace() for c in value)


def _opt(max_len: int) -> dict:
    return {"type": ["string", "null"], "maxLength": max_len}


DATETIME = {"type": ["string", "null"], "format": "date-time"}
URL = {"type": ["string", "null"], "maxLength": 2048, "format": "http-url"}
ISSUER_ID = {"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$"}
IDENTIFIER_ID = {"type": "string", "pattern": r"^[A-Za-z0-9._:-]{1,64}$"}
REGISTRY_NAME = {"type": "string", "pattern": r"^[a-z0-9][a-z0-9._-]{0,63}$"}
IDENTIFIER_VALUE = {"type": "string", "minLength": 1, "maxLength": 4096, "pattern": r"^\S+$"}
STATUS = {"enum": list(STATUSES)}
AUTHORIZATION = {
    "type": "object", "additionalProperties": False,
    "properties": {"credential_type": {"type": ["string", "null"], "minLength": 1, "maxLength": 512,
                                       "pattern": r"^\S+$"},
                   "valid_from": DATETIME, "valid_until": DATETIME},
}
_IDENTIFIER_PROPS = {
    "value": IDENTIFIER_VALUE,
    "match": {"enum": list(MATCHES)},
    "verification_methods": {"type": ["array", "null"], "maxItems": 50, "uniqueItems": True,
                             "items": {"type": "string", "minLength": 1, "maxLength": 4096, "pattern": r"^\S+$"}},
    "valid_from": DATETIME, "valid_until": DATETIME, "status": STATUS, "status_reason": _opt(2000),
}
IDENTIFIER_CREATE = {"type": "object", "additionalProperties": False, "required": ["value"],
                     "properties": _IDENTIFIER_PROPS}
IDENTIFIER_PATCH = {"type": "object", "additionalProperties": False, "minProperties": 1,
                    "properties": _IDENTIFIER_PROPS}
_ISSUER_PROPS = {
    "name": {"type": "string", "minLength": 1, "maxLength": 500},
    "legal_name": _opt(500), "homepage": URL, "logo_url": URL, "country": _opt(100), "location": _opt(500),
    "sector": _opt(100),
    "external_ids": {"type": ["object", "null"], "maxProperties": 50,
                     "propertyNames": {"pattern": r"^[a-z0-9][a-z0-9_.-]{0,31}$"},
                     "additionalProperties": {"type": "string", "minLength": 1, "maxLength": 500}},
    "accreditor": _opt(500), "notes": _opt(10000), "status": STATUS, "status_reason": _opt(2000),
    "authorizations": {"type": ["array", "null"], "maxItems": 100, "items": AUTHORIZATION},
}
ISSUER_CREATE = {"type": "object", "additionalProperties": False, "required": ["name"],
                 "properties": {**_ISSUER_PROPS, "id": ISSUER_ID, "registry": REGISTRY_NAME,
                                "identifiers": {"type": "array", "maxItems": 100, "items": IDENTIFIER_CREATE}}}
ISSUER_PATCH = {"type": "object", "additionalProperties": False, "minProperties": 1, "properties": _ISSUER_PROPS}
STATUS_BODY = {"type": "object", "additionalProperties": False, "properties": {"reason": _opt(2000)}}
_REGISTRY_PROPS = {"priority": {"type": "integer", "minimum": PRIORITY_RANGE[0], "maximum": PRIORITY_RANGE[1]},
                   "description": _opt(2000), "authority_id": _opt(2048)}
REGISTRY_CREATE = {"type": "object", "additionalProperties": False, "required": ["name"],
                   "properties": {"name": REGISTRY_NAME, **_REGISTRY_PROPS}}
REGISTRY_PATCH = {"type": "object", "additionalProperties": False, "minProperties": 1, "properties": _REGISTRY_PROPS}

EXPORT_FORMAT = "ler-verifier-trust-registry"
_META = {"created_at": DATETIME, "updated_at": DATETIME}
EXPORT_DOCUMENT = {
    "type": "object", "additionalProperties": False, "required": ["format", "format_version", "issuers"],
    "properties": {
        "format": {"const": EXPORT_FORMAT}, "format_version": {"const": 1},
        "registries": {"type": "array", "items": {
            "type": "object", "additionalProperties": False, "required": ["name"],
            "properties": {"name": REGISTRY_NAME, **_REGISTRY_PROPS, **_META}}},
        "issuers": {"type": "array", "items": {
            "type": "object", "additionalProperties": False, "required": ["id", "name"],
            "properties": {**_ISSUER_PROPS, **_META, "id": ISSUER_ID, "registry": REGISTRY_NAME,
                           "identifiers": {"type": "array", "maxItems": 100, "items": {
                               "type": "object", "additionalProperties": False, "required": ["value"],
                               "properties": {**_IDENTIFIER_PROPS, **_META,
                                              "id": {**IDENTIFIER_ID, "type": ["string", "null"]}}}}}}},
    },
}
DCC_LEGACY_DOCUMENT = {
    "type": "object", "required": ["registry"],
    "properties": {
        "meta": {"type": "object"},
        "registry": {"type": "object", "maxProperties": 100_000, "propertyNames": IDENTIFIER_VALUE,
                     "additionalProperties": {
                         "type": "object", "required": ["name"],
                         "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 500},
                                        "location": _opt(500), "url": {"type": ["string", "null"], "maxLength": 2048}}}},
    },
}
TRQP_AUTHORIZATION = {
    "type": "object", "required": ["entity_id", "authority_id", "action", "resource"],
    "properties": {
        "entity_id": {"type": "string", "minLength": 1, "maxLength": 4096},
        "authority_id": {"type": "string", "minLength": 1, "maxLength": 2048},
        "action": {"type": "string", "minLength": 1, "maxLength": 200},
        "resource": {"type": "string", "minLength": 1, "maxLength": 512},
        "context": {"type": "object", "maxProperties": 50,
                    "properties": {"time": {"type": "string", "format": "date-time"}},
                    "additionalProperties": {"type": "string", "maxLength": 2000}},
    },
}

_VALIDATORS: dict[int, Draft202012Validator] = {}


def validate(instance, schema: dict) -> None:
    """Check ``instance`` against ``schema`` and against unstorable text (NUL, lone surrogates).

    :raises InvalidInput: one :class:`FieldError` per bad field, in document order.
    """
    errors = text_errors(instance)
    if not errors:
        errors = schema_errors(instance, schema)
    if errors:
        raise InvalidInput(errors)


def schema_errors(instance, schema: dict) -> list[FieldError]:
    """:returns: the schema violations of ``instance`` as field errors (pointer, our sentence)."""
    validator = _VALIDATORS.get(id(schema))
    if validator is None:
        validator = _VALIDATORS[id(schema)] = Draft202012Validator(schema, format_checker=FORMATS)
    out: list[FieldError] = []
    for err in sorted(validator.iter_errors(instance), key=lambda e: [str(p) for p in e.absolute_path]):
        path = list(err.absolute_path)
        if err.validator == "required":
            # jsonschema reports each missing property as its own error, each carrying the whole list.
            for name in err.validator_value:
                if isinstance(err.instance, dict) and name not in err.instance:
                    out.append(FieldError(pointer(path + [name]), f"{name!r} is required"))
        elif err.validator == "additionalProperties" and isinstance(err.instance, dict):
            known = set(err.schema.get("properties", {}))
            for name in err.instance:
                if name not in known:
                    out.append(FieldError(pointer(path + [name]), f"unknown field {name!r}"))
        elif "propertyNames" in err.schema_path and isinstance(err.instance, str):
            out.append(FieldError(pointer(path + [err.instance]), f"field name {err.instance[:100]!r} is not allowed "
                                                                  f"here ({_sentence(err)})"))
        else:
            out.append(FieldError(pointer(path), _sentence(err)))
    return list(dict.fromkeys(out))  # each problem once (one missing property is one problem)


def text_errors(instance) -> list[FieldError]:
    """Strings a database cannot store, and nesting beyond :data:`MAX_DEPTH` (iterative walk).

    :returns: field errors for NUL characters, unpaired surrogates and too-deep nesting.
    """
    out: list[FieldError] = []
    stack = [(instance, [], 0)]
    while stack and len(out) < 50:
        value, path, depth = stack.pop()
        if isinstance(value, str):
            bad = bad_text(value)
            if bad:
                out.append(FieldError(pointer(path), bad))
        elif isinstance(value, (dict, list)):
            if depth >= MAX_DEPTH:
                out.append(FieldError(pointer(path), f"nested more than {MAX_DEPTH} levels deep"))
                continue
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, child in items:
                if isinstance(key, str):
                    bad = bad_text(key)
                    if bad:
                        out.append(FieldError(pointer(path + [key]), f"field name: {bad}"))
                        continue
                stack.append((child, path + [key], depth + 1))
    return sorted(out, key=lambda e: e.pointer)


def pointer(path) -> str:
    """:returns: the RFC 6901 JSON pointer of a path of keys and indexes."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def bad_text(text: str) -> str | None:
    """:returns: why ``text`` cannot be stored (NUL, unpaired surrogate), or None."""
    if "\x00" in text:
        return "contains a NUL character"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "contains invalid Unicode (an unpaired surrogate)"
    return None


def _types(value) -> str:
    names = value if isinstance(value, list) else [value]
    return " or ".join("an integer" if n == "integer" else ("null" if n == "null" else f"a{'n' if n[0] in 'aeiou' else ''} {n}")
                       for n in names)


def _sentence(err) -> str:
    v, value = err.validator, err.validator_value
    if v == "type":
        return f"expected {_types(value)}"
    if v == "maxLength":
        return f"longer than {value} characters"
    if v == "minLength":
        return "must not be empty" if value == 1 else f"shorter than {value} characters"
    if v == "pattern":
        return "has a character or form that is not allowed here (e.g. spaces)" if value == r"^\S+$" else \
            f"does not match {value}"
    if v == "enum":
        return "must be one of " + ", ".join(str(x) for x in value)
    if v == "const":
        return f"must be {value!r}"
    if v == "format":
        return {"date-time": "expected an RFC 3339 date-time with offset, e.g. 2026-01-31T00:00:00Z",
                "http-url": "expected an http(s) URL"}.get(value, f"not a valid {value}")
    if v in ("minimum", "maximum"):
        return f"must be {'at least' if v == 'minimum' else 'at most'} {value}"
    if v in ("maxItems", "maxProperties"):
        return f"more than {value} {'items' if v == 'maxItems' else 'fields'}"
    if v == "minProperties":
        return "must name at least one field"
    if v == "uniqueItems":
        return "has duplicate items"
    return f"is not valid ({v})"
