"""Re-spellings of a signed JSON-LD document that keep its RDF dataset (and so its RDF-canonicalised
proof) unchanged, for the signed-meaning tests (issue 8 section 1).

Each spelling takes the document, the JSON pointer of the object holding the property, the property's
plain term and the term's definition (IRI and coercion), and returns a new document. Whether the signed
data really stayed the same is not assumed: :func:`signed_bytes` computes what the signature covers, and
the tests compare it with the original's.
"""

from __future__ import annotations

import copy
from typing import Any, Callable

from verifier.options import ResourceConfig
from verifier.suites.embedded import verify_data
from verifier.suites.registry import SUITES

CRED = "https://www.w3.org/2018/credentials#"
SEC = "https://w3id.org/security#"
STATUS = "https://www.w3.org/ns/credentials/status#"
SL2021 = "https://w3id.org/vc/status-list#"
XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"

#: plain term -> its definition in the pinned contexts (for an inline alias that means the same).
DEFINITIONS: dict[str, dict[str, Any]] = {
    "credentialStatus": {"@id": CRED + "credentialStatus", "@type": "@id"},
    "credentialSubject": {"@id": CRED + "credentialSubject", "@type": "@id"},
    "credentialSchema": {"@id": CRED + "credentialSchema", "@type": "@id"},
    "issuer": {"@id": CRED + "issuer", "@type": "@id"},
    "holder": {"@id": CRED + "holder", "@type": "@id"},
    "verifiableCredential": {"@id": CRED + "verifiableCredential", "@type": "@id", "@container": "@graph"},
    "validFrom": {"@id": CRED + "validFrom", "@type": XSD_DATETIME},
    "validUntil": {"@id": CRED + "validUntil", "@type": XSD_DATETIME},
    "issuanceDate": {"@id": CRED + "issuanceDate", "@type": XSD_DATETIME},
    "expirationDate": {"@id": CRED + "expirationDate", "@type": XSD_DATETIME},
    "statusListIndex": {"@id": STATUS + "statusListIndex"},
    "statusPurpose": {"@id": STATUS + "statusPurpose"},
    "statusListCredential": {"@id": STATUS + "statusListCredential", "@type": "@id"},
    "expires": {"@id": SEC + "expiration", "@type": XSD_DATETIME},
    "created": {"@id": "http://purl.org/dc/terms/created", "@type": XSD_DATETIME},
}
#: StatusList2021 (VCDM 1.1 credentials) spells the status terms in its own vocabulary.
DEFINITIONS_SL2021 = {
    "statusListIndex": {"@id": SL2021 + "statusListIndex"},
    "statusPurpose": {"@id": SL2021 + "statusPurpose"},
    "statusListCredential": {"@id": SL2021 + "statusListCredential", "@type": "@id"},
}


def definition(term: str, doc: dict[str, Any]) -> dict[str, Any]:
    """The definition of ``term`` in the contexts ``doc`` uses."""
    if term in DEFINITIONS_SL2021 and "https://w3id.org/vc/status-list/2021/v1" in _contexts(doc):
        return DEFINITIONS_SL2021[term]
    return DEFINITIONS[term]


def _contexts(doc: dict[str, Any]) -> list[Any]:
    ctx = doc.get("@context")
    return ctx if isinstance(ctx, list) else [ctx]


def _at(doc: dict[str, Any], pointer: str) -> dict[str, Any]:
    node: Any = doc
    for part in [p for p in pointer.split("/") if p]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def _add_context(doc: dict[str, Any], local: dict[str, Any]) -> None:
    doc["@context"] = _contexts(doc) + [local]


def _expanded_value(value: Any, term_def: dict[str, Any]) -> Any:
    """``value`` written so that it means the same without the term's coercion."""
    coercion = term_def.get("@type")
    if term_def.get("@container") == "@graph":  # each value is a graph object of its own
        return [{"@graph": v} for v in (value if isinstance(value, list) else [value])]
    if isinstance(value, list):
        return [_expanded_value(v, term_def) for v in value]
    if coercion == "@id" and isinstance(value, str):
        return {"@id": value}
    if coercion not in (None, "@id") and isinstance(value, str):
        return {"@value": value, "@type": coercion}
    return value


