"""RFC 9457 ProblemDetails for the HTTP service (STYLE.md rule 7).

Handlers raise :class:`ProblemError`; the inner middleware renders it. Titles and ``type`` URIs come
from the one message catalogue (:mod:`verifier.messages`); input errors list each bad field with a
JSON pointer (RFC 6901) under ``errors``.
"""

from __future__ import annotations

import json
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from verifier import constants as C
from verifier.i18n import DEFAULT_LANGUAGE, problem_message
from verifier.messages import problem_details

#: The language of this request's answer (``Accept-Language``, set by the request middleware): problem
#: ``title``s are in it; ``code`` and ``detail`` are not.
ANSWER_LANGUAGE: ContextVar[str] = ContextVar("ler_answer_language", default=DEFAULT_LANGUAGE)

PROBLEM_JSON = "application/problem+json"

#: HTTP status -> the problem code used when nothing more specific applies.
STATUS_CODES = {
    400: C.PROBLEM_INVALID_REQUEST, 401: C.PROBLEM_UNAUTHORIZED, 403: C.PROBLEM_FORBIDDEN, 404: C.PROBLEM_NOT_FOUND,
    405: C.PROBLEM_METHOD_NOT_ALLOWED, 413: C.PROBLEM_PAYLOAD_TOO_LARGE, 415: C.PROBLEM_UNSUPPORTED_MEDIA_TYPE,
    429: C.PROBLEM_RATE_LIMITED, 500: C.PROBLEM_INTERNAL_ERROR, 503: C.PROBLEM_SERVICE_UNAVAILABLE,
    504: C.PROBLEM_REQUEST_TIMEOUT,
}


@dataclass(frozen=True)
class FieldProblem:
    """One bad field: ``pointer`` (JSON pointer into the body, or a header/query name) and ``detail``."""

    pointer: str
    detail: str

    def to_json(self) -> dict[str, str]:
        return {"pointer": self.pointer, "detail": self.detail}


class ProblemError(Exception):
    """An HTTP error answered as ProblemDetails.

    :param status: HTTP status code (4xx/5xx).
    :param detail: this occurrence, for people (names the field or limit).
    :param code: problem code from :mod:`verifier.constants`; default by status.
    :param errors: the bad fields.
    :param headers: extra response headers (``Retry-After``, ``WWW-Authenticate``).
    :param close: answer with ``Connection: close`` and end the connection (the request body could not
        be read to its end, so nothing after it on the connection can be parsed).
    """

    def __init__(self, status: int, detail: str, *, code: str | None = None,
                 errors: list[FieldProblem] | None = None, headers: dict[str, str] | None = None,
                 close: bool = False):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.code = code or STATUS_CODES.get(status, C.PROBLEM_INVALID_REQUEST)
        self.errors = errors or []
        self.headers = headers or {}
        self.close = close


def problem_body(status: int, code: str, detail: str, *, request_id: str | None,
                 errors: list[FieldProblem] | None = None) -> dict[str, Any]:
    """The ProblemDetails object (RFC 9457 §3.1) with our ``code``, ``requestId`` and ``errors``."""
    body = problem_details(code, detail, status=status)
    body["title"] = problem_message(code, ANSWER_LANGUAGE.get())
    if request_id:
        body["requestId"] = request_id
    if errors:
        body["errors"] = [e.to_json() for e in errors]
    return body


def problem_response(status: int, code: str, detail: str, *, request_id: str | None,
                     errors: list[FieldProblem] | None = None, headers: dict[str, str] | None = None) -> web.Response:
    """A ``application/problem+json`` response."""
    body = problem_body(status, code, detail, request_id=request_id, errors=errors)
    return web.Response(status=status, text=json.dumps(body, ensure_ascii=False), content_type=PROBLEM_JSON,
                        headers=headers)


def from_error(err: ProblemError, request_id: str | None) -> web.Response:
    """Render a :class:`ProblemError`."""
    response = problem_response(err.status, err.code, err.detail, request_id=request_id, errors=err.errors,
                                headers=err.headers)
    if err.close:
        response.force_close()
    return response
