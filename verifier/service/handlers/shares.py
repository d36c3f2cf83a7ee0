"""Shared verifications (issue 12 §3): ``POST /shares``, ``DELETE /shares/{id}``, the share page
``GET /v/{id}`` (and its iframe form ``?embed=1``), its read route ``GET /v/{id}.json`` (the only route
open to other origins, RFC 6454 / Fetch "CORS protocol"), ``GET /oembed`` (oEmbed 1.0 §2.2) and the web
component ``GET /embed/v1/ler-verification.js``.

Every view verifies the stored credential again through :class:`workers.verification.Verifications`,
so the result cache's rules apply: a revocation shows once the status part's lifetime (the list's ``ttl``
or ``Cache-Control``, at most ``LER_CACHE_STATUS_TTL_S``) has passed. The page runs no script, sets no
cookie, and is sent with a Content-Security-Policy allowing only its own style sheet and images.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
import secrets
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError
from yarl import URL

from trust_registry.errors import RegistryUnavailable
from trust_registry.shares import Share, delete_share, get_share, insert_share, purge_expired

from verifier import constants as C
from verifier.errors import InputError
from verifier.parse import parse_presented
from verifier.service import appkeys as K
from verifier.service import share_text as T
from verifier.service.problems import FieldProblem, ProblemError, problem_response
from verifier.service.requests import read_json, verify_request
from verifier.service.share_view import OPTIONAL_FIELDS, share_view, verdict_state
from workers.dispatcher import QueueUnavailable
from workers.jobs import may_read
from workers.verification import now_utc

#: ``secrets.token_urlsafe`` bytes of a share id: 192 bits, 32 characters.
SHARE_ID_BYTES = 24
SHARE_ID = re.compile(r"^[A-Za-z0-9_-]{22,128}$")
#: The longest a share may live, days.
MAX_SHARE_DAYS = 3660
_STATIC = Path(__file__).resolve().parent.parent / "static"
_SHARE_MEMBERS = ("verifiableCredential", "verification", "expires", "show")

_PAGE_CSP = ("default-src 'none'; style-src 'self'; img-src 'self' https:; base-uri 'none'; form-action 'none'; "
             "frame-ancestors {ancestors}")
_COMMON_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}


@functools.lru_cache(maxsize=1)
def _templates() -> jinja2.Environment:
    """The Jinja2 environment of the page templates, autoescaping every template."""
    return jinja2.Environment(loader=jinja2.PackageLoader("verifier.service", "templates"),
                              autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


@functools.lru_cache(maxsize=4)
def _static(name: str) -> bytes:
    return (_STATIC / name).read_bytes()


def base_url(request: web.Request) -> str:
    """The service's public origin: ``LER_PUBLIC_URL`` when set, else this request's scheme and host."""
    configured = request.config_dict[K.SETTINGS].public_url
    return (configured or str(request.url.origin())).rstrip("/")


# ---------------------------------------------------------------- POST /shares, DELETE /shares/{id}

def _parse_expires(value: Any, now: datetime) -> datetime | None:
    if value is None:
        return None
    problem = None
    when = None
    if not isinstance(value, str):
        problem = "expires must be an RFC 3339 date-time string"
    else:
        try:
            when = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            problem = f"expires {value[:64]!r} is not an RFC 3339 date-time"
        else:
            if when.tzinfo is None:
                problem = "expires must carry a time-zone offset (Z or +hh:mm)"
            elif when <= now:
                problem = "expires is in the past"
            elif when > now + timedelta(days=MAX_SHARE_DAYS):
                problem = f"expires is more than {MAX_SHARE_DAYS} days away"
    if problem:
        raise ProblemError(400, problem, errors=[FieldProblem("/expires", problem)])
    return when.astimezone(timezone.utc)


def _parse_show(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ProblemError(400, "show must be a list of field names",
                           errors=[FieldProblem("/show", f"not a list; fields: {', '.join(OPTIONAL_FIELDS)}")])
    errors = [FieldProblem(f"/show/{i}", f"unknown field {v!r}; fields: {', '.join(OPTIONAL_FIELDS)}")
              for i, v in enumerate(value) if v not in OPTIONAL_FIELDS]
    if errors:
        raise ProblemError(400, errors[0].detail, errors=errors)
    return tuple(dict.fromkeys(value))


def _registry_engine(request: web.Request):
    return request.config_dict[K.REGISTRY].engine


async def _in_transaction(request: web.Request, work):
    """Run ``work(conn)`` in one committed transaction of the registry database.

    :raises RegistryUnavailable: the database cannot be reached or refused the write (-> 503).
    """
    try:
        async with _registry_engine(request).begin() as conn:
            return await work(conn)
    except (SQLAlchemyError, OSError) as exc:
        raise RegistryUnavailable(f"share store: {type(exc).__name__}") from exc


async def create_share(request: web.Request) -> web.Response:
    """``POST /shares`` ``{verifiableCredential | verification, expires?, show?}`` -> 201 ``{id, url, ...}``."""
    key = await request.config_dict[K.AUTH].require(request, "verify")
    request[K.API_KEY] = key
    settings = request.config_dict[K.SETTINGS]
    body = await read_json(request, settings)
    if not isinstance(body, dict):
        raise ProblemError(400, "the request body must be a JSON object", errors=[FieldProblem("", "not an object")])
    unknown = [k for k in body if k not in _SHARE_MEMBERS]
    if unknown:
        raise ProblemError(400, f"unknown member {unknown[0]!r}; a share body has {', '.join(_SHARE_MEMBERS)}",
                           errors=[FieldProblem("/" + k.replace("~", "~0").replace("/", "~1"), "unknown member")
                                   for k in unknown])
    now = now_utc()
    expires = _parse_expires(body.get("expires"), now)
    show = _parse_show(body.get("show"))
    credential = await _credential_to_share(request, body, key)
    req = verify_request({"verifiableCredential": credential}, kind="credential", settings=settings)
    if len(req.presented_bytes) > settings.max_body_bytes:
        raise ProblemError(413, f"the credential is {len(req.presented_bytes)} bytes; the limit is "
                           f"{settings.max_body_bytes} bytes", errors=[FieldProblem("/verifiableCredential", "too large")])
    try:
        answer = await request.config_dict[K.VERIFICATIONS].verify(req)
    except InputError as exc:
        raise ProblemError(400, exc.detail, code=C.PROBLEM_PARSING_ERROR,
                           errors=[FieldProblem("/verifiableCredential" + (exc.pointer or ""), exc.detail)]) from exc
    parse_row = next((r for r in answer.body.get("results", []) if r.get("check") == C.CHECK_PARSE
                      and not r.get("credential")), None)
    if parse_row is not None and parse_row.get("outcome") == "failed":  # not a credential: nothing worth a page
        detail = f"not a well-formed credential: {parse_row.get('detail', '')}"
        raise ProblemError(400, detail, code=C.PROBLEM_PARSING_ERROR,
                           errors=[FieldProblem("/verifiableCredential", detail)])
    share_id = secrets.token_urlsafe(SHARE_ID_BYTES)
    share = Share(document=req.document, show=show, created_at=now, expires_at=expires,
                  owner=key.id if key is not None else None)

    async def write(conn):
        await purge_expired(conn, now=now)
        await insert_share(conn, share_id=share_id, share=share)
    await _in_transaction(request, write)
    state, _ = verdict_state(answer.body)
    base = base_url(request)
    url = f"{base}/v/{share_id}"
    out = {"id": share_id, "url": url, "json": f"{url}.json", "iframe": f"{url}?embed=1",
           "script": f"{base}/embed/v1/ler-verification.js",
           "expires": expires.isoformat().replace("+00:00", "Z") if expires else None,
           "show": list(show), "state": state, "verified": answer.verified}
    return web.json_response(out, status=201, headers={"Location": f"/v/{share_id}", "Cache-Control": "no-store"})


async def _credential_to_share(request: web.Request, body: dict[str, Any], key) -> Any:
    """The credential a share is made of: ``verifiableCredential`` as given, or the item of a finished
    verification job ``{"verification": {"id": job id, "item": index}}`` (``POST /verifications``), which
    the same key (or an admin key) made. Exactly one of the two.

    :raises ProblemError: neither or both, a malformed reference (400), or no such shareable item (404).
    """
    given, reference = "verifiableCredential" in body, body.get("verification")
    if given and reference is not None:
        detail = "give verifiableCredential or verification, not both"
        raise ProblemError(400, detail, errors=[FieldProblem("/verification", detail)])
    if not given and reference is None:
        detail = ("verifiableCredential is required (or verification: {id, item} of a finished verification "
                  "job)")
        raise ProblemError(400, detail, errors=[FieldProblem("/verifiableCredential", detail)])
    if given:
        return body["verifiableCredential"]
    errors = []
    if not isinstance(reference, dict):
        errors.append(FieldProblem("/verification", "must be an object {id, item}"))
    else:
        if not isinstance(reference.get("id"), str) or not re.fullmatch(r"[0-9a-f]{24}", reference["id"]):
            errors.append(FieldProblem("/verification/id", "must be the id of a verification job"))
        item = reference.get("item", 0)
        if isinstance(item, bool) or not isinstance(item, int) or item < 0:
            errors.append(FieldProblem("/verification/item", "must be an item index (0 or more)"))
        unknown = [k for k in reference if k not in ("id", "item")]
        errors += [FieldProblem(f"/verification/{k}", "unknown member; a reference has id and item") for k in unknown]
    if errors:
        raise ProblemError(400, errors[0].detail, errors=errors)
    document = await request.config_dict[K.JOBS].shareable(reference["id"], reference.get("item", 0), key)
    if document is None:
        detail = "no finished credential item with this job id and index readable by this key"
        raise ProblemError(404, detail, errors=[FieldProblem("/verification", detail)])
    return document


async def remove_share(request: web.Request) -> web.Response:
    """``DELETE /shares/{share_id}`` -> 204; 404 when unknown or made by another key (not told apart)."""
    key = await request.config_dict[K.AUTH].require(request, "verify")
    request[K.API_KEY] = key
    share_id = request.match_info["share_id"]

    async def remove(conn) -> bool:
        share = await get_share(conn, share_id=share_id)
        if share is None or not may_read(key, share.owner):
            return False
        return await delete_share(conn, share_id=share_id)
    if not SHARE_ID.match(share_id) or not await _in_transaction(request, remove):
        raise ProblemError(404, "no share with this id", errors=[FieldProblem("/share_id", "unknown share")])
    return web.Response(status=204)


# ---------------------------------------------------------------- reading a share

async def _load(request: web.Request, share_id: str) -> tuple[str, Share | None, str | None]:
    """``(share_id, share, why)``: ``why`` is None, ``not_found`` or ``gone`` (expired)."""
    if not SHARE_ID.match(share_id):
        return share_id, None, "not_found"

    async def read(conn):
        return await get_share(conn, share_id=share_id)
    share = await _in_transaction(request, read)
    if share is None:
        return share_id, None, "not_found"
    if share.expired(now_utc()):
        return share_id, None, "gone"
    return share_id, share, None


async def _view(request: web.Request, share: Share, lang: str) -> dict[str, Any]:
    """Verify the share's credential now and build its view."""
    settings = request.config_dict[K.SETTINGS]
    req = verify_request({"verifiableCredential": share.document}, kind="credential", settings=settings)
    req = dataclasses.replace(req, lang=lang)
    try:
        answer = await request.config_dict[K.VERIFICATIONS].verify(req)
        document = parse_presented(req.presented_bytes, limits=req.options.limits, expect="credential").top.document
    except (QueueUnavailable, RedisError):  # the checks cannot run now: said so, never a verdict
        request[K.VERIFIED] = False
        return share_view(_unavailable_body(), {}, share.show, lang)
    except InputError as exc:  # a stored credential this release can no longer read: never verified
        answer_body = {"verified": False, "results": [{"check": C.CHECK_PARSE, "outcome": "failed",
                                                       "detail": exc.detail}], "requiredChecks": [C.CHECK_PARSE],
                       "checkedAt": now_utc().isoformat().replace("+00:00", "Z")}
        return share_view(answer_body, {}, share.show, lang)
    request[K.VERIFIED] = answer.verified
    request[K.CACHED] = answer.cached
    return share_view(answer.body, document if isinstance(document, dict) else {}, share.show, lang)


