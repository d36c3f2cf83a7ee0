"""Request helpers shared by the admin and TRQP routes: bounded body reading, JSON + schema
validation, query parameters, If-Match, bearer tokens."""

from __future__ import annotations

import json
import re

from aiohttp import web

from trust_registry.admin.problems import ProblemError
from trust_registry.errors import FieldError, InvalidInput, NotFound
from trust_registry.schemas import IDENTIFIER_ID, ISSUER_ID, REGISTRY_NAME, bad_text, validate

# Path parameters: a key that breaks its pattern cannot exist, so it is a 404 before any query.
_PATH_KEYS = {"issuer_id": ("issuer", ISSUER_ID["pattern"]), "identifier_id": ("identifier", IDENTIFIER_ID["pattern"]),
              "name": ("registry", REGISTRY_NAME["pattern"])}

_ETAG = re.compile(r'\s*(W/)?"([^"]*)"\s*')


async def read_body(request: web.Request, max_bytes: int) -> bytes:
    """Read the request body, refusing more than ``max_bytes`` (our own cap, whatever the root app's).

    :raises ProblemError: 413 when the declared or actual size is over the cap; 400 when the body cannot
        be read (e.g. a ``Content-Encoding`` it does not decode under).
    """
    too_large = ProblemError(413, f"the request body is larger than {max_bytes} bytes")
    if request.content_length is not None and request.content_length > max_bytes:
        raise too_large
    chunks, size = [], 0
    while True:
        try:
            chunk = await request.content.read(65536)
        except web.RequestPayloadError as exc:
            raise ProblemError(400, "the request body could not be read: it does not decode under its "
                                    "Content-Encoding") from exc
        if not chunk:
            break
        size += len(chunk)
        if size > max_bytes:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


async def read_json(request: web.Request, schema: dict, max_bytes: int, *, allow_empty: bool = False):
    """Read, decode and validate a JSON body.

    :param allow_empty: an empty body reads as ``{}``.
    :returns: the validated document.
    :raises ProblemError: 413 too large, 415 not JSON media type, 400 not JSON.
    :raises InvalidInput: schema violations (-> 422 naming each field).
    """
    raw = await read_body(request, max_bytes)
    if not raw.strip() and allow_empty:
        return {}
    media = request.content_type.lower()
    if media != "application/json" and not media.endswith("+json"):
        raise ProblemError(415, f"send JSON with Content-Type: application/json (got {media or 'none'!r})",
                           errors=[FieldError("Content-Type", "expected application/json", "header")])
    try:
        data = json.loads(raw.decode("utf-8"))
        # Only a \uD800-\uDFFF escape can smuggle a surrogate into a string; check the result then.
        if re.search(rb"\\u[dD][89a-fA-F]", raw):
            json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ProblemError(400, "the body holds a string with an unpaired surrogate escape (\\uD800-\\uDFFF), "
                                "which is not Unicode text (RFC 8259 §8.2)",
                           errors=[FieldError("", "unpaired surrogate")]) from exc
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ProblemError(400, f"the body is not valid UTF-8 JSON: {str(exc)[:200]}",
                           errors=[FieldError("", "not valid JSON")]) from exc
    validate(data, schema)
    return data


def path_key(request: web.Request, name: str) -> str:
    """A path parameter (``issuer_id``, ``identifier_id`` or registry ``name``).

    :raises NotFound: (-> 404 naming the parameter) it breaks the pattern every stored key follows.
    """
    value = request.match_info[name]
    entity, pattern = _PATH_KEYS[name]
    if not re.fullmatch(pattern, value):
        raise NotFound(entity, value[:200])
    return value


def query_int(request: web.Request, name: str, default: int, *, minimum: int, maximum: int) -> int:
    """An integer query parameter in ``minimum..maximum`` (decimal digits, optional sign; no spaces).

    :raises InvalidInput: (-> 400 naming the parameter) not an integer, or out of range.
    """
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    # The length cap keeps int() cheap (and under Python's digit limit); longer numbers are out of range.
    if not re.fullmatch(r"[+-]?[0-9]{1,30}", raw) or not minimum <= int(raw) <= maximum:
        raise InvalidInput(FieldError(name, f"{name} must be an integer from {minimum} to {maximum}", "query"))
    return int(raw)


def query_choice(request: web.Request, name: str, choices, default: str | None) -> str | None:
    """:raises InvalidInput: (-> 400) the parameter is not one of ``choices``."""
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    if raw not in choices:
        raise InvalidInput(FieldError(name, f"{name} must be one of {', '.join(choices)}", "query"))
    return raw


def query_text(request: web.Request, name: str, *, max_len: int = 500) -> str | None:
    """:raises InvalidInput: (-> 400) longer than ``max_len`` or containing a NUL."""
    raw = request.query.get(name)
    if raw is None or raw == "":
        return None
    if len(raw) > max_len or bad_text(raw):
        raise InvalidInput(FieldError(name, f"{name} must be at most {max_len} characters of valid text", "query"))
    return raw


def if_match(request: web.Request, *, required: bool) -> int | frozenset | None:
    """The revisions an ``If-Match`` header accepts (RFC 9110 §13.1.1; strong comparison).

    :returns: None for ``*`` or (when not required) no header; otherwise the set of revisions named
        (weak or malformed tags match nothing).
    :raises ProblemError: 428 when required and absent.
    """
    header = request.headers.get("If-Match")
    if header is None:
        if required:
            raise ProblemError(428, "send If-Match with the ETag you last read (or *)",
                               errors=[FieldError("If-Match", "required for this change", "header")])
        return None
    if header.strip() == "*":
        return None
    revisions = set()
    for part in header.split(","):
        m = _ETAG.fullmatch(part)
        if m and not m.group(1) and m.group(2).isdigit() and len(m.group(2)) < 19:
            revisions.add(int(m.group(2)))
    return frozenset(revisions)


def bearer_token(request: web.Request) -> str | None:
    """:returns: the token of ``Authorization: Bearer <token>`` (RFC 6750 §2.1), or None."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()
