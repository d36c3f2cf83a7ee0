"""Node map -> RDF quads of canonical N-Quads terms (JSON-LD 1.1 API §8.1 Deserialize JSON-LD to RDF),
with the safe-mode refusal of relative IRIs built in.

This is pyld's ``_graph_to_rdf`` / ``_object_to_rdf`` / ``_list_to_rdf`` (the same rules, the same
skips) writing each term once as the string :mod:`verifier.jsonld.rdfc` hashes and sorts, instead of
building dicts that are serialised again for every hash. Options are fixed: no generalized RDF
(a blank-node predicate is skipped), no ``rdfDirection``, JSON-LD 1.1 processing mode.

Safe mode (Data Integrity §4): an IRI under :data:`~verifier.jsonld.loader.SAFE_MODE_BASE` came from a
relative reference and is refused, naming it (the rule of :func:`verifier.jsonld.safe_mode.check_dataset`);
a relative graph name is refused too.
"""

from __future__ import annotations

import re
from numbers import Integral, Real
from typing import Any

from pyld.identifier_issuer import IdentifierIssuer
from pyld.jsonld import KEYWORDS, _canonicalize_double, canonicalize as json_canonicalize

from verifier.errors import InvalidJsonLd
from verifier.jsonld.loader import SAFE_MODE_BASE
from verifier.jsonld.nquads import RDF_LANGSTRING, XSD_STRING, literal
from verifier.jsonld.rdfc import Quad
from verifier.jsonld.safe_mode import _check_iri

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = f"<{RDF}type>"
RDF_FIRST = f"<{RDF}first>"
RDF_REST = f"<{RDF}rest>"
RDF_NIL = f"<{RDF}nil>"
RDF_JSON = f"{RDF}JSON"
XSD_BOOLEAN, XSD_DOUBLE, XSD_INTEGER = f"{XSD}boolean", f"{XSD}double", f"{XSD}integer"

#: pyld's ``_is_absolute_iri`` (a scheme or ``_``, a colon, no whitespace), compiled once.
_ABSOLUTE = re.compile(r"^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$").match
_KEYWORDS = frozenset(KEYWORDS)


def _iri(value: str, what: str) -> str:
    if value.startswith(SAFE_MODE_BASE):
        _check_iri(value, what)  # raises, naming the relative reference
    return f"<{value}>"


#: property and @type IRIs (the vocabulary: few, repeated in every credential) -> their term; None when
#: relative (skipped). Only values that pass are kept; bounded by clearing.
_VOCAB_TERMS: dict[str, str | None] = {}
_VOCAB_TERMS_MAX = 8192


def _vocab_term(value: str, what: str) -> str | None:
    term = _VOCAB_TERMS.get(value, "")
    if term != "":
        return term
    if value.startswith("_:"):
        return value
    term = _iri(value, what) if _ABSOLUTE(value) else None
    if len(_VOCAB_TERMS) >= _VOCAB_TERMS_MAX:
        _VOCAB_TERMS.clear()
    _VOCAB_TERMS[value] = term
    return term


def node_map_quads(node_map: dict[str, dict[str, dict[str, Any]]], issuer: IdentifierIssuer) -> list[Quad]:
    """The quads of a node map, as pyld's ``to_rdf`` would emit them.

    :param node_map: ``{graph name: {node id: node}}`` from node map generation (not modified).
    :param issuer: the issuer that labelled the node map's blank nodes (list nodes get fresh labels from it).
    :returns: ``(subject, predicate, object, graph)`` tuples of canonical N-Quads terms (graph ``""`` for the default).
    :raises InvalidJsonLd: a relative IRI anywhere, or a relative graph name.
    """
    quads: list[Quad] = []
    for graph_name, graph in node_map.items():
        if graph_name == "@default":
            g = ""
        elif graph_name.startswith("_:"):
            g = graph_name
        elif _ABSOLUTE(graph_name):
            g = _iri(graph_name, "graph name")
        else:
            raise InvalidJsonLd(f"relative graph name {graph_name!r} (safe mode)")
        for id_, node in graph.items():
            if not _ABSOLUTE(id_):
                continue  # pyld skips relative subjects (safe-mode expansion has already refused them)
            s = id_ if id_.startswith("_:") else _iri(id_, "IRI")
            for prop, items in node.items():
                if prop == "@type":
                    for type_ in items:
                        o = _vocab_term(type_, "IRI")
                        if o is not None:
                            quads.append((s, RDF_TYPE, o, g))
                    continue
                if prop in _KEYWORDS or prop.startswith("_:"):
                    continue  # keywords; blank-node predicates (no generalized RDF)
                p = _vocab_term(prop, "property")
                if p is None:
                    continue  # relative properties
                for item in items:
                    if type(item) is dict and "@value" in item:  # _object's first case, without the call
                        quads.append((s, p, _literal(item), g))
                        continue
                    o = _object(item, issuer, quads, g)
                    if o is not None:
                        quads.append((s, p, o, g))
    return quads


