"""Reading presented bytes as JSON within limits (size and nesting depth before any parsing), and
writing JSON fast and exactly.

RFC 8259 JSON; limits from :class:`verifier.options.Limits`. Python's own parser would recurse
until ``RecursionError`` on deep input, so depth is measured first on the raw text.

Writing uses orjson, reading never does: ``orjson.loads`` turns an integer beyond 64 bits into a float,
so a document read back would not be the document given (a worker would verify other values than the
caller presented). ``orjson.dumps`` refuses such an integer instead, and :func:`dumps_bytes` then
writes it with the standard library: every value written reads back equal.
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable

import orjson

from verifier.errors import InputError

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
#: A \uD800-\uDFFF escape: the only way JSON text can carry a surrogate (raw UTF-8 cannot).
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_BRACKET = re.compile(rb"[\[\]{}]")


def dumps_bytes(value: Any, *, sort_keys: bool = False, default: Callable[[Any], Any] | None = None) -> bytes:
    """Compact UTF-8 JSON text of ``value`` (RFC 8259), exact: :func:`json.loads` gives ``value`` back.

    :param sort_keys: object members in key order (equal values give equal bytes, e.g. for hashing).
    :param default: called for a value JSON has no form for; its result is written instead.
    :raises TypeError: a value has no JSON form (and ``default`` gives none).
    :raises UnicodeEncodeError: a string holds an unpaired surrogate.
    """
    try:
        return orjson.dumps(value, default=default, option=orjson.OPT_SORT_KEYS if sort_keys else 0)
    except TypeError:  # orjson.JSONEncodeError: an integer beyond 64 bits, a surrogate, or no JSON form
        return json.dumps(value, sort_keys=sort_keys, separators=(",", ":"), ensure_ascii=False,
                          default=default).encode("utf-8")


def json_depth(text: bytes) -> int:
    """Return the deepest nesting of objects and arrays in ``text`` (strings are skipped)."""
    depth = deepest = 0
    for m in _BRACKET.finditer(_STRING.sub(b'""', text)):
        if m.group() in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _reject_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


class DuplicateKey(ValueError):
    """An object names the same member twice (RFC 8259 §4: names SHOULD be unique; we require it)."""


def _unique_object(pairs: list[tuple[str, object]]) -> dict:
    """Build an object, refusing duplicate member names: parsers disagree on which one wins, so a
    duplicate lets a document say different things to different readers (RFC 8259 §4, RFC 7493 §2.3)."""
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKey(f"the member name {key!r} appears twice in one object")
            seen.add(key)
    return out


def _reject_lone_surrogates(value: object, what: str) -> None:
    """Refuse strings holding an unpaired surrogate (RFC 8259 §8.2: such text is not interoperable, and
    it cannot be encoded as UTF-8, so no signature or hash over it is well defined)."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InputError(f"{what} holds a string with an unpaired surrogate escape (\\uD800-\\uDFFF), "
                         "which is not Unicode text (RFC 8259 §8.2)") from exc


def loads_limited(data: bytes | str, *, max_bytes: int, max_depth: int, what: str = "input"):
    """Parse ``data`` as JSON after checking its size (bytes) and nesting depth.

    :param data: UTF-8 bytes or text.
    :param max_bytes: largest accepted size, bytes.
    :param max_depth: deepest accepted nesting of objects/arrays.
    :param what: what the data is, for messages (e.g. "input", "JWT payload").
    :returns: the parsed value.
    :raises InputError: (PARSING_ERROR) too large, too deep, not UTF-8, not JSON, an object with a
        duplicate member name, or an unpaired surrogate escape; the message names the limit, the line
        and column, or the name.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    if len(raw) > max_bytes:
        raise InputError(f"{what} is {len(raw)} bytes; the limit is {max_bytes} bytes")
    # Fewer brackets in all than the limit cannot nest deeper than it: skip the scan.
    depth = json_depth(raw) if raw.count(b"[") + raw.count(b"{") > max_depth else 0
    if depth > max_depth:
        raise InputError(f"{what} nests {depth} levels deep; the limit is {max_depth}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{what} is not UTF-8 text (byte {exc.start})") from exc
    if text.startswith("\ufeff"):
        raise InputError(f"{what} starts with a byte-order mark; JSON text must not (RFC 8259 §8.1): remove it")
    try:
        value = json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float, parse_int=_bounded_int,
                           object_pairs_hook=_unique_object)
        if _SURROGATE_ESCAPE.search(raw):
            _reject_lone_surrogates(value, what)
        return value
    except DuplicateKey as exc:
        raise InputError(f"{what} is ambiguous: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"{what} is not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from exc
    except ValueError as exc:
        raise InputError(f"{what} is not JSON: {exc}") from exc


#: longest integer literal accepted, digits (Python's own conversion limit is 4,300).
MAX_INT_DIGITS = 4000


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"the number {text[:40]} is too large to represent (RFC 8259 §6)")
    return value


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise ValueError(f"an integer of {len(text.lstrip('-'))} digits is longer than the {MAX_INT_DIGITS} accepted")
    return int(text)
