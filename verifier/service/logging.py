"""Structured JSON logs with the request id (issue 5 "Structured JSON logs").

One JSON object per line on standard error: ``time``, ``level``, ``logger``, ``message``, ``pid`` (which
process of ``serve --processes`` wrote it), the current
``request_id`` (a context variable set by the request middleware, so log lines written while serving a
request carry it) and any ``extra`` fields given to the logging call.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import secrets
import sys
from datetime import datetime, timezone

#: the id of the request being served, or None outside a request.
REQUEST_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar("ler_request_id", default=None)

_ACCEPTED_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_STANDARD = frozenset(vars(logging.makeLogRecord({})).keys()) | {"message", "asctime"}


def request_id_from(header: str | None) -> str:
    """The caller's ``X-Request-Id`` when it is 1-128 characters of ``A-Za-z0-9._:-``, else a new random id."""
    if header and _ACCEPTED_ID.match(header):
        return header
    return secrets.token_hex(12)


class JsonFormatter(logging.Formatter):
    """Format records as one JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        out = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,
        }
        rid = REQUEST_ID.get()
        if rid:
            out["request_id"] = rid
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                out[key] = value
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


def configure_logging(level: str = "INFO") -> None:
    """Send every log record to standard error as JSON (called by ``ler-verifier serve``/``worker``)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)  # our middleware writes the access line
