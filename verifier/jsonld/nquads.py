"""Canonical N-Quads serialisation of one quad (RDFC-1.0 §4 refers to the N-Quads canonical form).

pyld's ``serialize_nquad`` escapes only ``\\ \\t \\n \\r "``. The canonical form (RDF 1.2 N-Quads
§"Canonical N-Quads", as used by RDFC-1.0 and rdf-canonize) also requires:

* ``\\b`` (U+0008) and ``\\f`` (U+000C) as ECHAR;
* U+0000–U+0007, U+000B, U+000E–U+001F and U+007F as ``\\uXXXX`` (lower-case ``u``, upper-case hex).

Every other character, including non-ASCII, is written as itself (UTF-8 when hashed).
"""

from __future__ import annotations

import re
from typing import Any

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

_ECHAR = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"}
_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f\x7f"\\]')


def _escape_char(match: re.Match[str]) -> str:
    char = match.group(0)
    return _ECHAR.get(char) or f"\\u{ord(char):04X}"


def escape_literal(value: str) -> str:
    """Escape a literal's lexical form for canonical N-Quads (RDFC-1.0 §4; RDF 1.2 N-Quads canonical form).

    :param value: the lexical form.
    :returns: the escaped text to put between double quotes.
    """
    return _NEEDS_ESCAPE.sub(_escape_char, value)


def literal(value: str, datatype: str = XSD_STRING, language: str | None = None) -> str:
    """One literal as a canonical N-Quads term: ``"lexical"``, ``"lexical"@lang`` or ``"lexical"^^<datatype>``.

    :param value: the lexical form (escaped here).
    :param datatype: the datatype IRI; ``rdf:langString`` with ``language`` gives a language-tagged string.
    """
    text = f'"{_NEEDS_ESCAPE.sub(_escape_char, value)}"'
    if datatype == XSD_STRING:
        return text
    if datatype == RDF_LANGSTRING:
        return f"{text}@{language}" if language else text
    return f"{text}^^<{datatype}>"


def term(component: dict[str, Any]) -> str:
    """One RDF term in pyld's shape (``{"type": "IRI" | "blank node" | "literal", "value", ["datatype"],
    ["language"]}``) as a canonical N-Quads term (``<iri>``, ``_:label`` or a literal)."""
    if component["type"] == "IRI":
        return f"<{component['value']}>"
    if component["type"] == "blank node":
        return component["value"]
    return literal(component["value"], component.get("datatype", XSD_STRING), component.get("language"))


def serialize_quad(quad: dict[str, Any]) -> str:
    """Serialise one quad in canonical N-Quads form, newline-terminated.

    :param quad: pyld's quad shape: ``subject``, ``predicate``, ``object`` and optional ``name``,
        each ``{"type": "IRI" | "blank node" | "literal", "value", ["datatype"], ["language"]}``.
    :returns: ``"<s> <p> <o> [<g>] .\\n"``.
    """
    parts = [term(quad["subject"]), term(quad["predicate"]), term(quad["object"])]
    name = quad.get("name")
    if name is not None and name.get("value") is not None:
        parts.append(term(name))
    return " ".join(parts) + " .\n"
