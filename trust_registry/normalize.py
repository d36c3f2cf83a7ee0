"""Identifier normalisation: exact everywhere except where the standards say case does not matter.

* URI scheme: case-insensitive (RFC 3986 §3.1, §6.2.2.1) -> lower-cased.
* Host of a URL with an authority (``scheme://host``): case-insensitive (RFC 3986 §3.2.2) ->
  lower-cased. Userinfo, port, path, query and fragment are kept exactly; percent-encodings are not
  decoded; an empty path is not turned into ``/`` and a trailing slash is never added or removed.
* did:web (did:web Method §3.1): the first method-specific segment is a host name (case-insensitive)
  with an optional port whose colon MUST be percent-encoded; we lower-case the host and write the
  encoding as ``%3A``. Path segments after it are case-sensitive and kept exactly.
* Every other DID (did:key, did:jwk, ...): exact. The method name is lower-case only (DID Core §3.1
  ``method-char``), so ``did:WEB:`` is not did:web and is left alone.

Lookups compare normalised strings with ``==``: no collation is involved on any backend.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import urlsplit

DID_WEB_PREFIX = "did:web:"
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")


def normalize_identifier(value: str) -> str:
    """The comparison form of an issuer identifier (DID, DID URL or URL).

    :param value: identifier as presented or registered.
    :returns: the normalised string (see module docstring); unchanged when it has no URI scheme.
    """
    if value.startswith("did:"):
        return _normalize_did_web(value) if value.startswith(DID_WEB_PREFIX) else value
    m = _SCHEME.match(value)
    if m is None:
        return value
    scheme = m.group(1).lower()
    rest = value[m.end():]
    if scheme == "did":
        value = "did:" + rest
        return _normalize_did_web(value) if value.startswith(DID_WEB_PREFIX) else value
    if not rest.startswith("//"):
        return f"{scheme}:{rest}"
    authority_end = len(rest)
    for sep in "/?#":
        pos = rest.find(sep, 2)
        if 0 <= pos < authority_end:
            authority_end = pos
    authority = rest[2:authority_end]
    userinfo, at, hostport = authority.rpartition("@")
    return f"{scheme}://{userinfo}{at}{_lower_host(hostport)}{rest[authority_end:]}"


def did_web_host(normalized: str) -> str | None:
    """The host segment (host plus ``%3A`` port) of a normalised did:web identifier.

    :param normalized: output of :func:`normalize_identifier`.
    :returns: e.g. ``example.edu`` or ``example.edu%3A8443``; None when not a did:web.
    """
    if not normalized.startswith(DID_WEB_PREFIX):
        return None
    rest = normalized[len(DID_WEB_PREFIX):]
    end = len(rest)
    for sep in ":;/?#":
        pos = rest.find(sep)
        if 0 <= pos < end:
            end = pos
    return rest[:end] or None


def is_bare_did_web_host(normalized: str) -> bool:
    """:returns: True for ``did:web:<host>`` with no path, query or fragment (a host-match entry)."""
    host = did_web_host(normalized)
    return host is not None and normalized == DID_WEB_PREFIX + host


def identifier_kind(value: str) -> str:
    """:returns: ``did`` for DIDs, ``url`` for http(s) URLs, ``other`` for anything else."""
    lowered = value[:8].lower()
    if lowered.startswith("did:"):
        return "did"
    if lowered.startswith(("http://", "https://")):
        return "url"
    return "other"


# DID Core §3.1: did = "did:" method-name ":" method-specific-id; method-char = %x61-7A / DIGIT;
# method-specific-id = *( *idchar ":" ) 1*idchar; idchar = ALPHA / DIGIT / "." / "-" / "_" / pct-encoded.
_IDCHAR = r"(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})"
DID_SYNTAX = re.compile(rf"did:[a-z0-9]+:(?:{_IDCHAR}*:)*{_IDCHAR}+")
# ASCII characters RFC 3986 never allows in a URI (other than whitespace and controls, refused apart).
_URL_FORBIDDEN = frozenset('"<>\\^`{|}')
_BAD_CATEGORIES = ("Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp")


def shown(value: str, limit: int = 100) -> str:
    """:returns: ``value`` quoted for a message: control characters escaped, cut after ``limit`` characters."""
    return repr(value[:limit]) + ("..." if len(value) > limit else "")


def bad_characters(value: str) -> bool:
    """:returns: True when ``value`` holds whitespace, control, format or unassigned characters."""
    return any(c.isspace() or unicodedata.category(c) in _BAD_CATEGORIES for c in value)


def identifier_problem(value: str) -> str | None:
    """Check that ``value`` can identify an issuer: a DID (DID Core §3.1 syntax: ``did:<method>:<id>``,
    no path, query or fragment) or an absolute ``http``/``https`` URL with a host.

    The scheme (``DID:``, ``HTTPS:``) may be in any case: the rule applies to the normalised form.

    :returns: a sentence naming the value and the rule it breaks, or None when acceptable.
    """
    if not isinstance(value, str) or not value:
        return "identifier must not be empty; expected a DID (did:<method>:<id>) or an http(s) URL"
    if bad_characters(value):
        return f"identifier {shown(value)} contains whitespace or control characters"
    normalized = normalize_identifier(value)
    if normalized.startswith("did:"):
        if DID_SYNTAX.fullmatch(normalized):
            return None
        method, _, rest = normalized[4:].partition(":")
        if not method or not re.fullmatch(r"[a-z0-9]+", method):
            why = "the method name must be lower-case letters and digits"
        elif not rest:
            why = "the method-specific id is missing"
        else:
            why = "the method-specific id allows only letters, digits, '.', '-', '_', ':' and %XX escapes"
        return f"identifier {shown(value)} is not a valid DID (did:<method>:<id>, DID Core §3.1): {why}"
    if normalized.startswith(("http://", "https://")):
        try:
            parts = urlsplit(normalized)
            parts.port  # noqa: B018 - raises ValueError for a bad port
        except ValueError:
            parts = None
        if parts is None or not parts.hostname or any(c in _URL_FORBIDDEN for c in value):
            return f"identifier {shown(value)} is not a valid absolute http(s) URL"
        return None
    return f"identifier {shown(value)} is not a DID (did:<method>:<id>) or an absolute http(s) URL"


def lookup_key(normalized: str) -> str:
    """:returns: SHA-256 hex of the normalised identifier (the indexed lookup column)."""
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


def _normalize_did_web(value: str) -> str:
    rest = value[len(DID_WEB_PREFIX):]
    end = len(rest)
    for sep in ":;/?#":
        pos = rest.find(sep)
        if 0 <= pos < end:
            end = pos
    host = rest[:end].lower().replace("%3a", "%3A")
    return DID_WEB_PREFIX + host + rest[end:]


def _lower_host(hostport: str) -> str:
    if hostport.startswith("["):  # IPv6 literal: lower-case the whole bracketed part
        close = hostport.find("]")
        return hostport[: close + 1].lower() + hostport[close + 1:] if close >= 0 else hostport.lower()
    host, colon, port = hostport.partition(":")
    return host.lower() + colon + port
