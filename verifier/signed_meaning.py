"""The signed-meaning gate: what the checks read from the JSON must be what the proof signs.

An RDF-canonicalised proof (eddsa-rdfc-2022, ecdsa-rdfc-2019, Ed25519Signature2020/2018,
EcdsaSecp256k1Signature2019, JsonWebSignature2020) signs the document's *meaning*, the RDF dataset
(Data Integrity 1.0 §4.4; RDFC-1.0), not its JSON key names. JSON-LD offers many spellings of one
dataset: an inline alias (``"xCredentialStatus": {"@id": "cred:credentialStatus"}``), a prefix or
compact IRI, an absolute IRI as key, ``@vocab``, value objects, type- and property-scoped contexts,
``@nest``, ``@included`` and ``@graph`` blocks, ``@reverse``, node objects merged by ``id``, arrays
where one value is expected. Our checks (status, validity, issuer key, trust, proof options) read
the JSON in its plain spelling. Without this gate a revoked credential re-spelled so that the JSON
key ``credentialStatus`` is absent still verifies (issue 8).

Design: canonicalisation already builds the node map, the flattened form from which the signed
triples are emitted (:class:`~verifier.jsonld.SignedGraph`). For every node the checks read
(:data:`verifier.checked_terms.SHAPES`) we compare, property by property, the plain reading of the
JSON (the checked term, spelled as the pinned contexts spell it, at the place the check reads it)
with the signed node's values of the IRIs that term stands for. Any difference -- a value the JSON
shows that is not signed where it is shown, or a signed value the plain reading does not see --
raises :class:`~verifier.errors.SignedMeaningMismatch`. Because the comparison is made against the
node map, it is independent of how the JSON-LD was written: every spelling that yields the signed
dataset either reads the same in plain JSON or is refused.
"""

from __future__ import annotations

import json
from typing import Any, Callable

from verifier.checked_terms import (GRAPH, KNOWN_TYPES, LITERAL, MERGEABLE_TYPES, PROOF_PURPOSES, REF, SHAPES, VOCAB,
                                    Shape, Term)
from verifier.errors import SignedMeaningMismatch
from verifier.jsonld.graph import SignedGraph

__all__ = ["check_reading"]

#: key -> the IRI it expands to in the document's top-level context (None when it does not), for messages.
KeyNamer = Callable[[str], "str | None"]


class _Mismatch(Exception):
    def __init__(self, path: str, reason: str, *, term: Term | None = None, obj: Any = None):
        super().__init__(reason)
        self.path, self.reason, self.term, self.obj = path, reason, term, obj


def check_reading(document: dict[str, Any], graph: SignedGraph, shape: str, *, name_key: KeyNamer | None = None) -> None:
    """Refuse ``document`` unless its plain reading equals the signed meaning for every checked property.

    :param document: the JSON object that was canonicalised (a credential or presentation without its
        ``proof``, or a proof configuration).
    :param graph: the node map canonicalisation built from ``document``.
    :param shape: ``"credential"``, ``"presentation"`` or ``"proof"`` (a key of ``SHAPES``).
    :param name_key: optional; expands a top-level key with the document's context, to name an alias.
    :raises SignedMeaningMismatch: the JSON and the signed data disagree; the detail names the property.
    """
    try:
        if graph.top is None:
            raise _Mismatch("", "the top level of the document does not expand to a single node, so the "
                            "object the checks read is not the one that is signed (@graph or @included at the top)")
        node = graph.node(graph.top)
        if node is None:  # pragma: no cover - node map generation always creates the top node
            raise _Mismatch("", "the top-level node is missing from the signed data")
        _compare_node(document, node, "@default", SHAPES[shape], graph, "")
    except _Mismatch as m:
        raise SignedMeaningMismatch(_explain(m, name_key), pointer=m.path or "/") from None


def _explain(m: _Mismatch, name_key: KeyNamer | None) -> str:
    where = f"`{m.path}`" if m.path else "the document"
    if m.term is not None and isinstance(m.obj, dict):
        aliases = [k for k in m.obj if k != m.term.name and not k.startswith("@") and _names(name_key, k, m.term)]
        if aliases:
            return (f"`{aliases[0]}` is `{m.term.name}` under another name: the signature covers {m.term.name} "
                    f"({m.term.iris[0]}), which the checks read only as `{m.term.name}` ({where}: {m.reason})")
    return (f"{where}: {m.reason}. The JSON and the signed data disagree here; the property is written in a way "
            "the checks do not read (an alias, a prefix or absolute IRI as key, @vocab, a value object, @nest, "
            "@included, @reverse, or a node merged by id), so the document is refused")