Spelling = Callable[[dict[str, Any], str, str, dict[str, Any], str], dict[str, Any]]


def inline_alias(doc, pointer, term, term_def, name="xAlias"):
    """An inline ``@context`` term with the same IRI and coercion, used as the key."""
    out = copy.deepcopy(doc)
    holder = _at(out, pointer)
    _add_context(out, {name: dict(term_def)})
    holder[name] = holder.pop(term)
    return out


def absolute_iri_key(doc, pointer, term, term_def, name=""):
    """The property's absolute IRI as the key (value written as the coercion would make it)."""
    out = copy.deepcopy(doc)
    holder = _at(out, pointer)
    holder[term_def["@id"]] = _expanded_value(holder.pop(term), term_def)
    return out


def compact_iri_key(doc, pointer, term, term_def, name="xp"):
    """A prefix for the property's namespace and a compact IRI ``prefix:local`` as the key."""
    out = copy.deepcopy(doc)
    iri = term_def["@id"]
    namespace, local = iri.rsplit("#", 1)[0] + "#", iri.rsplit("#", 1)[1]
    _add_context(out, {name: namespace})
    holder = _at(out, pointer)
    holder[f"{name}:{local}"] = _expanded_value(holder.pop(term), term_def)
    return out


def vocab_key(doc, pointer, term, term_def, name=""):
    """``@vocab`` set so that an otherwise undefined key lands on the property's IRI."""
    out = copy.deepcopy(doc)
    iri = term_def["@id"]
    cut = len(iri.rsplit("#", 1)[0]) + 2  # keep '#' and the property's first letter in @vocab
    _add_context(out, {"@vocab": iri[:cut]})
    holder = _at(out, pointer)
    key = iri[cut:]  # "redentialStatus": no context defines it, so @vocab makes it the property's IRI
    holder[key] = _expanded_value(holder.pop(term), term_def)
    return out


def value_object(doc, pointer, term, term_def, name=""):
    """The plain key, with the value written as a value object (``{"@value": ...}``), or a node
    object's ``id`` written as the keyword ``@id``."""
    out = copy.deepcopy(doc)
    holder = _at(out, pointer)
    value = holder[term]
    if isinstance(value, dict) and "id" in value:
        value["@id"] = value.pop("id")
    elif isinstance(value, str) and term_def.get("@type") in (None, "@vocab"):
        holder[term] = {"@value": value}
    else:
        holder[term] = _expanded_value(value, term_def)
    return out


def type_scoped(doc, pointer, term, term_def, name="xAlias"):
    """A second name for the node's first type (same IRI, so the same triple) whose type-scoped
    ``@context`` defines the property's alias; the node's other types and their scoped contexts stay."""
    out = copy.deepcopy(doc)
    holder = _at(out, pointer)
    types = holder["type"] if isinstance(holder["type"], list) else [holder["type"]]
    type_iri = {"VerifiableCredential": CRED + "VerifiableCredential",
                "VerifiablePresentation": CRED + "VerifiablePresentation",
                "BitstringStatusListEntry": STATUS + "BitstringStatusListEntry",
                "StatusList2021Entry": SL2021 + "StatusList2021Entry"}[types[0]]
    _add_context(out, {"XType": {"@id": type_iri, "@context": {name: dict(term_def)}}})
    holder["type"] = types + ["XType"]
    holder[name] = holder.pop(term)
    return out


def property_scoped(doc, pointer, term, term_def, name="xAlias"):
    """The property moved into an object of its own with an embedded ``@context`` (JSON-LD 1.1 §4.1
    embedded contexts): here the object holding the property carries ``@context`` defining an alias."""
    out = copy.deepcopy(doc)
    holder = _at(out, pointer)
    if pointer in ("", "/"):
        _add_context(out, {name: dict(term_def)})
    else:
        holder["@context"] = {name: dict(term_def)}
    holder[name] = holder.pop(term)
    return out


