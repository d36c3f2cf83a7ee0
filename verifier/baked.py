"""Baked badges: the credential carried inside a PNG or SVG image (issue 11, "Verify by image").

Open Badges 2.0 "Baking" and Open Badges 3.0 §5.3 "Badge Baking":

* PNG: one ``iTXt`` chunk with keyword ``openbadges``; its text is an OB 2.0 assertion (JSON), its URL
  (hosted), a JWS (signed), or an OB 3.0 credential (JSON) or VC-JWT. Read by a careful chunk reader:
  signature, lengths and CRC-32 checked, at most :data:`MAX_PNG_CHUNKS` chunks, a compressed text inflated
  no further than the image size limit. Two ``openbadges`` chunks are refused (which would count?).
* SVG: one ``openbadges:assertion`` (namespace ``http://openbadges.org``, OB 2.0) or
  ``openbadges:credential`` (namespace ``https://purl.imsglobal.org/ob/v3p0``, OB 3.0) element; its text
  (JSON in CDATA) or, without text, its ``verify`` attribute (a URL or a compact JWS). Parsed with
  defusedxml: a DTD, entity declarations (entity-expansion bombs) and external references are refused.

:func:`extract` returns what the image carries: :class:`Baked` with ``data`` (JSON or JWS bytes) or ``url``.
Every refusal is an :class:`verifier.errors.InputError` naming the rule.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from verifier.errors import InputError

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_PNG_CHUNKS = 10_000
KEYWORD = b"openbadges"
OB2_NS = "http://openbadges.org"
OB3_NS = "https://purl.imsglobal.org/ob/v3p0"
_SVG_TAGS = (f"{{{OB2_NS}}}assertion", f"{{{OB3_NS}}}credential")


@dataclass(frozen=True)
class Baked:
    """What a baked image carries: ``data`` (JSON or compact JWS bytes) or ``url`` (a hosted assertion).

    :ivar image: ``png`` or ``svg``.
    """

    image: str
    data: bytes | None = None
    url: str | None = None


def image_kind(data: bytes) -> str | None:
    """``png``, ``svg`` or None, from the first bytes."""
    if data.startswith(PNG_SIGNATURE):
        return "png"
    head = data[:1024].lstrip().lower()
    if head.startswith(b"<?xml") or head.startswith(b"<svg") or head.startswith(b"<!--"):
        return "svg" if b"<svg" in data[:65536].lower() else None
    return None


def _payload(text: bytes, image: str) -> Baked:
    text = text.strip()
    if not text:
        raise InputError(f"the {image} image's openbadges payload is empty")
    if text[:1] in (b"{", b"["):
        return Baked(image, data=text)
    try:
        value = text.decode("ascii")
    except UnicodeDecodeError as exc:
        raise InputError(f"the {image} image's openbadges payload is neither JSON, a URL nor a JWS") from exc
    if value.startswith(("https://", "http://")):
        return Baked(image, url=value)
    return Baked(image, data=text)  # a compact JWS / JWT: the parser judges it


def _itxt_text(body: bytes, max_bytes: int) -> bytes | None:
    """The text of an ``iTXt`` chunk whose keyword is ``openbadges`` (PNG 1.2 §11.3.4.5), else None."""
    keyword, sep, rest = body.partition(b"\x00")
    if keyword != KEYWORD:
        return None
    if not sep or len(rest) < 2:
        raise InputError("the PNG openbadges iTXt chunk is truncated")
    flag, method, rest = rest[0], rest[1], rest[2:]
    _lang, sep1, rest = rest.partition(b"\x00")
    _translated, sep2, text = rest.partition(b"\x00")
    if not (sep1 and sep2):
        raise InputError("the PNG openbadges iTXt chunk is truncated")
    if flag == 0:
        return text
    if flag != 1 or method != 0:
        raise InputError("the PNG openbadges iTXt chunk uses an unknown compression")
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(text, max_bytes + 1)
    except zlib.error as exc:
        raise InputError("the PNG openbadges iTXt chunk does not inflate") from exc
    if len(out) > max_bytes or inflater.unconsumed_tail:
        raise InputError(f"the PNG openbadges text inflates beyond {max_bytes} bytes")
    return out


def extract_png(data: bytes, max_bytes: int) -> Baked:
    """The openbadges payload of a PNG image.

    :raises InputError: not a PNG, a malformed chunk (length, CRC), no or several openbadges chunks.
    """
    if not data.startswith(PNG_SIGNATURE):
        raise InputError("not a PNG image (bad signature)")
    pos, found, count = len(PNG_SIGNATURE), [], 0
    while pos < len(data):
        if len(data) - pos < 12:
            raise InputError(f"the PNG image is truncated at byte {pos}")
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        end = pos + 8 + length
        if length > 0x7FFFFFFF or end + 4 > len(data):
            raise InputError(f"the PNG chunk at byte {pos} runs past the end of the image")
        body = data[pos + 8:end]
        (crc,) = struct.unpack(">I", data[end:end + 4])
        if zlib.crc32(ctype + body) & 0xFFFFFFFF != crc:
            raise InputError(f"the PNG chunk {ctype.decode('latin-1')!r} at byte {pos} fails its CRC")
        count += 1
        if count > MAX_PNG_CHUNKS:
            raise InputError(f"the PNG image has more than {MAX_PNG_CHUNKS} chunks")
        if ctype == b"iTXt":
            text = _itxt_text(body, max_bytes)
            if text is not None:
                found.append(text)
        elif ctype == b"tEXt" and body.split(b"\x00", 1)[0] == KEYWORD:
            raise InputError("the PNG carries openbadges in a tEXt chunk; baked badges use iTXt (OB 2.0 Baking)")
        pos = end + 4
        if ctype == b"IEND":
            break
    if not found:
        raise InputError("the PNG image carries no openbadges iTXt chunk: it is not a baked badge")
    if len(found) > 1:
        raise InputError(f"the PNG image carries {len(found)} openbadges chunks; a baked badge has exactly one")
    return _payload(found[0], "png")


def extract_svg(data: bytes) -> Baked:
    """The openbadges payload of an SVG image.

    :raises InputError: not well-formed XML, a DTD or entity declaration, no or several openbadges elements.
    """
    try:
        root = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise InputError(f"the SVG image is refused: {type(exc).__name__} (a DTD, entity declarations and "
                         "external references are not allowed)") from exc
    except SafeET.ParseError as exc:
        raise InputError(f"the SVG image is not well-formed XML: {exc}") from exc
    found = [el for el in root.iter() if el.tag in _SVG_TAGS]
    if not found:
        raise InputError("the SVG image carries no openbadges:assertion or openbadges:credential element")
    if len(found) > 1:
        raise InputError(f"the SVG image carries {len(found)} openbadges elements; a baked badge has exactly one")
    element = found[0]
    text = (element.text or "").strip()
    if text:
        return _payload(text.encode("utf-8"), "svg")
    verify = element.get("verify")
    if verify:
        return _payload(verify.encode("utf-8"), "svg")
    raise InputError("the SVG openbadges element has neither content nor a verify attribute")


def extract(data: bytes, max_bytes: int) -> Baked:
    """The credential a baked PNG or SVG carries.

    :param data: the image bytes.
    :param max_bytes: largest image (and inflated text) accepted, bytes.
    :raises InputError: too large, not a PNG/SVG, or not a baked badge.
    """
    if len(data) > max_bytes:
        raise InputError(f"the image is {len(data)} bytes; the limit is {max_bytes} bytes")
    kind = image_kind(data)
    if kind == "png":
        return extract_png(data, max_bytes)
    if kind == "svg":
        return extract_svg(data)
    raise InputError("not a PNG or SVG image")
