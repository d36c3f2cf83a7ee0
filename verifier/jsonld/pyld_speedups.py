"""Faster equivalents of pyld's hottest type predicates, installed into ``pyld.jsonld`` once per process.

pyld's expansion and node map generation call tiny module-level predicates (``_is_string``,
``_is_keyword``, ``_is_absolute_iri``...) hundreds of thousands of times per second; each is a
Python call wrapping another (``_is_keyword`` calls ``_is_string``; ``_is_absolute_iri`` compiles its
pattern through ``re``'s cache on every call). The replacements here return the *same values* for
every input (same ``isinstance`` tests, the same regular expression, compiled once): only the call
overhead goes. pyld looks these names up as module globals at call time, so replacing them in
``pyld.jsonld`` takes effect everywhere in pyld.

Equivalence: :func:`check_equivalent` compares each replacement with pyld's original on sample
values (run by the tests); the differential tests compare whole canonical outputs.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from frozendict import frozendict
from pyld import jsonld as _pyld

_ABSOLUTE_IRI = re.compile(r"^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$").match
_KEYWORDS = _pyld.KEYWORDS
_OBJECT = (dict, frozendict)


def _is_string(v: Any) -> bool:
    return isinstance(v, str)


def _is_array(v: Any) -> bool:
    return isinstance(v, list)


def _is_object(v: Any) -> bool:
    return isinstance(v, _OBJECT)


def _is_keyword(v: Any) -> bool:
    return isinstance(v, str) and v in _KEYWORDS


def _is_value(v: Any) -> bool:
    return isinstance(v, _OBJECT) and "@value" in v


def _is_list(v: Any) -> bool:
    return isinstance(v, _OBJECT) and "@list" in v


def _is_absolute_iri(v: Any) -> Any:
    return isinstance(v, str) and _ABSOLUTE_IRI(v)


REPLACEMENTS: dict[str, Callable[[Any], Any]] = {
    "_is_string": _is_string, "_is_array": _is_array, "_is_object": _is_object, "_is_keyword": _is_keyword,
    "_is_value": _is_value, "_is_list": _is_list, "_is_absolute_iri": _is_absolute_iri,
}
ORIGINALS: dict[str, Callable[[Any], Any]] = {name: getattr(_pyld, name) for name in REPLACEMENTS}


def install() -> None:
    """Put the replacements into ``pyld.jsonld`` (idempotent)."""
    for name, function in REPLACEMENTS.items():
        setattr(_pyld, name, function)


def check_equivalent(samples: list[Any]) -> list[tuple[str, Any]]:
    """Where a replacement and pyld's original disagree (by truth value, or by value for non-regex
    predicates) on ``samples``: ``[(name, sample)]``; empty when they agree everywhere."""
    wrong = []
    for name, ours in REPLACEMENTS.items():
        theirs = ORIGINALS[name]
        for sample in samples:
            a, b = ours(sample), theirs(sample)
            same = (bool(a) == bool(b)) if name == "_is_absolute_iri" else (a == b and type(a) is type(b))
            if not same or (name == "_is_absolute_iri" and a and b and a.group(0) != b.group(0)):
                wrong.append((name, sample))
    return wrong