def property_scoped_term(doc, pointer, term, term_def, name="xAlias"):
    """A second name for the *parent* property (same IRI) whose property-scoped ``@context`` defines the
    nested property's alias (JSON-LD 1.1 §4.1.8 scoped contexts); for a property one level down."""
    parent = pointer.strip("/")
    if not parent or "/" in parent or parent not in DEFINITIONS:
        raise ValueError("property_scoped_term re-spells a property of a top-level node-valued property")
    out = copy.deepcopy(doc)
    _add_context(out, {"xParent": {**DEFINITIONS[parent], "@context": {name: dict(term_def)}}})
    out["xParent"] = out.pop(parent)
    out["xParent"][name] = out["xParent"].pop(term)
    return out


def array_of_one(doc, pointer, term, term_def, name=""):
    """A one-element array where one value is expected."""
    out = copy.deepcopy(doc)
    holder = _at(out, pointer)
    holder[term] = [holder[term]]
    return out


def nest(doc, pointer, term, term_def, name="xNest"):
    """The property inside a ``@nest`` object (JSON-LD 1.1 §4.4 nested properties)."""
    out = copy.deepcopy(doc)
    _add_context(out, {name: "@nest"})
    holder = _at(out, pointer)
    holder[name] = {term: holder.pop(term)}
    return out


def _identified(doc, pointer) -> tuple[dict[str, Any], dict[str, Any], str]:
    """A copy of ``doc``, the object at ``pointer`` in it, and that object's id (a blank-node label is
    given to one without: labels do not change the dataset)."""
    out = copy.deepcopy(doc)
    holder = _at(out, pointer)
    if holder.get("id") is None:
        holder["id"] = "_:respelled"
    return out, holder, holder["id"]


def included(doc, pointer, term, term_def, name=""):
    """The property moved to an ``@included`` node object with the same id (JSON-LD 1.1 §4.7)."""
    out, holder, node_id = _identified(doc, pointer)
    # Keyed by IRI: VCDM 2.0 scopes its terms to the VerifiableCredential type, which the included
    # node object does not state.
    out.setdefault("@included", []).append({"id": node_id, term_def["@id"]: _expanded_value(holder.pop(term), term_def)})
    return out


def graph_top(doc, pointer, term, term_def, name=""):
    """The whole document inside a top-level ``@graph`` (the default graph, JSON-LD 1.1 §4.9)."""
    body = {k: v for k, v in doc.items() if k not in ("@context", "proof")}
    out = {"@context": copy.deepcopy(doc["@context"]), "@graph": [copy.deepcopy(body)]}
    if "proof" in doc:
        out["proof"] = copy.deepcopy(doc["proof"])
    return out


def reverse(doc, pointer, term, term_def, name=""):
    """The property stated from the value's side with ``@reverse`` inside an ``@included`` node."""
    out, holder, node_id = _identified(doc, pointer)
    value = holder.pop(term)
    if not isinstance(value, dict):
        raise ValueError("reverse needs a node object value")
    value = dict(value)
    value["@reverse"] = {term_def["@id"]: {"@id": node_id}}
    out.setdefault("@included", []).append(value)
    return out


SPELLINGS: dict[str, Spelling] = {
    "inline_alias": inline_alias,
    "absolute_iri_key": absolute_iri_key,
    "compact_iri_key": compact_iri_key,
    "vocab_key": vocab_key,
    "value_object": value_object,
    "type_scoped": type_scoped,
    "property_scoped": property_scoped,
    "property_scoped_term": property_scoped_term,
    "array_of_one": array_of_one,
    "nest": nest,
    "included": included,
    "graph_top": graph_top,
    "reverse": reverse,
}


def signed_bytes(doc: dict[str, Any], resources: ResourceConfig | None = None) -> list[bytes]:
    """What each proof's signature covers (``H(proofConfig) || H(document)``), computed as a signer would."""
    resources = resources or ResourceConfig()
    proofs = doc["proof"] if isinstance(doc["proof"], list) else [doc["proof"]]
    out = []
    for proof in proofs:
        suite = SUITES.get((proof["type"], proof.get("cryptosuite"))) or SUITES[(proof["type"], None)]
        out.append(verify_data(doc, proof, [], suite, "sha256", resources, 200_000))
    return out
