"""The Open Badges 2.0 data model as the ``parse`` check reads it (OB 2.0 "Assertion", "IdentityObject",
"VerificationObject", "DateTime"), and the dates the ``validity`` check reads.

The checks read plain JSON keys. The document must be written in the Open Badges 2.0 context alone
(a second context or an inline one could rename a term), and a key that the bundled context expands to
a checked property under another spelling (``obi:recipient``, a full IRI) is refused, as the signed-meaning
gate does for VCDM documents (DESIGN.md "Security rules").
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from verifier.contexts.bundled import BundledContexts
from verifier.errors import MalformedValue
from verifier.identity_hash import parse_identity_hash
from verifier.ob2 import OB2_CONTEXT
from verifier.timestamps import from_numeric_date, parse_timestamp

HOSTED_TYPES = frozenset({"hosted", "HostedBadge"})
SIGNED_TYPES = frozenset({"signed", "SignedBadge"})
RECIPIENT_TYPES = frozenset({"email", "url", "telephone", "id"})
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")

#: Properties the checks read, in the documents they read them from.
CHECKED_TERMS = ("id", "type", "recipient", "badge", "verification", "issuedOn", "expires", "revoked",
                 "revocationReason", "identity", "hashed", "salt", "allowedOrigins", "startsWith", "creator",
                 "issuer", "publicKey", "revocationList", "owner", "publicKeyPem", "revokedAssertions")


def types_of(doc: dict[str, Any]) -> list[str]:
    """``type`` as a list of strings (a string or a list; anything else: empty)."""
    t = doc.get("type")
    return [t] if isinstance(t, str) else [x for x in t if isinstance(x, str)] if isinstance(t, list) else []


def is_url(value: Any) -> bool:
    """An absolute IRI (``https://...``, ``urn:uuid:...``)."""
    return isinstance(value, str) and bool(urlsplit(value).scheme) and not re.search(r"\s", value)


@lru_cache(maxsize=1)
def _term_iris() -> tuple[dict[str, str], dict[str, str]]:
    """(prefix -> IRI, checked IRI -> term) from the bundled Open Badges 2.0 context."""
    ctx = BundledContexts().get(OB2_CONTEXT)["@context"]
    prefixes = {k: v for k, v in ctx.items() if isinstance(v, str) and v.endswith(("#", "/"))}

    def expand(value: str) -> str:
        prefix, _, rest = value.partition(":")
        return prefixes[prefix] + rest if prefix in prefixes else value

    checked = {}
    for term in CHECKED_TERMS:
        spec = ctx.get(term)
        iri = spec.get("@id") if isinstance(spec, dict) else spec
        if isinstance(iri, str) and not iri.startswith("@"):
            checked[expand(iri)] = term
    return prefixes, checked


def respelled_keys(doc: dict[str, Any], where: str = "") -> list[tuple[str, str]]:
    """Keys of ``doc`` that the Open Badges 2.0 context reads as a checked property under another spelling.

    :returns: (JSON pointer, message) for each, e.g. ``obi:recipient`` is ``recipient``.
    """
    prefixes, checked = _term_iris()
    out = []
    for key in doc:
        if ":" not in key:
            continue
        prefix, _, rest = key.partition(":")
        iri = prefixes[prefix] + rest if prefix in prefixes else key
        if iri in checked:
            out.append((f"{where}/{key}", f"{key!r} is {checked[iri]!r} under another name: write it as "
                                          f"{checked[iri]!r} (the checks read that spelling)"))
    return out


def document_problems(doc: dict[str, Any], where: str = "") -> list[tuple[str, str]]:
    """Context rules for any Open Badges 2.0 document (assertion, BadgeClass, Profile, key, list)."""
    out = []
    ctx = doc.get("@context")
    if ctx != OB2_CONTEXT and ctx != [OB2_CONTEXT]:
        out.append((f"{where}/@context", f"@context must be {OB2_CONTEXT!r} alone: another context could rename the "
                                         "properties the checks read"))
    out.extend(respelled_keys(doc, where))
    for name in ("recipient", "verification"):
        if isinstance(doc.get(name), dict):
            out.extend(respelled_keys(doc[name], f"{where}/{name}"))
    return out


def read_date(value: Any, name: str) -> tuple[datetime, bool]:
    """An OB 2.0 DateTime: ISO 8601 / RFC 3339 date-time or a Unix timestamp (OB 2.0 "DateTime").

    :returns: (aware datetime, True when read as UTC for lack of an offset).
    :raises MalformedValue: neither.
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return from_numeric_date(value, name), False
    if isinstance(value, str) and _DATE_ONLY.match(value):
        return parse_timestamp(value + "T00:00:00Z", name)[0], True
    return parse_timestamp(value, name)


def recipient_problems(recipient: Any) -> list[tuple[str, str]]:
    """OB 2.0 IdentityObject: ``type``, ``identity``, ``hashed``, ``salt``."""
    if not isinstance(recipient, dict):
        return [("/recipient", "recipient must be an IdentityObject (an object with type and identity)")]
    out = []
    if recipient.get("type") not in RECIPIENT_TYPES:
        out.append(("/recipient/type", f"recipient type must be one of {', '.join(sorted(RECIPIENT_TYPES))}, "
                                       f"got {recipient.get('type')!r}"))
    identity, hashed = recipient.get("identity"), recipient.get("hashed")
    if not isinstance(hashed, bool):
        out.append(("/recipient/hashed", "recipient hashed must be true or false"))
    if not isinstance(identity, str) or not identity:
        out.append(("/recipient/identity", "recipient identity must be a non-empty string"))
    elif hashed is True:
        try:
            parse_identity_hash(identity)  # the shared rule (verifier.identity_hash)
        except MalformedValue as exc:
            out.append(("/recipient/identity", exc.detail))
    if "salt" in recipient and not isinstance(recipient["salt"], str):
        out.append(("/recipient/salt", "recipient salt must be a string"))
    return out


def problems_of(doc: dict[str, Any], *, signed: bool) -> list[tuple[str, str]]:
    """Every data-model violation of an Open Badges 2.0 Assertion, as (JSON pointer, message).

    :param signed: the assertion came as a JWS (its ``verification.type`` must then be signed, else hosted).
    """
    out = document_problems(doc)
    if "Assertion" not in types_of(doc):
        out.append(("/type", f"type must be 'Assertion', got {doc.get('type')!r}"))
    if not is_url(doc.get("id")):
        out.append(("/id", f"id must be a URL, got {doc.get('id')!r}"))
    out.extend(recipient_problems(doc.get("recipient")))
    badge = doc.get("badge")
    if not (is_url(badge) or (isinstance(badge, dict) and is_url(badge.get("id")))):
        out.append(("/badge", "badge must be the URL of a BadgeClass (or a BadgeClass with an id)"))
    verification = doc.get("verification")
    vtype = verification.get("type") if isinstance(verification, dict) else None
    allowed = SIGNED_TYPES if signed else HOSTED_TYPES
    if vtype not in allowed:
        how = "a JWS" if signed else "JSON (hosted)"
        out.append(("/verification/type", f"an assertion given as {how} must have verification.type "
                                          f"{' or '.join(sorted(allowed))}, got {vtype!r}"))
    if signed and isinstance(verification, dict) and "creator" in verification and not is_url(verification["creator"]):
        out.append(("/verification/creator", "verification.creator must be the URL of a CryptographicKey"))
    if "issuedOn" not in doc:
        out.append(("/issuedOn", "issuedOn is required"))
    for name in ("issuedOn", "expires"):
        if doc.get(name) is not None:
            try:
                read_date(doc[name], name)
            except MalformedValue as exc:
                out.append((f"/{name}", exc.detail))
    if "revoked" in doc and not isinstance(doc["revoked"], bool):
        out.append(("/revoked", "revoked must be true or false"))
    return out
