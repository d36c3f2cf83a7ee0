"""``POST /credentials/verify`` by link and by image (issue 11): ``{"credentialUrl": "https://..."}``,
``{"image": "<base64 PNG or SVG>"}`` or ``multipart/form-data`` with an ``image`` file part (and an optional
``options`` part holding the options JSON).

Each is turned into the VC-API body ``{"verifiableCredential": ..., "options": ...}`` before the usual
request checks, so everything after is the same path. Limits: a JSON body (base64 image included) within
the usual body limit (``LER_MAX_BODY_BYTES`` plus the request wrapper); a multipart image part, and any
decoded image, at most ``Limits.max_image_bytes``; a fetched document at most ``LER_MAX_FETCH_BYTES``.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from aiohttp import web

from verifier import constants as C
from verifier.errors import FetchError, InputError
from verifier.jsontext import loads_limited
from verifier.links import from_image, from_url
from verifier.service.problems import FieldProblem, ProblemError
from verifier.settings import Settings

SOURCES = ("credentialUrl", "image")
_MEMBERS = ("verifiableCredential", *SOURCES)


def wants_source(body: Any) -> bool:
    """True when a credential body gives a link or an image instead of the credential."""
    return isinstance(body, dict) and any(k in body for k in SOURCES)


async def read_multipart(request: web.Request, settings: Settings) -> dict[str, Any]:
    """A ``multipart/form-data`` body as ``{"image": bytes, "options": ...}``.

    :raises ProblemError: 400 an unknown or repeated part, no image, options not JSON; 413 an image too large.
    """
    cap = settings.limits().max_image_bytes
    out: dict[str, Any] = {}
    try:
        reader = await request.multipart()
        async for part in reader:
            name = part.name
            if name not in ("image", "options") or name in out:
                raise ProblemError(400, f"unexpected form part {name!r}; send one 'image' file (and 'options')",
                                   errors=[FieldProblem(f"/{name}", "unexpected part")])
            chunks, size = [], 0
            while chunk := await part.read_chunk(65536):
                size += len(chunk)
                if size > (cap if name == "image" else 64 * 1024):
                    raise ProblemError(413, f"the {name} part is larger than the limit of "
                                       f"{cap if name == 'image' else 65536} bytes",
                                       errors=[FieldProblem(f"/{name}", "too large")])
                chunks.append(chunk)
            data = b"".join(chunks)
            if name == "options":
                try:
                    out[name] = loads_limited(data, max_bytes=65536, max_depth=8, what="the options part")
                except InputError as exc:
                    raise ProblemError(400, exc.detail, errors=[FieldProblem("/options", exc.detail)]) from exc
            else:
                out[name] = data
    except (ValueError, AssertionError) as exc:  # aiohttp: a malformed multipart body
        raise ProblemError(400, f"the multipart/form-data body cannot be read: {type(exc).__name__}",
                           errors=[FieldProblem("", "malformed multipart body")]) from exc
    if "image" not in out:
        raise ProblemError(400, "the form has no 'image' part", errors=[FieldProblem("/image", "missing")])
    return out


def _document(data: bytes, settings: Settings, pointer: str) -> Any:
    text = data.strip()
    if text[:1] in (b"{", b"["):
        try:
            return loads_limited(text, max_bytes=settings.max_body_bytes, max_depth=settings.max_json_depth,
                                 what="the credential")
        except InputError as exc:
            raise ProblemError(400, exc.detail, code=C.PROBLEM_PARSING_ERROR,
                               errors=[FieldProblem(pointer, exc.detail)]) from exc
    try:
        return text.decode("ascii")
    except UnicodeDecodeError as exc:
        raise ProblemError(400, "the credential found is neither JSON nor a compact JWT", code=C.PROBLEM_PARSING_ERROR,
                           errors=[FieldProblem(pointer, "not JSON or a JWT")]) from exc


async def resolve_source(body: dict[str, Any], documents, settings: Settings) -> dict[str, Any]:
    """Replace ``credentialUrl`` / ``image`` by the credential it leads to.

    :raises ProblemError: 400 naming the member: several given, a bad URL or base64, not a baked badge, or
        RETRIEVAL_ERROR when the URL could not be fetched.
    """
    given = [k for k in _MEMBERS if k in body]
    if len(given) != 1:
        raise ProblemError(400, f"give exactly one of {', '.join(_MEMBERS)} (got {', '.join(given)})",
                           errors=[FieldProblem(f"/{k}", "ambiguous") for k in given])
    name = given[0]
    pointer = f"/{name}"
    limits = settings.limits()
    value = body[name]
    try:
        if name == "credentialUrl":
            if not isinstance(value, str) or not value.startswith(("https://", "http://")):
                raise ProblemError(400, "credentialUrl must be an https URL", errors=[FieldProblem(pointer, "not a URL")])
            data = await from_url(value, documents, max_image_bytes=limits.max_image_bytes)
        else:
            if isinstance(value, str):
                try:
                    value = base64.b64decode(value, validate=True)
                except (binascii.Error, ValueError) as exc:
                    raise ProblemError(400, "image must be a base64 string (RFC 4648 §4)",
                                       errors=[FieldProblem(pointer, "not base64")]) from exc
            if not isinstance(value, (bytes, bytearray)):
                raise ProblemError(400, "image must be a base64 string", errors=[FieldProblem(pointer, "not a string")])
            if len(value) > limits.max_image_bytes:
                raise ProblemError(413, f"the image is {len(value)} bytes; the limit is {limits.max_image_bytes} bytes",
                                   errors=[FieldProblem(pointer, "too large")])
            data = await from_image(bytes(value), documents, max_image_bytes=limits.max_image_bytes)
    except InputError as exc:
        raise ProblemError(400, exc.detail, code=C.PROBLEM_PARSING_ERROR, errors=[FieldProblem(pointer, exc.detail)]) from exc
    except FetchError as exc:
        raise ProblemError(400, f"the credential could not be retrieved: {exc.detail}", code=C.PROBLEM_RETRIEVAL_ERROR,
                           errors=[FieldProblem(pointer, exc.detail)]) from exc
    out = {k: v for k, v in body.items() if k not in _MEMBERS}
    out["verifiableCredential"] = _document(data, settings, pointer)
    return out

