"""``POST /credentials/verify`` and ``POST /presentations/verify`` (W3C VCALM)."""

from __future__ import annotations

import dataclasses

from aiohttp import web

from verifier import constants as C
from verifier.errors import InputError
from verifier.i18n import from_accept_language
from verifier.jsontext import dumps_bytes
from verifier.service import appkeys as K
from verifier.service.problems import FieldProblem, ProblemError
from verifier.service.requests import read_json, verify_request
from verifier.service.sources import read_multipart, resolve_source, wants_source

_PREFER = "vc-api-status-codes"


def wants_status_codes(request: web.Request) -> bool:
    """True with the ``LER_VC_API_STATUS_CODES`` setting or ``Prefer: vc-api-status-codes`` (RFC 7240)."""
    if request.config_dict[K.SETTINGS].vc_api_status_codes:
        return True
    prefs = ",".join(request.headers.getall("Prefer", []))
    return any(p.split(";", 1)[0].strip().lower() == _PREFER for p in prefs.split(","))


async def _verify(request: web.Request, kind: str) -> web.Response:
    request[K.API_KEY] = await request.config_dict[K.AUTH].require(request, "verify")
    settings = request.config_dict[K.SETTINGS]
    if kind == "credential" and request.content_type.lower() == "multipart/form-data":
        body = await read_multipart(request, settings)  # a baked badge image (issue 11)
    else:
        body = await read_json(request, settings)
    if kind == "credential" and wants_source(body):  # by link or by image (issue 11)
        body = await resolve_source(body, request.config_dict[K.VERIFICATIONS].env.documents, settings)
    req = verify_request(body, kind=kind, settings=settings)
    lang = from_accept_language(request.headers.get("Accept-Language"))
    req = dataclasses.replace(req, lang=lang)
    member = "/" + ("verifiableCredential" if kind == "credential" else
                    "presentation" if req.unsigned else "verifiablePresentation")
    if len(req.presented_bytes) > settings.max_body_bytes:
        raise ProblemError(413, f"the {kind} is {len(req.presented_bytes)} bytes; the limit is "
                           f"{settings.max_body_bytes} bytes", errors=[FieldProblem(member, "too large")])
    try:
        answer = await request.config_dict[K.VERIFICATIONS].verify(req)
    except InputError as exc:
        raise ProblemError(400, exc.detail, code=C.PROBLEM_PARSING_ERROR,
                           errors=[FieldProblem(member + (exc.pointer or ""), exc.detail)]) from exc
    metrics = request.config_dict[K.METRICS]
    metrics.cache.labels("hit" if answer.cached else "miss").inc()
    if not answer.cached:
        metrics.observe_checks(answer.outcomes)
    request[K.VERIFIED] = answer.verified
    request[K.CACHED] = answer.cached
    status = 422 if not answer.verified and wants_status_codes(request) else 200
    return web.Response(status=status, body=dumps_bytes(answer.body), content_type="application/json",
                        charset="utf-8", headers={"Content-Language": lang, "Vary": "Accept-Language"})


async def verify_credential(request: web.Request) -> web.Response:
    """Verify ``{verifiableCredential, options}``."""
    return await _verify(request, "credential")


async def verify_presentation(request: web.Request) -> web.Response:
    """Verify ``{verifiablePresentation | presentation, options}``."""
    return await _verify(request, "presentation")