def _names(name_key: KeyNamer | None, key: str, term: Term) -> bool:
    if name_key is None:
        return False
    try:
        return name_key(key) in term.iris
    except Exception:  # naming is only for the message; never let it hide the refusal
        return False


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _is_blank(node_id: Any) -> bool:
    return isinstance(node_id, str) and node_id.startswith("_:")


def _compare_node(obj: dict[str, Any], node: dict[str, Any], graph_name: str, shape: Shape, graph: SignedGraph,
                  path: str) -> None:
    signed_id = node.get("@id")
    json_id = obj.get("id")
    if _is_blank(json_id):
        # RDFC-1.0 relabels blank nodes, so a label is not signed: the checks would read it as an identifier
        # (a learner's id, an issuer's id) that the signature does not carry.
        raise _Mismatch(path + "/id", f"the JSON id {json_id!r} is a blank-node label, which the signature does "
                        "not cover; an identifier must be an IRI")
    if _is_blank(signed_id):
        if json_id is not None:
            raise _Mismatch(path + "/id", f"the JSON id {json_id!r} is not the signed identifier (a blank node)")
    elif json_id != signed_id:
        raise _Mismatch(path + "/id", f"the signed id is {signed_id!r}, the JSON id is {json_id!r}")
    _compare_types(obj, node, shape, path)
    for term in shape.terms:
        value = obj.get(term.name)
        signed = [v for iri in term.iris if iri in node for v in node[iri]]
        if value is None and not signed:
            continue  # neither the JSON nor the signed data states it
        _compare_term(term, _as_list(value), signed, obj, graph_name, graph, f"{path}/{term.name}")


#: every class IRI the checks know a name for.
KNOWN_TYPE_IRIS = frozenset(i for iris in KNOWN_TYPES.values() for i in iris)


def _local_name(iri: str) -> str:
    return iri.rsplit("#", 1)[-1] if "#" in iri else iri.rstrip("/").rsplit("/", 1)[-1]


def _classes_named(name: str, signed: set[str]) -> set[str]:
    """The signed class IRIs a JSON type name stands for.

    A class the checks know by name (OpenBadgeCredential, ClrCredential, ...) must be written by that name:
    the checks compare names, so its IRI (or another name for it) would hide it from them. Any other name
    is its class IRI or that IRI's last segment.
    """
    known = KNOWN_TYPES.get(name)
    if known is not None:
        return set(known & signed)
    return {i for i in signed if (i == name or _local_name(i) == name) and i not in KNOWN_TYPE_IRIS}


def _compare_types(obj: dict[str, Any], node: dict[str, Any], shape: Shape, path: str) -> None:
    names = _as_list(obj.get("type"))
    signed = set(node.get("@type", []))
    matched: set[str] = set()
    for name in names:
        if not isinstance(name, str):
            raise _Mismatch(path + "/type", f"type value {name!r} is not a string")
        found = _classes_named(name, signed)
        if not found:
            raise _Mismatch(path + "/type", f"the JSON type {name!r} is not among the signed types {sorted(signed)}")
        matched |= found
    if shape.types and signed - matched - MERGEABLE_TYPES:
        raise _Mismatch(path + "/type", f"the signed type {sorted(signed - matched - MERGEABLE_TYPES)[0]} is not "
                        f"among the JSON's type names {names}")


def _literal_token(value: Any) -> tuple[str, Any] | None:
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float)):
        return ("number", value)
    if isinstance(value, str):
        return ("string", value)
    return None


def _signed_token(value: dict[str, Any]) -> tuple[str, Any]:
    if "@value" in value:
        token = _literal_token(value["@value"])
        return token if token is not None else ("json", json.dumps(value["@value"], sort_keys=True))
    if "@id" in value:
        return ("iri", value["@id"])
    return ("list", json.dumps(value, sort_keys=True))