def _object(item: Any, issuer: IdentifierIssuer, quads: list[Quad], g: str) -> str | None:
    """pyld's ``_object_to_rdf``: a value object -> literal, a list -> its head, a node -> IRI or blank node.

    :returns: the term, or None for a relative IRI (skipped, as pyld does).
    """
    if isinstance(item, str):  # an @type value
        return item if item.startswith("_:") else (_iri(item, "IRI") if _ABSOLUTE(item) else None)
    if "@value" in item:
        return _literal(item)
    if "@list" in item:
        return _list(item["@list"], issuer, quads, g)
    id_ = item["@id"]
    if id_.startswith("_:"):
        return id_
    return _iri(id_, "IRI") if _ABSOLUTE(id_) else None


def _literal(item: dict[str, Any]) -> str:
    value = item["@value"]
    datatype = item.get("@type")
    if type(value) is str and (datatype is None or (type(datatype) is str and datatype
                                                    and datatype != "@json" and datatype != XSD_DOUBLE)):
        # the common case, a string with no datatype or a plain one: the same result as the steps below
        if datatype is not None and datatype.startswith(SAFE_MODE_BASE):
            _check_iri(datatype, "datatype")
        if "@language" in item:
            return literal(value, datatype or RDF_LANGSTRING, item["@language"])
        return literal(value, datatype or XSD_STRING)
    if datatype is not None and datatype != "@json" and datatype.startswith(SAFE_MODE_BASE):
        _check_iri(datatype, "datatype")
    if datatype == "@json":
        return literal(json_canonicalize(value).decode("utf-8"), RDF_JSON)
    if isinstance(value, bool):
        return literal("true" if value else "false", datatype or XSD_BOOLEAN)
    if isinstance(value, Real) and not isinstance(value, Integral) and not float(value).is_integer():
        return literal(_canonicalize_double(value), datatype or XSD_DOUBLE)
    if datatype == XSD_DOUBLE:
        try:
            return literal(_canonicalize_double(float(value)), XSD_DOUBLE)
        except (ValueError, TypeError):
            return literal(value, XSD_DOUBLE)
    if isinstance(value, Integral) or (isinstance(value, Real) and float(value).is_integer()):
        if abs(value) >= 1e21:
            return literal(_canonicalize_double(value), datatype or XSD_DOUBLE)
        return literal(str(int(value)), datatype or XSD_INTEGER)
    if "@language" in item:
        return literal(value, datatype or RDF_LANGSTRING, item["@language"])
    return literal(value, datatype or XSD_STRING)


def _list(items: list[Any], issuer: IdentifierIssuer, quads: list[Quad], g: str) -> str:
    """pyld's ``_list_to_rdf``: an RDF collection of fresh blank nodes (``rdf:nil`` when empty)."""
    if not items:
        return RDF_NIL
    head = subject = issuer.get_id()
    for index, item in enumerate(items):
        o = _object(item, issuer, quads, g)
        if o is None:
            raise InvalidJsonLd("a list member is a relative IRI (safe mode)")
        rest = issuer.get_id() if index < len(items) - 1 else RDF_NIL
        quads.append((subject, RDF_FIRST, o, g))
        quads.append((subject, RDF_REST, rest, g))
        subject = rest
    return head


__all__ = ["node_map_quads", "RDF_LANGSTRING", "XSD_STRING"]
