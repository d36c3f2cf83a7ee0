"""Field rules shared by the status methods: indexes, URLs, types.

Bitstring Status List v1.0 §2.1: ``statusListIndex`` is "an arbitrary size integer greater than or
equal to 0, expressed as a string in base 10" -- so a JSON number, a sign, a hex prefix, spaces or
non-ASCII digits are MALFORMED_VALUE_ERROR (StatusList2021 §2.1 and RevocationList2020 §2.1 say the same).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urldefrag, urlsplit

from verifier import constants as C
from verifier.errors import MalformedValue

__all__ = ["parse_index", "require_url", "types_of", "list_key", "MAX_INDEX_DIGITS"]

#: An index longer than this is beyond any list we accept (the decoded-size cap holds < 2**35 bits).
MAX_INDEX_DIGITS = 15
_DIGITS = re.compile(r"[0-9]+")
_SPACE = re.compile(r"\s")


def parse_index(value: Any, field: str) -> int:
    """Read an index that must be a base-10 digit string.

    :param value: the JSON value of the field.
    :param field: the field name, for messages.
    :raises MalformedValue: MALFORMED_VALUE_ERROR when not a digit string; RANGE_ERROR when absurdly long.
    """
    if not isinstance(value, str) or not _DIGITS.fullmatch(value):
        raise MalformedValue(f"{field} must be a base-10 digit string, got {value!r:.60}",
                             pointer=f"/credentialStatus/{field}")
    if len(value) > MAX_INDEX_DIGITS:
        raise MalformedValue(f"{field} {value[:20]}... is beyond any status list", problem_code=C.PROBLEM_RANGE_ERROR)
    return int(value)


def require_url(value: Any, field: str) -> str:
    """The value must be an absolute http(s) URL (the fetcher applies its own rules later).

    :raises MalformedValue: not a string URL with a scheme and host.
    """
    if not isinstance(value, str) or not value or _SPACE.search(value):
        raise MalformedValue(f"{field} must be a URL, got {value!r:.80}", pointer=f"/credentialStatus/{field}")
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise MalformedValue(f"{field} must be an https URL, got {value!r:.80}", pointer=f"/credentialStatus/{field}")
    return value


def types_of(doc: Any) -> list[str]:
    """The ``type`` value of a JSON object as a list of strings (empty when absent or malformed)."""
    if not isinstance(doc, dict):
        return []
    t = doc.get("type")
    if isinstance(t, str):
        return [t]
    return [x for x in t if isinstance(x, str)] if isinstance(t, list) else []


def list_key(url: str) -> str:
    """The URL a list is fetched and cached under: without its fragment (RFC 3986 §3.5)."""
    return urldefrag(url)[0]