def _unavailable_body() -> dict[str, Any]:
    """A report body saying the checks could not run (the queue is down): ``could_not_check``."""
    detail = "the verification queue (Redis) cannot be reached; try again shortly"
    return {"verified": False, "requiredChecks": [C.CHECK_PROOF],
            "results": [{"check": C.CHECK_PROOF, "outcome": "indeterminate", "problem": C.PROBLEM_SERVICE_UNAVAILABLE,
                         "detail": detail}],
            "errors": [{"code": C.PROBLEM_SERVICE_UNAVAILABLE, "check": C.CHECK_PROOF, "detail": detail}],
            "checkedAt": now_utc().isoformat().replace("+00:00", "Z")}


def _language(request: web.Request) -> str:
    return T.choose_language(request.query.get("lang"), request.headers.get("Accept-Language"))


def _html(status: int, html: str, *, embed: bool, lang: str) -> web.Response:
    headers = dict(_COMMON_HEADERS)
    headers["Content-Security-Policy"] = _PAGE_CSP.format(ancestors="*" if embed else "'none'")
    if not embed:
        headers["X-Frame-Options"] = "DENY"
    headers["Content-Language"] = lang
    headers["Vary"] = "Accept-Language"
    return web.Response(status=status, text=html, content_type="text/html", charset="utf-8", headers=headers)