def _compare_term(term: Term, values: list[Any], signed: list[dict[str, Any]], obj: dict[str, Any], graph_name: str,
                  graph: SignedGraph, path: str) -> None:
    def fail(reason: str) -> _Mismatch:
        return _Mismatch(path, reason, term=term, obj=obj)

    if term.kind == LITERAL:
        tokens = {_literal_token(v) for v in values}
        if None in tokens:
            raise fail("the JSON value is not a plain string, number or boolean")
        signed_tokens = {_signed_token(v) for v in signed}
        if tokens != signed_tokens:
            raise fail(_count_reason(values, signed) or "the JSON value is not the signed value")
    elif term.kind == VOCAB:
        signed_iris = {v.get("@id") for v in signed}
        wanted = [PROOF_PURPOSES.get(v, frozenset({v})) if isinstance(v, str) else frozenset() for v in values]
        if len(set(map(str, values))) != len(signed_iris) or not all(w & signed_iris for w in wanted) \
                or not signed_iris <= set().union(*wanted):
            raise fail(_count_reason(values, signed) or "the JSON value is not the signed value")
    elif term.kind in (REF, GRAPH):
        _compare_refs(term, values, signed, graph_name, graph, path, fail)
    else:  # pragma: no cover - the table only uses the kinds above
        raise ValueError(term.kind)


def _count_reason(values: list[Any], signed: list[Any]) -> str | None:
    if len(values) != len(signed):
        return f"the signed data has {len(signed)} value(s) here, the JSON {len(values)}"
    return None


def _compare_refs(term: Term, values: list[Any], signed: list[dict[str, Any]], graph_name: str, graph: SignedGraph,
                  path: str, fail: Callable[[str], _Mismatch]) -> None:
    """Match each JSON value (an IRI string or a node object) with one signed value, and none left over."""
    shape = SHAPES[term.shape] if term.shape else SHAPES["nested_credential"]
    unmatched = list(range(len(signed)))
    for index, value in enumerate(values):
        at = f"{path}/{index}" if len(values) > 1 else path
        if isinstance(value, str):
            hit = _match_string(value, signed, unmatched, graph_name, graph, shape)
        elif isinstance(value, dict):
            hit = _match_object(value, signed, unmatched, graph_name, graph, shape, at, term.kind == GRAPH)
        else:
            raise fail(f"a JSON value of type {type(value).__name__} cannot name a node")
        if hit is None:
            raise fail(_count_reason(values, signed) or f"the JSON value {value!r:.80} is not a signed value here")
        if hit in unmatched:
            unmatched.remove(hit)
    if unmatched:
        raise fail(_count_reason(values, signed) or "a signed value here is not in the JSON")


def _match_string(value: str, signed: list[dict[str, Any]], unmatched: list[int], graph_name: str,
                  graph: SignedGraph, shape: Shape) -> int | None:
    """An IRI string matches a signed reference to that IRI whose node carries no checked property
    (the plain reading of a string sees none), or a literal with that value."""
    for i, s in enumerate(signed):
        if s.get("@id") == value:
            node = graph.node(value, graph_name) or {}
            if any(iri in node for t in shape.terms for iri in t.iris):
                return None
            return i
        if s.get("@value") == value and isinstance(s.get("@value"), str):
            return i
    return None


def _match_object(value: dict[str, Any], signed: list[dict[str, Any]], unmatched: list[int], graph_name: str,
                  graph: SignedGraph, shape: Shape, path: str, named_graph: bool) -> int | None:
    json_id = value.get("id")
    first_error: _Mismatch | None = None
    for i, s in enumerate(signed):
        ref = s.get("@id")
        if not isinstance(ref, str):
            continue
        if named_graph and ref in graph.node_map and ref != "@default":
            ok = _graph_holds(value, graph.node_map[ref])
        else:
            if isinstance(json_id, str) and not _is_blank(json_id):
                if ref != json_id:
                    continue
            elif not _is_blank(ref) or i not in unmatched:
                continue
            node = graph.node(ref, graph_name)
            if node is None:
                continue
            try:
                _compare_node(value, node, graph_name, shape, graph, path)
                ok = True
            except _Mismatch as m:
                first_error = first_error or m
                ok = False
        if ok and (i in unmatched or not _is_blank(ref)):
            return i
    if first_error is not None:
        raise first_error
    return None


def _graph_holds(value: dict[str, Any], nodes: dict[str, dict[str, Any]]) -> bool:
    """A credential in a ``@graph`` container (a presentation's ``verifiableCredential``, VCDM 2.0 §4.13)
    matches a named graph holding a node with its id (or, without one, a blank node) and its types.
    Its contents are judged by its own proof, which covers it standalone."""
    json_id = value.get("id")
    names = [n for n in _as_list(value.get("type")) if isinstance(n, str)]
    for node_id, node in nodes.items():
        if isinstance(json_id, str) and not _is_blank(json_id):
            if node_id != json_id:
                continue
        elif not _is_blank(node_id):
            continue
        signed = set(node.get("@type", []))
        if all(_classes_named(n, signed) for n in names):
            return True
    return False
