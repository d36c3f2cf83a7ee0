"""Bake credentials into PNG and SVG images (tests only): OB 2.0 "Baking", OB 3.0 §5.3."""

from __future__ import annotations

import struct
import zlib

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def chunk(ctype: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + ctype + body + struct.pack(">I", zlib.crc32(ctype + body) & 0xFFFFFFFF)


def itxt(text: str | bytes, *, keyword: bytes = b"openbadges", compressed: bool = False) -> bytes:
    data = text.encode("utf-8") if isinstance(text, str) else text
    if compressed:
        data = zlib.compress(data)
    return chunk(b"iTXt", keyword + b"\x00" + bytes([1 if compressed else 0, 0]) + b"\x00\x00" + data)


def bake_png(*payloads: str | bytes, compressed: bool = False, extra: bytes = b"") -> bytes:
    """A 1x1 grey PNG carrying one ``openbadges`` iTXt chunk per payload."""
    ihdr = chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
    idat = chunk(b"IDAT", zlib.compress(b"\x00\x00"))
    return (PNG_SIGNATURE + ihdr + b"".join(itxt(p, compressed=compressed) for p in payloads) + extra + idat
            + chunk(b"IEND", b""))


def bake_svg(payload: str, *, ob3: bool = False, attribute: bool = False, prolog: str = "") -> bytes:
    """An SVG with ``openbadges:assertion`` (OB 2.0) or ``openbadges:credential`` (OB 3.0)."""
    ns = "https://purl.imsglobal.org/ob/v3p0" if ob3 else "http://openbadges.org"
    tag = "credential" if ob3 else "assertion"
    element = (f'<openbadges:{tag} verify="{payload}"/>' if attribute
               else f"<openbadges:{tag}><![CDATA[{payload}]]></openbadges:{tag}>")
    return (f'{prolog}<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="{ns}" width="10" height="10">'
            f'{element}<rect width="10" height="10"/></svg>').encode("utf-8")