async def share_page(request: web.Request) -> web.Response:
    """``GET /v/{share_id}``: the server-rendered page (``?embed=1``: the iframe form; ``?lang=``)."""
    lang = _language(request)
    embed = request.query.get("embed") == "1"
    share_id, share, why = await _load(request, request.match_info["share_id"])
    base = base_url(request)
    if share is None:
        html = _templates().get_template("share_missing.html").render(
            lang=lang, message=T.text("label.gone" if why == "gone" else "label.not_found", lang),
            title=T.text("label.page_title", lang), css=f"{base}/embed/v1/share.css")
        return _html(410 if why == "gone" else 404, html, embed=embed, lang=lang)
    view = await _view(request, share, lang)
    page_url = f"{base}/v/{share_id}"
    html = _templates().get_template("share.html").render(
        v=view, embed=embed, page_url=page_url, css=f"{base}/embed/v1/share.css",
        oembed_url=str(URL(f"{base}/oembed").with_query(url=page_url, format="json")),
        og_locale={"en": "en_US", "es": "es_ES"}[lang])
    return _html(200, html, embed=embed, lang=lang)


_CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET",
         "Access-Control-Max-Age": "600", "Vary": "Accept-Language"}


async def share_json(request: web.Request) -> web.Response:
    """``GET /v/{share_id}.json``: the view as JSON, readable from any origin without credentials."""
    lang = _language(request)
    share_id, share, why = await _load(request, request.match_info["share_id"])
    headers = dict(_COMMON_HEADERS, **_CORS)
    if share is None:
        status = 410 if why == "gone" else 404
        response = problem_response(status, C.PROBLEM_NOT_FOUND, T.text("label.gone" if why == "gone" else
                                                                         "label.not_found", lang),
                                    request_id=request.get(K.REQUEST_ID), headers=headers)
        return response
    view = await _view(request, share, lang)
    view["url"] = f"{base_url(request)}/v/{share_id}"
    return web.Response(text=json.dumps(view, ensure_ascii=False), content_type="application/json", headers=headers)


