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
