"""JSON forms of what a job carries and answers: a verify request, a credential item, the options, an input
error (no pickle on the queue)."""

from __future__ import annotations

import dataclasses
import enum
import functools
import types
import typing
from datetime import datetime
from typing import Any

from verifier.errors import InputError
from verifier.i18n import DEFAULT_LANGUAGE
from verifier.options import VerifyOptions
from verifier.parse import CredentialItem, Jwt
from workers.verification import VerifyRequest


def item_to_json(item: CredentialItem) -> dict[str, Any]:
    """A :class:`CredentialItem` as JSON-ready data (round-trips through :func:`item_from_json`)."""
    jwt = None
    if item.jwt is not None:
        jwt = {"compact": item.jwt.compact, "header": item.jwt.header, "payload": item.jwt.payload,
               "style": item.jwt.style}
    return {"pointer": item.pointer, "document": item.document, "kind": item.kind, "parent": item.parent, "jwt": jwt,
            "endorsement": item.endorsement}


def item_from_json(data: dict[str, Any]) -> CredentialItem:
    """Rebuild a :class:`CredentialItem`."""
    jwt = data.get("jwt")
    return CredentialItem(pointer=data["pointer"], document=data["document"], kind=data["kind"],
                          jwt=Jwt(**jwt) if jwt else None, parent=data.get("parent"),
                          endorsement=bool(data.get("endorsement", False)))


def _plain(value: Any) -> Any:
    """JSON-ready form of an option value: dataclasses as objects, tuples and sets as lists, datetimes as
    ISO 8601 text, enums by value."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (tuple, list, set, frozenset)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


@functools.cache
def _fields(cls: type) -> tuple[tuple[str, Any], ...]:
    """(name, resolved annotation) of each field of dataclass ``cls``, resolved once per process
    (``typing.get_type_hints`` evaluates every annotation string: far too slow for every job)."""
    hints = typing.get_type_hints(cls)
    return tuple((f.name, hints[f.name]) for f in dataclasses.fields(cls))


def _typed(annotation: Any, value: Any) -> Any:
    """Rebuild ``value`` (from :func:`_plain`) as ``annotation`` says: dataclasses, tuples, frozensets,
    datetimes and enums, inside ``X | None`` too."""
    if value is None:
        return None
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (types.UnionType, typing.Union):
        for arg in args:
            if arg is not type(None):
                try:
                    return _typed(arg, value)
                except (TypeError, ValueError):
                    continue
        return value
    if dataclasses.is_dataclass(annotation):
        return annotation(**{name: _typed(hint, value[name]) for name, hint in _fields(annotation) if name in value})
    if origin in (tuple, frozenset, set, list):
        inner = args[0] if args else Any
        return origin(_typed(inner, v) for v in value)
    if annotation is datetime:
        return datetime.fromisoformat(value)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return annotation(value)
    return value


def options_to_json(options: VerifyOptions) -> dict[str, Any]:
    """Every field of :class:`VerifyOptions` as JSON-ready data (``now`` as an ISO 8601 instant).

    Generic over the fields, so an option added to :class:`VerifyOptions` reaches the workers without a
    change here (a worker that judged with a default instead of the caller's option could pass what the
    caller asked to fail).
    """
    return _plain(options)


def options_from_json(data: dict[str, Any]) -> VerifyOptions:
    """Rebuild :class:`VerifyOptions` from :func:`options_to_json` output.

    :raises KeyError, TypeError, ValueError: the data is not what :func:`options_to_json` gives.
    """
    return _typed(VerifyOptions, data)


def request_to_json(request: VerifyRequest) -> dict[str, Any]:
    """A :class:`VerifyRequest` as JSON-ready data (round-trips through :func:`request_from_json`)."""
    return {"document": request.document, "expect": request.expect, "unsigned": request.unsigned,
            "options": options_to_json(request.options), "lang": request.lang}


def request_from_json(data: dict[str, Any]) -> VerifyRequest:
    """Rebuild a :class:`VerifyRequest` from :func:`request_to_json` output.

    :raises KeyError, TypeError, ValueError: the data is not what :func:`request_to_json` gives.
    """
    if data.get("expect") not in ("credential", "presentation") or not isinstance(data.get("document"), (dict, str)):
        raise ValueError("a request names what it expects and carries a document")
    return VerifyRequest(document=data["document"], expect=data["expect"], unsigned=data["unsigned"] is True,
                         options=options_from_json(data["options"]), lang=data.get("lang", DEFAULT_LANGUAGE))


def input_error_to_json(error: InputError) -> dict[str, Any]:
    """An input refused, as a job's result shows it: ``{"code", "detail", "pointer"?}``."""
    out = {"code": error.problem_code, "detail": error.detail}
    if error.pointer:
        out["pointer"] = error.pointer
    return out


def input_error_from_json(data: Any) -> InputError:
    """Rebuild the :class:`InputError` of :func:`input_error_to_json` output.

    :raises ValueError: ``data`` is not what :func:`input_error_to_json` gives.
    """
    if not isinstance(data, dict) or not isinstance(data.get("detail"), str) or not isinstance(data.get("code"), str):
        raise ValueError("an input error has a 'code' and a 'detail'")
    pointer = data.get("pointer")
    return InputError(data["detail"], problem_code=data["code"], pointer=pointer if isinstance(pointer, str) else None)
