"""Hostile baked badge images (issue 11): each is refused with a clear reason, never parsed into a credential."""

from __future__ import annotations

import json
import zlib

import pytest

from tests.ob2.baking import bake_png, bake_svg, chunk, itxt
from verifier.baked import extract
from verifier.errors import InputError

CAP = 100_000
DOC = json.dumps({"@context": "https://w3id.org/openbadges/v2", "type": "Assertion", "id": "https://a.example/1"})


def test_two_openbadges_chunks_are_refused():
    """Which one would count? A second chunk could carry another credential than the one displayed."""
    with pytest.raises(InputError, match="2 openbadges chunks"):
        extract(bake_png(DOC, "https://mallory.example/other.json"), CAP)


def test_an_openbadges_chunk_after_iend_is_not_read():
    png = bake_png(DOC) + itxt("https://mallory.example/x.json")
    assert extract(png, CAP).data == DOC.encode()


def test_bad_crc_is_refused():
    png = bytearray(bake_png(DOC))
    at = png.index(b"openbadges") + 12
    png[at] ^= 0xFF
    with pytest.raises(InputError, match="CRC"):
        extract(bytes(png), CAP)


def test_chunk_length_past_the_end_is_refused():
    png = bake_png(DOC)[:-12] + b"\x7f\xff\xff\xffIEND"
    with pytest.raises(InputError, match="runs past the end|truncated"):
        extract(png, CAP)


def test_compressed_text_bomb_stops_at_the_cap():
    bomb = chunk(b"iTXt", b"openbadges\x00\x01\x00\x00\x00" + zlib.compress(b"{" + b" " * 5_000_000))
    png = bake_png(extra=bomb)
    assert len(png) < CAP
    with pytest.raises(InputError, match="inflates beyond"):
        extract(png, CAP)


def test_oversized_image_is_refused_before_reading():
    with pytest.raises(InputError, match="limit"):
        extract(bake_png(DOC) + b"\x00" * CAP, CAP)


def test_text_chunk_is_not_a_baked_badge():
    with pytest.raises(InputError, match="tEXt"):
        extract(bake_png(extra=chunk(b"tEXt", b"openbadges\x00" + DOC.encode())), CAP)


BILLION_LAUGHS = ('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
                  '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>')


def test_entity_expansion_bomb_is_refused():
    svg = bake_svg("&c;", prolog=BILLION_LAUGHS).replace(b"<![CDATA[&c;]]>", b"&c;")
    with pytest.raises(InputError, match="refused"):
        extract(svg, CAP)


def test_external_entity_is_refused():
    prolog = '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    svg = bake_svg("x", prolog=prolog).replace(b"<![CDATA[x]]>", b"&x;")
    with pytest.raises(InputError, match="refused"):
        extract(svg, CAP)


def test_two_svg_elements_are_refused():
    svg = bake_svg(DOC).replace(b"<rect", b"<openbadges:assertion verify=\"https://mallory.example/x\"/><rect")
    with pytest.raises(InputError, match="2 openbadges elements"):
        extract(svg, CAP)


def test_svg_without_a_badge_and_garbage_are_refused():
    with pytest.raises(InputError, match="no openbadges"):
        extract(b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', CAP)
    with pytest.raises(InputError, match="not a PNG or SVG"):
        extract(b"GIF89a....", CAP)
    with pytest.raises(InputError, match="not well-formed"):
        extract(b"<svg><unclosed></svg>", CAP)
