"""Reading request bodies within limits and turning VC-API bodies into :class:`VerifyRequest` values.

W3C VCALM "Verify Credential" (``{verifiableCredential, options}``) and "Verify Presentation"
(``{verifiablePresentation | presentation, options: {challenge, domain}}``). Options we know:
``checks`` (the checks that must pass), ``challenge``, ``domain``, and our ``requireTrustedIssuer``,
``holderBinding`` (``required`` | ``warn`` | ``off``) and ``recipient`` (``{type, value}``);
any other is refused with ``UNKNOWN_OPTION_PROVIDED``. Every refusal names the field by JSON pointer.
"""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import ContentEncodingError, HttpProcessingError

from verifier import constants as C
from verifier.errors import InputError
from verifier.jsontext import loads_limited
from verifier.options import HOLDER_BINDING_MODES, RECIPIENT_TYPES, Recipient, VerifyOptions
from verifier.service.problems import FieldProblem, ProblemError
from workers.verification import VerifyRequest, now_utc
from verifier.settings import Settings

_COMPACT_JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")
KNOWN_OPTIONS = ("checks", "challenge", "domain", "requireTrustedIssuer")
#: issue 11: boolean options -> :class:`VerifyOptions` field.
FLAG_OPTIONS = {"requireSchema": "require_schema", "requireEndorsements": "require_endorsements"}
KNOWN_OPTIONS = KNOWN_OPTIONS + tuple(FLAG_OPTIONS)
#: issue 11, presentations: the holder-binding policy and the expected recipient.
KNOWN_OPTIONS = KNOWN_OPTIONS + ("holderBinding", "recipient")
_WRAPPER_BYTES = 64 * 1024  # room for the request wrapper and options around the document


#: content codings aiohttp decodes before the body reaches us, with its decoded-size bound per read
#: (``br`` through ``Brotli``, ``zstd`` through ``backports.zstd``: both are dependencies, so aiohttp never
#: answers a plain-text 400 for them). Any other coding would reach us still encoded: 415.
DECODED_CODINGS = frozenset({"gzip", "deflate", "br", "zstd"})
ACCEPT_ENCODING = "gzip, deflate, br, zstd"


def check_content_coding(request: web.Request) -> None:
    """Refuse a ``Content-Encoding`` the body would reach us still encoded in (RFC 9110 §15.5.16).

    aiohttp decodes exactly one coding named alone (case-insensitive); ``identity`` is no coding.

    :raises ProblemError: 415 with ``Accept-Encoding`` naming the codings accepted.
    """
    values = request.headers.getall("Content-Encoding", [])
    coding = ",".join(values).strip().lower()
    if coding in ("", "identity") or (len(values) == 1 and coding in DECODED_CODINGS):
        return
    raise ProblemError(415, f"Content-Encoding {', '.join(values)!r} is not supported; send the body "
                       f"uncompressed or with one of: {ACCEPT_ENCODING}",
                       errors=[FieldProblem("Content-Encoding", "unsupported content coding")],
                       headers={"Accept-Encoding": ACCEPT_ENCODING})


def unreadable_body(request: web.Request, exc: web.RequestPayloadError) -> ProblemError:
    """The 400 for a body aiohttp could not deliver: a corrupt or truncated compressed body, a broken
    chunked encoding, or fewer bytes than ``Content-Length`` declared.

    The rest of such a body cannot be read, so the request's stream is ended here (its lingering
    drain after the answer would only raise the same error again, logged as unhandled) and the
    connection is closed after the answer.
    """
    request.content.feed_eof()
    cause = exc.__cause__
    if isinstance(cause, ContentEncodingError):
        coding = request.headers.get("Content-Encoding", "").strip()
        detail = (f"the request body cannot be decoded as Content-Encoding: {coding}: it is not {coding} "
                  "data, or it is corrupt or truncated")
        return ProblemError(400, detail, errors=[FieldProblem("Content-Encoding", f"the body is not valid {coding}")],
                            close=True)
    reason = cause.message if isinstance(cause, HttpProcessingError) and cause.message else type(cause or exc).__name__
    return ProblemError(400, f"the request body could not be read: {reason}",
                        errors=[FieldProblem("", "unreadable body")], close=True)


