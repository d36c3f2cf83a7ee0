"""DID and DID URL syntax (DID Core §3.1 "DID Syntax", §3.2 "DID URL Syntax") and relative references.

Only what key resolution needs: split a DID URL into DID and fragment, refuse paths and queries, and
turn references found in documents (``"#key-1"``) into absolute ones.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from verifier.errors import ResolutionError

__all__ = ["MAX_ID_CHARS", "parse_did", "split_did_url", "absolute_ref"]

MAX_ID_CHARS = 8192  # a did:jwk holding an RSA 4096 key is ~1 100 characters

_IDCHAR = r"(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})"
_DID = re.compile(rf"^did:([a-z0-9]+):((?:{_IDCHAR}*:)*{_IDCHAR}+)$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def parse_did(did: str) -> tuple[str, str]:
    """Split a DID into (method name, method-specific id).

    :param did: e.g. ``"did:web:example.com"``; no path, query or fragment.
    :raises ResolutionError: not a DID by the DID Core §3.1 ABNF.
    """
    if not isinstance(did, str) or len(did) > MAX_ID_CHARS:
        raise ResolutionError(f"{str(did)[:120]!r} is not a DID")
    match = _DID.match(did)
    if match is None:
        raise ResolutionError(f"{did[:120]!r} is not a DID (DID Core §3.1)")
    return match.group(1), match.group(2)


def split_did_url(did_url: str) -> tuple[str, str | None]:
    """Split a DID URL into (DID, fragment or None).

    :param did_url: e.g. ``"did:key:z6Mk...#z6Mk..."``.
    :raises ResolutionError: not a DID URL, or one with a path or query (not supported for keys).
    """
    if not isinstance(did_url, str) or len(did_url) > MAX_ID_CHARS:
        raise ResolutionError(f"{str(did_url)[:120]!r} is not a DID URL")
    base, hash_, fragment = did_url.partition("#")
    if "?" in base or "/" in base:
        raise ResolutionError(f"{did_url[:120]!r}: DID URL paths and queries are not supported for keys")
    parse_did(base)
    if hash_ and not fragment:
        raise ResolutionError(f"{did_url[:120]!r} has an empty fragment")
    return base, (fragment if hash_ else None)


def absolute_ref(ref, base: str) -> str | None:
    """Resolve a reference found in the document ``base`` (DID Core §3.2.2 "Relative DID URLs").

    :param ref: ``"#key-1"``, an absolute DID URL or URL, or (https documents) a relative URL.
    :param base: the document id.
    :returns: the absolute reference, or None when ``ref`` is not a string.
    """
    if not isinstance(ref, str):
        return None
    if ref.startswith("#"):
        return base.split("#", 1)[0] + ref
    if _SCHEME.match(ref):
        return ref
    if base.startswith(("https://", "http://")):
        return urljoin(base, ref)
    return ref
