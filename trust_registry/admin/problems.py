"""RFC 9457 ProblemDetails responses and the middleware that turns every error into one.

Mapping (by class, never by message): InvalidInput -> 422 (400 when only parameters are bad),
NotFound -> 404 (422 when the unknown key came from the body), Conflict -> 409, PreconditionFailed ->
412, RegistryUnavailable -> 503, aiohttp HTTP errors -> their status, anything else -> 500 with a
request id and no traceback (logged).
"""

from __future__ import annotations

import json
import logging
import uuid

from aiohttp import web
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError

from trust_registry.errors import (Conflict, FieldError, InvalidInput, NotFound, PreconditionFailed, RegistryError,
                                   RegistryUnavailable)

PROBLEM_TYPE_BASE = "https://w3id.org/ler-verifier/problems#"
PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("trust_registry.admin")

TITLES = {
    400: ("BAD_REQUEST", "Bad request"),
    401: ("UNAUTHORIZED", "API key required"),
    403: ("FORBIDDEN", "API key not allowed here"),
    404: ("NOT_FOUND", "Not found"),
    405: ("METHOD_NOT_ALLOWED", "Method not allowed"),
    409: ("CONFLICT", "Conflict"),
    412: ("PRECONDITION_FAILED", "Precondition failed"),
    413: ("PAYLOAD_TOO_LARGE", "Request body too large"),
    415: ("UNSUPPORTED_MEDIA_TYPE", "Unsupported media type"),
    422: ("INVALID_INPUT", "Invalid input"),
    428: ("PRECONDITION_REQUIRED", "If-Match header required"),
    500: ("INTERNAL_ERROR", "Internal error"),
    503: ("REGISTRY_UNAVAILABLE", "Trust registry unavailable"),
}


class ProblemError(Exception):
    """Raise from a handler to answer with a ProblemDetails response.

    :param status: HTTP status. :param detail: sentence for people.
    :param errors: bad fields. :param headers: extra response headers.
    """

    def __init__(self, status: int, detail: str, *, errors: list[FieldError] | None = None,
                 headers: dict | None = None):
        super().__init__(detail)
        self.status, self.detail, self.errors, self.headers = status, detail, errors or [], headers or {}


def problem_response(request: web.Request, status: int, detail: str, *, errors: list[FieldError] | None = None,
                     headers: dict | None = None, **extra) -> web.Response:
    """:returns: an ``application/problem+json`` response (RFC 9457 §3) with ``errors`` when given."""
    code, title = TITLES.get(status, ("ERROR", "Error"))
    body = {"type": PROBLEM_TYPE_BASE + code, "title": title, "status": status, "detail": detail,
            "instance": request.path, "code": code}
    if errors:
        body["errors"] = [e.to_json() for e in errors]
    body.update(extra)
    return web.Response(status=status, text=json.dumps(body, ensure_ascii=False), content_type=PROBLEM_JSON,
                        headers=headers)


@web.middleware
async def problem_middleware(request: web.Request, handler):
    """Outermost middleware of our sub-apps: every failure leaves as ProblemDetails."""
    try:
        return await handler(request)
    except ProblemError as exc:
        return problem_response(request, exc.status, exc.detail, errors=exc.errors, headers=exc.headers)
    except RegistryError as exc:
        return _domain(request, exc)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        headers = {k: v for k, v in exc.headers.items() if k.lower() in ("allow", "www-authenticate")}
        return problem_response(request, exc.status, exc.reason or "request failed", headers=headers)
    except IntegrityError as exc:  # a race the store's checks did not see: still the caller's conflict
        log.info("integrity error on %s: %s", request.path, type(exc.orig).__name__)
        return problem_response(request, 409, "the change conflicts with the stored registry; reload and retry")
    except (DBAPIError, SQLAlchemyError, OSError) as exc:
        log.warning("registry database error on %s: %s", request.path, type(exc).__name__)
        return problem_response(request, 503, "the trust registry database cannot be reached")
    except Exception:  # noqa: BLE001 - the last line: never a traceback to the client
        request_id = str(uuid.uuid4())
        log.exception("unexpected error on %s (request %s)", request.path, request_id)
        return problem_response(request, 500, "unexpected error", request_id=request_id)


def _domain(request: web.Request, exc: RegistryError) -> web.Response:
    if isinstance(exc, InvalidInput):
        status = 422 if any(e.location == "body" for e in exc.errors) else 400
        return problem_response(request, status, exc.detail, errors=exc.errors)
    if isinstance(exc, NotFound):
        if exc.pointer is not None:
            return problem_response(request, 422, exc.detail, errors=[FieldError(exc.pointer, exc.detail)])
        return problem_response(request, 404, exc.detail,
                                errors=[FieldError(f"{exc.entity}_id" if exc.entity != "registry" else "name",
                                                   exc.detail, "path")])
    if isinstance(exc, Conflict):
        return problem_response(request, 409, exc.detail, errors=[FieldError(exc.pointer, exc.detail)])
    if isinstance(exc, PreconditionFailed):
        return problem_response(request, 412, exc.detail, headers={"ETag": etag(exc.current_revision)})
    if isinstance(exc, RegistryUnavailable):
        return problem_response(request, 503, exc.detail)
    return problem_response(request, 500, "unexpected registry error")


def etag(revision: int) -> str:
    """:returns: the strong entity tag of a revision (RFC 9110 §8.8.3), e.g. ``"17"``."""
    return f'"{revision}"'