async def read_body(request: web.Request, max_bytes: int) -> bytes:
    """The request body (decoded from its ``Content-Encoding``), within ``max_bytes``.

    :raises ProblemError: 413 beyond ``max_bytes`` (declared size, or decoded bytes: a compression bomb
        stops at the cap), 415 an unsupported content coding, 400 a body that cannot be read or decoded.
    """
    check_content_coding(request)
    too_large = ProblemError(413, f"the request body is larger than the limit of {max_bytes} bytes",
                             errors=[FieldProblem("", f"larger than {max_bytes} bytes")])
    if request.content_length is not None and request.content_length > max_bytes:
        raise too_large
    chunks, size = [], 0
    try:
        async for chunk in request.content.iter_chunked(65536):
            size += len(chunk)
            if size > max_bytes:
                raise too_large
            chunks.append(chunk)
    except web.RequestPayloadError as exc:
        raise unreadable_body(request, exc) from exc
    return b"".join(chunks)


async def read_json(request: web.Request, settings: Settings, *, max_bytes: int | None = None) -> Any:
    """Read and decode a JSON body within the body-size and nesting limits (``max_bytes`` overrides the size).

    :raises ProblemError: 415 not a JSON media type or an unsupported content coding, 413 too large,
        400 unreadable, not JSON or too deep.
    """
    media = request.content_type.lower()
    if request.body_exists and media not in ("application/json", "application/octet-stream") \
            and not media.endswith("+json"):
        raise ProblemError(415, f"send JSON with Content-Type: application/json (got {media!r})",
                           errors=[FieldProblem("Content-Type", "expected application/json")])
    limit = max_bytes or settings.max_body_bytes + _WRAPPER_BYTES
    depth = settings.max_json_depth + 4
    # Say where the limits come from: the settings are the credential's; the request around it adds some.
    note = (f" (LER_MAX_BODY_BYTES={settings.max_body_bytes} for the document, plus {_WRAPPER_BYTES} bytes and 4 "
            f"levels for the request around it; LER_MAX_JSON_DEPTH={settings.max_json_depth})") if not max_bytes else ""
    try:
        raw = await read_body(request, limit)
    except ProblemError as err:
        if err.status == 413:
            err.detail += note
        raise
    if not raw.strip():
        raise ProblemError(400, "the request body is empty; send a JSON object", errors=[FieldProblem("", "empty")])
    try:
        return loads_limited(raw, max_bytes=limit, max_depth=depth, what="the request body")
    except InputError as exc:
        detail = exc.detail + (note if "the limit is" in exc.detail else "")
        coding = request.headers.get("Content-Encoding", "").strip()
        if coding and coding.lower() != "identity":  # a truncated gzip body decodes to cut-off JSON
            detail += f" (as decoded from Content-Encoding: {coding}; is the compressed body complete?)"
        raise ProblemError(400, detail, code=C.PROBLEM_PARSING_ERROR, errors=[FieldProblem("", exc.detail)]) from exc


def _options(raw: Any, settings: Settings, kind: str) -> VerifyOptions:
    base = VerifyOptions(now=now_utc(), limits=settings.limits(), max_clock_skew_s=settings.max_clock_skew_s,
                         require_trusted_issuer=settings.require_trusted_issuer)
    if raw is None:
        return base
    if not isinstance(raw, dict):
        raise ProblemError(400, "options must be a JSON object", errors=[FieldProblem("/options", "not an object")])
    unknown = [k for k in raw if k not in KNOWN_OPTIONS]
    if unknown:
        raise ProblemError(400, f"unknown option {unknown[0]!r}; this verifier knows {', '.join(KNOWN_OPTIONS)}",
                           code=C.PROBLEM_UNKNOWN_OPTION_PROVIDED,
                           errors=[FieldProblem(f"/options/{_escape(k)}", "unknown option") for k in unknown])
    errors: list[FieldProblem] = []
    changes: dict[str, Any] = {}
    checks = raw.get("checks")
    if checks is not None:
        if not isinstance(checks, list) or not all(isinstance(c, str) for c in checks):
            errors.append(FieldProblem("/options/checks", "checks must be a list of check ids"))
        else:
            for i, c in enumerate(checks):
                if c not in C.CHECK_IDS:
                    errors.append(FieldProblem(f"/options/checks/{i}",
                                               f"unknown check {c!r}; known: {', '.join(C.CHECK_IDS)}"))
            if checks:
                changes["checks"] = tuple(dict.fromkeys(checks))
    for name in ("challenge", "domain"):
        value = raw.get(name)
        if value is not None and not (isinstance(value, str) and 0 < len(value) <= 1024):
            errors.append(FieldProblem(f"/options/{name}", f"{name} must be a string of 1 to 1024 characters"))
        elif value is not None:
            changes[name] = value
    trusted = raw.get("requireTrustedIssuer")
    if trusted is not None:
        if not isinstance(trusted, bool):
            errors.append(FieldProblem("/options/requireTrustedIssuer", "requireTrustedIssuer must be true or false"))
        else:
            changes["require_trusted_issuer"] = trusted
    for name, attribute in FLAG_OPTIONS.items():
        flag = raw.get(name)
        if flag is not None and not isinstance(flag, bool):
            errors.append(FieldProblem(f"/options/{name}", f"{name} must be true or false"))
        elif flag is not None:
            changes[attribute] = flag
    _presentation_options(raw, changes, errors)
    if errors:
        raise ProblemError(400, errors[0].detail, errors=errors)
    return base.replace(**changes)


