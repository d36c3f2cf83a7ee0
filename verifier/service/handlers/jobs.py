"""``POST /verifications`` (bulk, asynchronous) and ``GET /verifications/{id}``."""

from __future__ import annotations

import dataclasses
import json

from aiohttp import web

from verifier.errors import FetchError, InputError
from verifier.i18n import LANGUAGES, from_accept_language, normalise
from verifier.service import appkeys as K
from workers.jobs import check_callback_url
from verifier.service.problems import FieldProblem, ProblemError
from verifier.service.requests import item_kind, read_json, verify_request


def _prefixed(err: ProblemError, prefix: str) -> ProblemError:
    err.errors = [FieldProblem(prefix + e.pointer, e.detail) for e in err.errors]
    return err


def _json_type(value) -> str:
    """The JSON name of a parsed value's type (RFC 8259 §3)."""
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean", int: "a number",
            float: "a number", type(None): "null"}.get(type(value), type(value).__name__)


def _job_language(value, request: web.Request) -> str:
    """A job's language: its ``lang`` member (``en``, ``es``, or a tag such as ``es-MX``), else the
    request's ``Accept-Language``; its results' texts are in it, codes are not."""
    if value is None:
        return from_accept_language(request.headers.get("Accept-Language"))
    if not isinstance(value, str) or normalise(value) is None:
        raise ProblemError(400, f"lang must be one of {', '.join(LANGUAGES)} (a language tag)",
                           errors=[FieldProblem("/lang", "unsupported language")])
    return normalise(value)


async def create_job(request: web.Request) -> web.Response:
    """Accept one item (a verify body) or ``{"items": [...], "callback_url"?, "lang"?}``; 202 with ``Location``.

    Only a malformed envelope (not an object, ``items`` not a non-empty list, too many items, a bad
    ``callback_url``) fails the whole request with 400. An item that cannot be read (not an object, no
    credential, a string that is not a compact JWS, an unknown option) gets its own result,
    ``{"status": "error", "error": {"code", "detail", "pointer"}}``; every other item is verified.
    """
    request[K.API_KEY] = await request.config_dict[K.AUTH].require(request, "verify")
    settings = request.config_dict[K.SETTINGS]
    body = await read_json(request, settings, max_bytes=settings.max_batch_body_bytes)
    if not isinstance(body, dict):
        raise ProblemError(400, "the request body must be a JSON object", errors=[FieldProblem("", "not an object")])
    callback = body.get("callback_url")
    lang = _job_language(body.get("lang"), request)
    if "items" in body:
        items, prefix = body["items"], "/items/"
        if not isinstance(items, list) or not items:
            raise ProblemError(400, "items must be a non-empty list", errors=[FieldProblem("/items", "not a list")])
        extra = [k for k in body if k not in ("items", "callback_url", "lang")]
    else:
        items, prefix = [{k: v for k, v in body.items() if k not in ("callback_url", "lang")}], "/"
        extra = []
    if extra:
        raise ProblemError(400, f"unknown member {extra[0]!r}", errors=[FieldProblem(f"/{extra[0]}", "unknown")])
    if len(items) > settings.batch_max_items:
        raise ProblemError(413, f"{len(items)} items; the limit is {settings.batch_max_items} per job",
                           errors=[FieldProblem("/items", f"more than {settings.batch_max_items} items")])
    if callback is not None:
        if not isinstance(callback, str):
            raise ProblemError(400, "callback_url must be a URL string", errors=[FieldProblem("/callback_url", "not a string")])
        if not settings.callback_secret:
            raise ProblemError(400, "this service signs no callbacks (LER_CALLBACK_SECRET is not set)",
                               errors=[FieldProblem("/callback_url", "callbacks are not enabled")])
        try:
            await check_callback_url(callback, settings)
        except FetchError as exc:
            raise ProblemError(400, f"callback_url refused: {exc.detail}",
                               errors=[FieldProblem("/callback_url", exc.detail)]) from exc
    requests: list = []
    for index, item in enumerate(items):
        where = prefix + str(index) if prefix == "/items/" else ""
        try:
            requests.append(dataclasses.replace(verify_request(item, kind=item_kind(item), settings=settings),
                                                lang=lang))
        except ProblemError as err:
            if not where:  # a single item is the whole request: 400
                raise _prefixed(err, where) from None
            # one bad item of a batch is that item's result, not the batch's
            pointer = where + (err.errors[0].pointer if err.errors else "")
            detail = err.detail if isinstance(item, dict) else \
                f"{where} must be a JSON object (a verify request body), got {_json_type(item)}"
            requests.append(InputError(detail, problem_code=err.code, pointer=pointer))
    job_id = await request.config_dict[K.JOBS].submit(requests, callback, owner=request[K.API_KEY])
    location = str(request.app.router["verification"].url_for(job_id=job_id))
    return web.json_response({"id": job_id, "status": "running", "progress": {"total": len(requests), "done": 0}},
                             status=202, headers={"Location": location})


async def get_job(request: web.Request) -> web.Response:
    """The job: status, progress and each item's result (pending ones say so).

    Only the key that created the job, or an admin key, reads it (all jobs in open mode); another key's
    job answers the same 404 as an unknown id.
    """
    key = request[K.API_KEY] = await request.config_dict[K.AUTH].require(request, "verify")
    job_id = request.match_info["job_id"]
    document = await request.config_dict[K.JOBS].document_for(job_id, key)
    if document is None:
        raise ProblemError(404, f"no verification job {job_id!r} (unknown, or its results expired)")
    return web.Response(text=json.dumps(document, ensure_ascii=False), content_type="application/json")