async def share_json_preflight(request: web.Request) -> web.Response:
    """``OPTIONS /v/{share_id}.json``: the CORS preflight (GET only, no credentials, no custom headers)."""
    return web.Response(status=204, headers=_CORS)


async def oembed(request: web.Request) -> web.Response:
    """``GET /oembed?url=<share page>&format=json`` (oEmbed 1.0 §2.2): a ``rich`` answer with the iframe."""
    fmt = request.query.get("format", "json")
    if fmt != "json":
        raise ProblemError(501, "only format=json is offered", errors=[FieldProblem("format", "only json")])
    raw = request.query.get("url", "")
    base = base_url(request)
    try:
        target = URL(raw)
    except ValueError:
        target = None
    match = re.fullmatch(r"/v/([A-Za-z0-9_-]{22,128})", target.path) if target is not None and target.absolute else None
    if target is None or match is None or str(target.origin()) != base:
        raise ProblemError(404, "url must be a share page of this service", errors=[FieldProblem("url", "not a share page")])
    lang = _language(request)
    _, share, why = await _load(request, match.group(1))
    if share is None:
        raise ProblemError(410 if why == "gone" else 404, T.text("label.gone" if why == "gone" else "label.not_found", lang),
                           errors=[FieldProblem("url", "no such share")])
    view = await _view(request, share, lang)
    width = _bounded(request.query.get("maxwidth"), 480, 240)
    height = _bounded(request.query.get("maxheight"), 360, 200)
    iframe_src = str(URL(f"{base}/v/{match.group(1)}").with_query(embed="1", lang=lang))
    title = f"{view['stateLabel']}: {(view.get('achievement') or {}).get('name') or T.text('label.page_title', lang)}"
    html = _templates().get_template("oembed_iframe.html").render(src=iframe_src, title=title, width=width,
                                                                  height=height).strip()
    body = {"version": "1.0", "type": "rich", "provider_name": "ler-verifier", "provider_url": base,
            "title": title, "html": html, "width": width, "height": height, "cache_age": 300}
    return web.json_response(body, headers={"Access-Control-Allow-Origin": "*", "Cache-Control": "no-store"})


def _bounded(raw: str | None, default: int, low: int) -> int:
    """oEmbed ``maxwidth``/``maxheight``: the default size, made smaller (not below ``low``) when asked."""
    try:
        limit = int(raw) if raw is not None else None
    except ValueError:
        limit = None
    return default if limit is None else max(low, min(default, limit))


async def component_js(request: web.Request) -> web.Response:
    """``GET /embed/v1/ler-verification.js``: the ``<ler-verification share="ID">`` custom element."""
    return _asset("ler-verification.js", "text/javascript")


async def share_css(request: web.Request) -> web.Response:
    """``GET /embed/v1/share.css``: the share page's style sheet."""
    return _asset("share.css", "text/css")


def _asset(name: str, content_type: str) -> web.Response:
    return web.Response(body=_static(name), content_type=content_type, charset="utf-8",
                        headers={"Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff",
                                 "Cross-Origin-Resource-Policy": "cross-origin"})
