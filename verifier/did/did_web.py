"""did:web: where a DID document lives (did:web spec §3.2 "Read (Resolve)").

``did:web:example.com`` -> ``https://example.com/.well-known/did.json``;
``did:web:example.com:user:alice`` -> ``https://example.com/user/alice/did.json``;
``did:web:example.com%3A8443`` -> ``https://example.com:8443/.well-known/did.json``.
With ``allow_insecure_loopback`` (tests only) a loopback host is read over ``http``.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

from verifier.did.syntax import parse_did
from verifier.errors import ResolutionError
from verifier.fetch import is_loopback_host

__all__ = ["did_web_url", "DID_WEB_ACCEPT"]

DID_WEB_ACCEPT = "application/did+json, application/did+ld+json, application/json"
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOST = re.compile(rf"^(?=.{{1,253}}(?::|$)){_LABEL}(?:\.{_LABEL})*(?::(\d{{1,5}}))?$")  # RFC 1123 name [":" port]
_FORBIDDEN_IN_SEGMENT = set("/\\?#@%") | {chr(c) for c in range(0x21)} | {"\x7f"}


def did_web_url(did: str, *, allow_insecure_loopback: bool = False) -> str:
    """Return the URL of the DID document of a did:web.

    :param did: ``did:web:<host>[%3A<port>][:<path segment>]*`` (no fragment).
    :param allow_insecure_loopback: use ``http`` for a loopback host (tests only).
    :returns: an ``https`` URL (``http`` only for loopback under ``allow_insecure_loopback``).
    :raises ResolutionError: not a did:web, a malformed host or port, or an unsafe path segment
        (empty, ``.``/``..``, or decoding to ``/``, ``?``, ``#``, ``%``, ``@``, ``\\`` or whitespace).
    """
    method, msi = parse_did(did)
    if method != "web":
        raise ResolutionError(f"{did[:120]!r} is not a did:web")
    host_part, *path = msi.split(":")
    host = unquote(host_part).lower()
    match = _HOST.match(host)
    if match is None or (match.group(1) is not None and not 0 < int(match.group(1)) < 65536):
        raise ResolutionError(f"{did[:120]!r}: {host!r} is not a host name with an optional port")
    segments = [unquote(s) for s in path]
    for seg in segments:
        if seg in ("", ".", "..") or any(ch in _FORBIDDEN_IN_SEGMENT for ch in seg):
            raise ResolutionError(f"{did[:120]!r}: path segment {seg!r} is not allowed")
    hostname = host.rsplit(":", 1)[0] if match.group(1) else host
    scheme = "http" if allow_insecure_loopback and is_loopback_host(hostname) else "https"
    tail = "/".join(quote(s, safe="") for s in segments) + "/did.json" if segments else ".well-known/did.json"
    return f"{scheme}://{host}/{tail}"
