"""The two middlewares (STYLE.md rule 7).

* :func:`request_middleware` (outer): request id (``X-Request-Id`` taken or generated, echoed back),
  access log line, metrics, and the last resort: anything unexpected becomes a 500 ProblemDetails with
  the request id, never a traceback. A successful registry write through ``/admin`` refreshes the
  registry version used in cache keys at once.
* :func:`problem_middleware` (inner): the request timeout, and domain errors mapped by class to 4xx/503.

Not every error reaches them: what aiohttp's HTTP parser refuses before a request exists (a malformed
request line or header, ``Content-Length: 99999999999999999999``, a ``br``/``zstd`` body without its
decoder, a deflate body whose end is cut off when it arrives with its headers) is answered by aiohttp
itself with a plain-text 400 and ``Connection: close``. (A cut-off deflate body arriving after its
headers never ends for the handler reading it: aiohttp reports that error as a new message, not on the
body, so the request timeout answers 503.) aiohttp 3.14 offers no supported hook to render
those (the error handler is ``RequestHandler.handle_error``, an undocumented method of a class the
``Server`` hard-codes, reached only by overriding the private ``AppRunner._make_server``; upstream
aio-libs/aiohttp#3287 is open), so they stay aiohttp's. A body that fails to decode *while the handler
reads it* is ours: :func:`verifier.service.requests.read_body` answers 400 ProblemDetails.
"""

from __future__ import annotations

import asyncio
import logging
import time

from aiohttp import web
from redis.exceptions import RedisError

from trust_registry.errors import RegistryUnavailable

from verifier import constants as C
from verifier.errors import InputError
from verifier.i18n import from_accept_language
from verifier.service import appkeys as K
from verifier.service.logging import REQUEST_ID, request_id_from
from verifier.service.problems import (ANSWER_LANGUAGE, STATUS_CODES, FieldProblem, ProblemError, from_error,
                                       problem_response)
from workers.dispatcher import QueueUnavailable

log = logging.getLogger("verifier.service")
access = logging.getLogger("verifier.service.access")
_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _route_name(request: web.Request) -> str:
    """The route pattern (bounded label set for metrics), or ``unmatched``."""
    if request.match_info.http_exception is not None:
        return "unmatched"
    resource = getattr(request.match_info.route, "resource", None)
    return resource.canonical if resource is not None else "unmatched"


def _outcome(request: web.Request, status: int) -> str:
    verdict = request.get(K.VERIFIED)
    if verdict is not None and status < 500:
        return "verified" if verdict else "not_verified"
    return "server_error" if status >= 500 else "client_error" if status >= 400 else "ok"


@web.middleware
async def request_middleware(request: web.Request, handler) -> web.StreamResponse:
    """Request id, access log, metrics and the catch-all 500."""
    rid = request_id_from(request.headers.get("X-Request-Id"))
    request[K.REQUEST_ID] = rid
    token = REQUEST_ID.set(rid)
    language_token = ANSWER_LANGUAGE.set(from_accept_language(request.headers.get("Accept-Language")))
    started = time.perf_counter()
    try:
        try:
            response = await handler(request)
        except web.HTTPException as exc:  # raised by the router or aiohttp itself: 404, 405, 413 ...
            if exc.status < 400:
                raise
            response = problem_response(exc.status, STATUS_CODES.get(exc.status, C.PROBLEM_INVALID_REQUEST),
                                        exc.reason or "the request cannot be served", request_id=rid,
                                        headers={k: v for k, v in exc.headers.items() if k.lower() == "allow"})
        except Exception:  # noqa: BLE001 - the outermost boundary: never a traceback to the caller
            log.exception("unexpected error serving %s %s", request.method, request.path)
            response = problem_response(500, C.PROBLEM_INTERNAL_ERROR,
                                        f"an unexpected error occurred; quote request id {rid} when reporting it",
                                        request_id=rid)
        response.headers["X-Request-Id"] = rid
        seconds = time.perf_counter() - started
        status = response.status
        if request.method in _WRITES and request.path.startswith("/admin/") and status < 400:
            versions = request.config_dict.get(K.VERSIONS)
            if versions is not None:
                versions.invalidate()
            registry = request.config_dict.get(K.REGISTRY)
            if registry is not None:
                registry.invalidate()
            auth = request.config_dict.get(K.AUTH)
            if auth is not None:
                auth.forget()
        metrics = request.config_dict.get(K.METRICS)
        if metrics is not None:
            metrics.observe_request(_route_name(request), request.method, status, _outcome(request, status), seconds)
        if access.isEnabledFor(logging.INFO):
            key = request.get(K.API_KEY)
            access.info("%s %s %d", request.method, request.path, status,
                        extra={"method": request.method, "path": request.path, "status": status,
                               "duration_ms": round(seconds * 1000, 3), "api_key": key.name if key else None,
                               "cached": request.get(K.CACHED)})
        return response
    finally:
        ANSWER_LANGUAGE.reset(language_token)
        REQUEST_ID.reset(token)


@web.middleware
async def problem_middleware(request: web.Request, handler) -> web.StreamResponse:
    """Request timeout and domain errors -> ProblemDetails (by class, never by message)."""
    rid = request.get(K.REQUEST_ID)
    settings = request.config_dict[K.SETTINGS]
    try:
        async with asyncio.timeout(settings.request_timeout_s):
            return await handler(request)
    except ProblemError as err:
        return from_error(err, rid)
    except InputError as exc:
        errors = [FieldProblem(exc.pointer or "", exc.detail)]
        return problem_response(400, C.PROBLEM_PARSING_ERROR, exc.detail, request_id=rid, errors=errors)
    except TimeoutError:
        return problem_response(503, C.PROBLEM_REQUEST_TIMEOUT,
                                f"the request was not answered within {settings.request_timeout_s:g} s",
                                request_id=rid, headers={"Retry-After": "1"})
    except (QueueUnavailable, RedisError) as exc:
        log.warning("queue unavailable: %s", type(exc).__name__)
        return problem_response(503, C.PROBLEM_SERVICE_UNAVAILABLE,
                                "the job queue (Redis) cannot be reached; try again shortly",
                                request_id=rid, headers={"Retry-After": "5"})
    except RegistryUnavailable:
        return problem_response(503, C.PROBLEM_SERVICE_UNAVAILABLE,
                                "the trust registry database cannot be reached; try again shortly",
                                request_id=rid, headers={"Retry-After": "5"})
