"""Options cross to the workers and into cache keys whole: every field, whatever its type.

A worker that judged with a default instead of the caller's option (say, a policy switched from "warn"
to "required") could pass what the caller asked to fail, and a cache key without an option would serve
a report judged under another. These tests build, for every field of :class:`VerifyOptions` (and of
dataclasses inside it), a value that differs from the default, so a field added later is covered
without editing them.
"""

from __future__ import annotations

import dataclasses
import json
import enum
import types
import typing
from datetime import datetime, timedelta, timezone

import pytest

from verifier.options import VerifyOptions
from workers.cache import options_part
from workers.payload import options_from_json, options_to_json


def _other(annotation, default):
    """A value of type ``annotation`` that differs from ``default``."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (types.UnionType, typing.Union):
        for arg in args:
            if arg is not type(None):
                return _other(arg, default)
    if dataclasses.is_dataclass(annotation):
        hints = typing.get_type_hints(annotation)
        base = default if dataclasses.is_dataclass(default) else None
        return annotation(**{f.name: _other(hints[f.name], _default(f) if base is None else getattr(base, f.name))
                             for f in dataclasses.fields(annotation)})
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return next(m for m in annotation if m != default)
    if annotation is bool:
        return not default
    if annotation is int:
        return (default or 0) + 7
    if annotation is float:
        return (default or 0.0) + 1.5
    if annotation is str:
        return "other-value"
    if annotation is datetime:
        return datetime(2031, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    if origin in (tuple, frozenset, set, list):
        inner = args[0] if args else str
        return origin([_other(inner, None)])
    if origin is typing.Literal:
        return next(a for a in args if a != default)
    if origin is dict:
        return {"other": "value"}
    raise AssertionError(f"tests/workers/test_payload.py cannot build a value of {annotation!r}: extend _other")


def _default(f: dataclasses.Field):
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return None


def _non_default_options() -> VerifyOptions:
    hints = typing.get_type_hints(VerifyOptions)
    return VerifyOptions(**{f.name: _other(hints[f.name], _default(f)) for f in dataclasses.fields(VerifyOptions)})


def test_every_option_round_trips_to_the_workers():
    options = _non_default_options()
    assert options_from_json(options_to_json(options)) == options
    plain = VerifyOptions()
    assert options_from_json(options_to_json(plain)) == plain


@pytest.mark.parametrize("name", [f.name for f in dataclasses.fields(VerifyOptions) if f.name not in ("now", "limits")])
def test_every_option_changes_the_cache_key(name):
    base = VerifyOptions(now=datetime(2026, 1, 1, tzinfo=timezone.utc))
    changed = base.replace(**{name: getattr(_non_default_options(), name)})
    assert options_part(changed) != options_part(base)


def test_the_instant_is_not_part_of_the_key_but_the_canonicalization_budget_is():
    base = VerifyOptions()
    assert options_part(base.replace(now=base.now + timedelta(seconds=30))) == options_part(base)
    tighter = dataclasses.replace(base.limits, canonicalization_max_work=10)
    assert options_part(base.replace(limits=tighter)) != options_part(base)


def test_a_request_crosses_to_a_worker_whole():
    from workers.payload import request_from_json, request_to_json
    from workers.verification import VerifyRequest

    options = _non_default_options()
    request = VerifyRequest(document={"id": "urn:x"}, expect="presentation", options=options, unsigned=True, lang="es")
    assert request_from_json(json.loads(json.dumps(request_to_json(request)))) == request
    for broken in ({}, {"expect": "credential"}, {"expect": "anything", "document": {}},
                   {"expect": "credential", "document": 7}):
        with pytest.raises((KeyError, TypeError, ValueError)):
            request_from_json(broken)


def test_an_input_error_crosses_back_with_its_pointer():
    from verifier.errors import InputError
    from workers.payload import input_error_from_json, input_error_to_json

    error = input_error_from_json(input_error_to_json(InputError("no type", pointer="/type")))
    assert (error.detail, error.pointer, error.problem_code) == ("no type", "/type", "PARSING_ERROR")
    for broken in (None, {"code": "PARSING_ERROR"}, {"detail": 5, "code": "X"}, ["no"]):
        with pytest.raises(ValueError):
            input_error_from_json(broken)


def test_an_answer_verifies_only_when_it_and_its_body_say_so():
    from workers.verification import Answer

    answer = Answer({"verified": True, "results": []}, True, False, [("proof", "passed")])
    assert Answer.from_json(json.loads(json.dumps(answer.to_json()))) == answer
    assert Answer.from_json({**answer.to_json(), "body": {"verified": False}}).verified is False
    assert Answer.from_json({**answer.to_json(), "verified": False}).verified is False
    for broken in (None, [], {"body": {"verified": True}}, {**answer.to_json(), "verified": 1},
                   {**answer.to_json(), "outcomes": [["proof"]]}, {**answer.to_json(), "body": "verified"}):
        with pytest.raises(ValueError):
            Answer.from_json(broken)
