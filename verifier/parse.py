"""Parse presented input into the credentials to check (DESIGN.md "Data flow", step 2).

Accepts (issue 2, "Inputs to accept"):
- VCDM 1.1 / 2.0 JSON-LD credentials and presentations (VCDM 2.0 §4, §4.13 presentations);
- compact VC-JWT / VP-JWT: VCDM 1.1 style (``vc``/``vp`` claim, VC-JWT 1.1 §6.3.1 claim mapping)
  and VCDM 2.0 style (VC-JOSE-COSE §3.1.1: ``typ`` ``vc+jwt``, the payload is the credential);
- ``EnvelopedVerifiableCredential`` / ``EnvelopedVerifiablePresentation`` (VCDM 2.0 §4.13.1, §4.13.2),
  at the top level or as a presentation's member: the ``id`` is a ``data:`` URL (RFC 2397) of media
  type ``application/vc+jwt`` / ``application/vp+jwt`` (VC-JOSE-COSE §3.1.1, §3.1.2) or
  ``application/jwt``, and the JWT inside is what is verified.
A presentation's members and a CLR 2.0 ``ClrCredential``'s nested credentials
(``credentialSubject.verifiableCredential``) are returned too, each with its JSON pointer, and so are the
endorsements a credential carries (issue 11; OB 3.0 ``endorsement``/``endorsementJwt`` on the credential,
its issuer profile, its achievements and their creator). Each is judged by its own data model version: a
VCDM 2.0 presentation may carry a VCDM 1.1 credential.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field, replace
from urllib.parse import unquote
from typing import Any, Literal

from verifier.errors import InputError
from verifier.jsontext import loads_limited
from verifier.ob2 import is_ob2
from verifier.options import Limits

VC_V1 = "https://www.w3.org/2018/credentials/v1"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
_COMPACT_JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")
#: envelope type (VCDM 2.0 §4.13.1, §4.13.2) -> the kind of document it carries.
ENVELOPE_TYPES = {"EnvelopedVerifiableCredential": "credential", "EnvelopedVerifiablePresentation": "presentation"}
#: ``data:`` URL media types an envelope may carry -> the kind they declare (None: read from the JWT).
#: VC-JOSE-COSE §3.1.1/§3.1.2 (``vc+jwt``, ``vp+jwt``); the ``+ld+json+jwt`` names of its earlier drafts.
ENVELOPE_MEDIA_TYPES = {"application/vc+jwt": "credential", "application/vc+ld+json+jwt": "credential",
                        "application/vp+jwt": "presentation", "application/vp+ld+json+jwt": "presentation",
                        "application/jwt": None}


@dataclass(frozen=True)
class Jwt:
    """A compact JWS as presented (RFC 7515 §7.1).

    :ivar compact: the compact serialization.
    :ivar header: decoded protected header.
    :ivar payload: decoded payload (JSON object).
    :ivar style: ``"vc1.1"`` (``vc``/``vp`` claim), ``"vc2.0"`` (payload is the document) or ``"ob2"``
        (an Open Badges 2.0 signed assertion: the payload is the Assertion).
    """

    compact: str
    header: dict[str, Any]
    payload: dict[str, Any]
    style: Literal["vc1.1", "vc2.0", "ob2"]


@dataclass(frozen=True)
class CredentialItem:
    """One credential or presentation to check.

    :ivar pointer: JSON pointer of the item in the presented document ("" = top level).
    :ivar document: the credential/presentation as a JSON object (for a JWT: the claims mapped back).
    :ivar kind: ``"credential"`` or ``"presentation"``.
    :ivar jwt: the JWS securing it, or None for an embedded (Data Integrity) proof.
    :ivar parent: pointer of the presentation or CLR that carries it, or None.
    :ivar endorsement: an Open Badges 3.0 / CLR 2.0 ``EndorsementCredential`` (``endorsement`` object or
        ``endorsementJwt`` string) carried by another credential, its issuer profile or its achievement, or a
        credential inside one: verified like any other, counted towards ``verified`` only with the
        ``requireEndorsements`` option (issue 11).
    """

    pointer: str
    document: dict[str, Any]
    kind: Literal["credential", "presentation"]
    jwt: Jwt | None = None
    parent: str | None = None
    endorsement: bool = False

    @property
    def vc_version(self) -> str | None:
        """``"1.1"``, ``"2.0"`` or None by the first ``@context`` entry (VCDM 2.0 §4.3)."""
        ctx = self.document.get("@context")
        first = ctx[0] if isinstance(ctx, list) and ctx else ctx
        return {VC_V1: "1.1", VC_V2: "2.0"}.get(first) if isinstance(first, str) else None

    @property
    def is_ob2(self) -> bool:
        """An Open Badges 2.0 assertion (hosted JSON, or signed: a JWS of style ``ob2``), see :mod:`verifier.ob2`."""
        return self.kind == "credential" and is_ob2(self.document)


@dataclass(frozen=True)
class Presented:
    """Parsed input.

    :ivar raw: the presented bytes (the cache key is taken over them).
    :ivar items: the top-level item first, then nested ones in document order.
    """

    raw: bytes
    items: tuple[CredentialItem, ...] = field(default_factory=tuple)

    @property
    def top(self) -> CredentialItem:
        """The top-level credential or presentation."""
        return self.items[0]


def _b64url_json(segment: str, what: str, limits: Limits) -> dict[str, Any]:
    try:
        raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (ValueError, TypeError) as exc:
        raise InputError(f"JWT {what} is not base64url") from exc
    value = loads_limited(raw, max_bytes=limits.max_body_bytes, max_depth=limits.max_json_depth,
                          what=f"JWT {what}")
    if not isinstance(value, dict):
        raise InputError(f"JWT {what} must be a JSON object, got {type(value).__name__}")
    return value


def parse_jwt(compact: str, limits: Limits) -> tuple[Jwt, dict[str, Any], str]:
    """Decode a compact VC-JWT or VP-JWT (or an Open Badges 2.0 signed assertion) without checking its signature.

    :returns: (the :class:`Jwt`, the credential/presentation document, ``"credential"``/``"presentation"``).
    :raises InputError: not a compact JWS, undecodable segments, or neither a VC nor a VP.
    """
    compact = compact.strip()
    if not _COMPACT_JWS.match(compact):
        raise InputError("not a compact JWS (three base64url parts separated by '.')")
    h, p, _ = compact.split(".")
    header = _b64url_json(h, "header", limits)
    payload = _b64url_json(p, "payload", limits)
    if is_ob2(payload):  # Open Badges 2.0 signed assertion: the JWS payload is the Assertion (OB 2.0 "Signed")
        return Jwt(compact, header, payload, "ob2"), payload, "credential"
    if isinstance(payload.get("vc"), dict):
        return Jwt(compact, header, payload, "vc1.1"), _map_jwt_claims(payload["vc"], payload), "credential"
    if isinstance(payload.get("vp"), dict):
        return Jwt(compact, header, payload, "vc1.1"), _map_jwt_vp_claims(payload["vp"], payload), "presentation"
    types = payload.get("type")
    types = [types] if isinstance(types, str) else types if isinstance(types, list) else []
    if "VerifiablePresentation" in types:
        return Jwt(compact, header, payload, "vc2.0"), payload, "presentation"
    if "VerifiableCredential" in types or "@context" in payload:
        return Jwt(compact, header, payload, "vc2.0"), payload, "credential"
    raise InputError("the JWT carries no 'vc' or 'vp' claim and its payload is not a credential (no 'type')")


def _map_jwt_claims(vc: dict[str, Any], claims: dict[str, Any]) -> dict[str, Any]:
    """VC-JWT 1.1 §6.3.1 (VCDM 1.1 "JWT decoding"): fill the credential from registered claims.

    Claims that disagree with the credential are left for the parse check to report; here a
    claim only fills a property the credential lacks.
    """
    doc = dict(vc)
    if "iss" in claims and "issuer" not in doc:
        doc["issuer"] = claims["iss"]
    elif "iss" in claims and isinstance(doc["issuer"], dict) and "id" not in doc["issuer"]:
        doc["issuer"] = {**doc["issuer"], "id": claims["iss"]}
    if "jti" in claims and "id" not in doc:
        doc["id"] = claims["jti"]
    if "sub" in claims and isinstance(doc.get("credentialSubject"), dict) and "id" not in doc["credentialSubject"]:
        doc["credentialSubject"] = {**doc["credentialSubject"], "id": claims["sub"]}
    return doc


def _map_jwt_vp_claims(vp: dict[str, Any], claims: dict[str, Any]) -> dict[str, Any]:
    doc = dict(vp)
    if "iss" in claims and "holder" not in doc:
        doc["holder"] = claims["iss"]
    if "jti" in claims and "id" not in doc:
        doc["id"] = claims["jti"]
    return doc


def _types(doc: dict[str, Any]) -> list[str]:
    t = doc.get("type")
    return [t] if isinstance(t, str) else [x for x in t if isinstance(x, str)] if isinstance(t, list) else []


def parse_presented(raw: bytes | str, *, limits: Limits,
                    expect: Literal["any", "credential", "presentation"] = "any") -> Presented:
    """Parse presented bytes: JSON-LD document or compact JWT, detected from content.

    :param raw: the presented bytes (or text).
    :param limits: size, depth and count limits (checked before anything else).
    :param expect: refuse a presentation where a credential is expected, and the reverse.
    :returns: :class:`Presented` with the top-level item and every nested credential.
    :raises InputError: (PARSING_ERROR) not JSON or JWT, too large/deep, not a VC/VP, wrong kind.
    """
    data = raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)
    if len(data) > limits.max_body_bytes:
        raise InputError(f"input is larger than the limit of {limits.max_body_bytes} bytes")
    if data.startswith(b"\xef\xbb\xbf"):
        raise InputError("input starts with a UTF-8 byte-order mark; JSON text must not (RFC 8259 §8.1): remove it")
    text = data.strip()
    items: list[CredentialItem] = []
    if text[:1] in (b"{", b"["):
        value = loads_limited(text, max_bytes=limits.max_body_bytes, max_depth=limits.max_json_depth)
        if not isinstance(value, dict):
            raise InputError(f"input must be a JSON object, got {type(value).__name__}")
        if any(t in ENVELOPE_TYPES for t in _types(value)):
            jwt, doc, kind = unwrap_envelope(value, "", limits)
        else:
            doc, kind, jwt = value, _kind_of(value), None
    elif text[:1] == b'"':
        raise InputError("input is a JSON string; give the credential itself (a JSON object or a compact JWT)")
    else:
        try:
            compact = text.decode("ascii")
        except UnicodeDecodeError as exc:
            raise InputError("input is neither JSON nor a compact JWT") from exc
        if not _COMPACT_JWS.match(compact):
            raise InputError("input is neither JSON (an object) nor a compact JWT")
        jwt, doc, kind = parse_jwt(compact, limits)
    if expect != "any" and kind != expect:
        raise InputError(f"expected a verifiable {expect}, got a verifiable {kind}", pointer="/type")
    items.append(CredentialItem(pointer="", document=doc, kind=kind, jwt=jwt))
    _collect_nested(items[0], items, limits)
    return Presented(raw=data, items=tuple(items))


def _kind_of(doc: dict[str, Any]) -> Literal["credential", "presentation"]:
    types = _types(doc)
    if "VerifiablePresentation" in types:
        return "presentation"
    if "VerifiableCredential" in types:
        return "credential"
    if "EnvelopedVerifiableCredential" in types:
        return "credential"
    if "@context" not in doc and "type" not in doc:
        raise InputError("the JSON object is not a verifiable credential or presentation "
                         "(it has no '@context' and no 'type')", pointer="")
    # A document that claims to be JSON-LD but lacks the VC type: the parse check reports it.
    return "credential"


def _member_item(value: Any, pointer: str, parent: str, limits: Limits) -> CredentialItem:
    """One member of a presentation's or CLR's ``verifiableCredential`` list.

    :raises InputError: the member cannot be read; its pointer names the member (``/verifiableCredential/1``).
    """
    try:
        child = _read_member(value, pointer, parent, limits)
    except InputError as exc:
        if exc.pointer and exc.pointer.startswith(pointer):
            raise
        raise InputError(f"{pointer}: {exc.detail}", problem_code=exc.problem_code,
                         pointer=pointer + (exc.pointer or "")) from exc
    if child.kind != "credential":
        # VCDM 2.0 §4.13: a presentation carries credentials, not presentations. A presentation inside one
        # would be judged by its own (captured, replayable) proof: its challenge/domain are not the
        # caller's, yet its signer would bind the credentials it carries (holder binding).
        raise InputError(f"{pointer}: a verifiable presentation cannot be carried inside another document "
                         "(only verifiable credentials can, VCDM 2.0 §4.13)", pointer=pointer)
    return child


def _read_member(value: Any, pointer: str, parent: str, limits: Limits) -> CredentialItem:
    if isinstance(value, str):
        jwt, doc, kind = parse_jwt(value, limits)
        return CredentialItem(pointer=pointer, document=doc, kind=kind, jwt=jwt, parent=parent)
    if not isinstance(value, dict):
        raise InputError(f"{pointer} must be a credential object or a compact JWT, got {type(value).__name__}",
                         pointer=pointer)
    if any(t in ENVELOPE_TYPES for t in _types(value)):
        jwt, doc, kind = unwrap_envelope(value, pointer, limits)
        return CredentialItem(pointer=pointer, document=doc, kind=kind, jwt=jwt, parent=parent)
    return CredentialItem(pointer=pointer, document=value, kind=_kind_of(value), parent=parent)


def unwrap_envelope(value: dict[str, Any], pointer: str, limits: Limits) -> tuple[Jwt, dict[str, Any], str]:
    """The JWT an ``EnvelopedVerifiableCredential`` / ``EnvelopedVerifiablePresentation`` carries (VCDM 2.0
    §4.13.1, §4.13.2): ``@context`` present and starting with the VCDM 2.0 base context, one envelope
    ``type``, and an ``id`` that is a ``data:`` URL (RFC 2397) of a media type in
    :data:`ENVELOPE_MEDIA_TYPES` holding a compact JWT of the kind the envelope and media type declare.
    Nothing else on the envelope is read: the JWT is what is verified.

    :param pointer: where the envelope is ("" at the top level), for error pointers.
    :returns: (the :class:`Jwt`, the document it carries, ``"credential"``/``"presentation"``).
    :raises InputError: any rule above broken; the pointer names the field.
    """
    declared = [t for t in _types(value) if t in ENVELOPE_TYPES]
    if len(set(declared)) != 1:
        raise InputError(f"{pointer}/type: an envelope is either an EnvelopedVerifiableCredential or an "
                         "EnvelopedVerifiablePresentation, not both", pointer=pointer + "/type")
    name = declared[0]
    ctx = value.get("@context")
    first = ctx[0] if isinstance(ctx, list) and ctx else ctx
    if first != VC_V2:
        raise InputError(f"{pointer}/@context: an {name} must have an @context starting with {VC_V2} (VCDM 2.0 "
                         f"§4.13), got {ctx!r:.120}", pointer=pointer + "/@context")
    vid = value.get("id")
    media, data = _data_url(vid, name, pointer)
    try:
        jwt, doc, kind = parse_jwt(data, limits)
    except InputError as exc:
        raise InputError(f"{pointer}/id: the {name}'s data: URL does not hold a readable JWT: {exc.detail}",
                         pointer=pointer + "/id") from exc
    wanted = ENVELOPE_TYPES[name]
    declared_by_media = ENVELOPE_MEDIA_TYPES[media]
    if kind != wanted or declared_by_media not in (None, wanted):
        raise InputError(f"{pointer}/id: an {name} of media type {media} carries a verifiable {kind}",
                         pointer=pointer + "/id")
    return jwt, doc, kind


def _data_url(vid: Any, name: str, pointer: str) -> tuple[str, str]:
    """(media type, data) of an envelope ``id`` (RFC 2397 ``data:[<mediatype>][;base64],<data>``)."""
    if not isinstance(vid, str) or not vid.startswith("data:") or "," not in vid:
        raise InputError(f"{pointer}/id: an {name}'s id must be a data: URL holding the secured document "
                         f"(data:application/vc+jwt,... / data:application/vp+jwt,...), got {str(vid)[:60]!r}",
                         pointer=pointer + "/id")
    head, data = vid[len("data:"):].split(",", 1)
    media, *params = [p.strip() for p in head.split(";")]
    media = media.lower()
    if media not in ENVELOPE_MEDIA_TYPES:
        raise InputError(f"{pointer}/id: an {name} of media type {media or '(none)'} is not supported (supported: "
                         f"{', '.join(ENVELOPE_MEDIA_TYPES)})", pointer=pointer + "/id")
    data = unquote(data)
    if any(p.lower() == "base64" for p in params):
        try:
            data = base64.b64decode(data, validate=True).decode("ascii")
        except (binascii.Error, ValueError) as exc:
            raise InputError(f"{pointer}/id: the {name}'s base64 data is not base64 ASCII text",
                             pointer=pointer + "/id") from exc
    return media, data


def _collect_nested(item: CredentialItem, items: list[CredentialItem], limits: Limits) -> None:
    """Append the credentials a presentation or a ClrCredential carries (depth-first, in order)."""
    doc = item.document
    members: list[tuple[str, Any]] = []
    if item.kind == "presentation":
        vcs = doc.get("verifiableCredential")
        members = _as_members(vcs, "/verifiableCredential")
    elif "ClrCredential" in _types(doc):
        subject = doc.get("credentialSubject")
        subjects = [("/credentialSubject", subject)] if isinstance(subject, dict) else \
            [(f"/credentialSubject/{i}", s) for i, s in enumerate(subject) if isinstance(s, dict)] \
            if isinstance(subject, list) else []
        for base, s in subjects:  # every subject's nested credentials, however credentialSubject is written
            members += _as_members(s.get("verifiableCredential"), base + "/verifiableCredential")
    endorsed = _endorsements(doc) if item.kind == "credential" else []
    for n, (rel, value) in enumerate(members + endorsed):
        if len(items) >= limits.max_credentials:
            raise InputError(f"more than {limits.max_credentials} credentials in one input")
        pointer = item.pointer + rel
        child = _member_item(value, pointer, item.pointer, limits)
        if item.endorsement or n >= len(members):
            child = replace(child, endorsement=True)
        items.append(child)
        _collect_nested(child, items, limits)


def _endorsements(doc: dict[str, Any]) -> list[tuple[str, Any]]:
    """(relative pointer, value) of every ``endorsement`` object and ``endorsementJwt`` string a credential
    carries (OB 3.0 §B.1.1 AchievementCredential, §B.2.2 Profile, §B.1.2 Achievement; CLR 2.0 ClrSubject's
    achievements): on the credential, its ``issuer``, each subject's ``achievement`` (one or a list) and
    that achievement's ``creator``."""
    holders: list[tuple[str, Any]] = [("", doc), ("/issuer", doc.get("issuer"))]
    subject = doc.get("credentialSubject")
    subjects = _as_members(subject, "/credentialSubject") if isinstance(subject, (dict, list)) else []
    for base, s in subjects:
        if not isinstance(s, dict):
            continue
        for a_base, achievement in _as_members(s.get("achievement"), base + "/achievement"):
            holders += [(a_base, achievement)]
            if isinstance(achievement, dict):
                holders.append((a_base + "/creator", achievement.get("creator")))
    out: list[tuple[str, Any]] = []
    for base, holder in holders:
        if isinstance(holder, dict):
            for name in ("endorsement", "endorsementJwt"):
                out += _as_members(holder.get(name), f"{base}/{name}")
    return out


def _as_members(value: Any, base: str) -> list[tuple[str, Any]]:
    if value is None:
        return []
    if isinstance(value, list):
        return [(f"{base}/{i}", v) for i, v in enumerate(value)]
    return [(base, value)]