def _presentation_options(raw: dict[str, Any], changes: dict[str, Any], errors: list[FieldProblem]) -> None:
    """``holderBinding`` and ``recipient`` (issue 11); each refusal names its field."""
    mode = raw.get("holderBinding")
    if mode is not None:
        if mode not in HOLDER_BINDING_MODES:
            errors.append(FieldProblem("/options/holderBinding",
                                       f"holderBinding must be one of {', '.join(HOLDER_BINDING_MODES)}"))
        else:
            changes["holder_binding"] = mode
            if mode != "required" and C.CHECK_HOLDER_BINDING in (changes.get("checks") or ()):
                errors.append(FieldProblem("/options/checks", f"checks lists holder_binding, but holderBinding is "
                                           f"{mode!r}: require it (holderBinding: required) or leave it out"))
    recipient = raw.get("recipient")
    if recipient is None:
        return
    if not isinstance(recipient, dict) or set(recipient) - {"type", "value"}:
        errors.append(FieldProblem("/options/recipient", "recipient must be an object {type, value}"))
        return
    kind, value = recipient.get("type"), recipient.get("value")
    if kind not in RECIPIENT_TYPES:
        errors.append(FieldProblem("/options/recipient/type", f"recipient.type must be one of {', '.join(RECIPIENT_TYPES)}"))
    if not (isinstance(value, str) and 0 < len(value.strip()) and len(value) <= 1024):
        errors.append(FieldProblem("/options/recipient/value", "recipient.value must be a non-empty string of at most "
                                   "1024 characters"))
    if kind in RECIPIENT_TYPES and isinstance(value, str) and 0 < len(value.strip()) and len(value) <= 1024:
        changes["recipient"] = Recipient(kind, value.strip())


def _escape(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def item_kind(body: Any) -> str:
    """``presentation`` for a body with ``verifiablePresentation`` or ``presentation``, else ``credential``."""
    return "presentation" if isinstance(body, dict) and (
        "verifiablePresentation" in body or "presentation" in body) else "credential"


def verify_request(body: Any, *, kind: str, settings: Settings) -> VerifyRequest:
    """Turn a VC-API verify body into a :class:`VerifyRequest`.

    :param kind: ``credential`` (``verifiableCredential``) or ``presentation`` (``verifiablePresentation``
        or ``presentation``).
    :raises ProblemError: 400 naming the missing or bad member, or the unknown option.
    """
    if not isinstance(body, dict):
        raise ProblemError(400, "the request body must be a JSON object", errors=[FieldProblem("", "not an object")])
    unsigned = False
    if kind == "credential":
        name = "verifiableCredential"
    else:
        if "verifiablePresentation" in body and "presentation" in body:
            raise ProblemError(400, "the body has both 'verifiablePresentation' and 'presentation'; send one: "
                               "'verifiablePresentation' (signed) or 'presentation' (unsigned)",
                               errors=[FieldProblem("/verifiablePresentation", "ambiguous: 'presentation' is also given"),
                                       FieldProblem("/presentation", "ambiguous: 'verifiablePresentation' is also given")])
        name = "verifiablePresentation" if "presentation" not in body else "presentation"
        unsigned = name == "presentation"
    allowed = {name, "options"}
    unknown = [k for k in body if k not in allowed]
    if unknown:
        raise ProblemError(400, f"unknown member {unknown[0]!r}; a {kind} verify body has {name!r} and 'options'",
                           errors=[FieldProblem(f"/{_escape(k)}", "unknown member") for k in unknown])
    document = body.get(name)
    if document is None:
        raise ProblemError(400, f"the body has no {name!r}", errors=[FieldProblem(f"/{name}", "missing")])
    if not isinstance(document, (dict, str)):
        raise ProblemError(400, f"{name} must be a JSON object (or a compact JWT string)",
                           errors=[FieldProblem(f"/{name}", "not an object or a string")])
    if isinstance(document, str) and not _COMPACT_JWS.match(document.strip()):
        raise ProblemError(400, f"{name} as a string must be a compact JWT; give a credential as a JSON object",
                           code=C.PROBLEM_PARSING_ERROR, errors=[FieldProblem(f"/{name}", "not a compact JWT")])
    options = _options(body.get("options"), settings, kind)
    return VerifyRequest(document=document, expect=kind, options=options, unsigned=unsigned)
