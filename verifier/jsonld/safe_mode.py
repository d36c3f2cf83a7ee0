"""Safe-mode checks on expansion output and on the RDF dataset (Data Integrity §4 "safe mode",
VCDM 2.0 §4.1: a document whose meaning would silently change in processing is refused).

pyld has no safe flag. Besides the dropped-term handler of
:class:`~verifier.jsonld.processor.SafeProcessor`, safe mode here means:

* expansion runs with the sentinel base :data:`~verifier.jsonld.loader.SAFE_MODE_BASE`, so a relative
  IRI (a bare-UUID ``id``, ``"#key-1"``, an undefined ``type`` value) becomes an IRI under it; any
  such IRI in the dataset is refused, naming the relative reference (:func:`check_dataset`);
* every ``@type`` value of a node object must be an absolute IRI or a blank node identifier, and
  every ``@id`` an absolute IRI or blank node identifier (:func:`check_expanded`): pyld's RDF
  conversion otherwise drops such statements without a word;
* a ``@language`` must be a well-formed language tag (pyld would write it into N-Quads as is).
"""

from __future__ import annotations

import re
from typing import Any

from verifier.errors import InvalidJsonLd
from verifier.jsonld.loader import SAFE_MODE_BASE

_MAX_DEPTH = 512
_is_absolute_iri = re.compile(r"^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$").match  # pyld's _is_absolute_iri, compiled
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")  # BCP 47 well-formedness, loosely


def _relative(iri: str) -> str:
    return iri[len(SAFE_MODE_BASE):] if iri.startswith(SAFE_MODE_BASE) else iri


def _check_iri(value: Any, what: str) -> None:
    if not isinstance(value, str):
        return
    if value.startswith(SAFE_MODE_BASE):
        raise InvalidJsonLd(f"{what} {_relative(value)!r} is a relative IRI reference; an absolute IRI "
                            f"is required (safe mode)")
    if not _is_absolute_iri(value):
        raise InvalidJsonLd(f"{what} {value!r} is not an absolute IRI (safe mode)")


def check_expanded(expanded: Any, depth: int = 0) -> None:
    """Refuse expanded JSON-LD whose ``@id`` or node ``@type`` values are not absolute IRIs or
    blank node identifiers.

    :param expanded: pyld's expansion output (lists and dicts).
    :raises InvalidJsonLd: naming the offending value.
    """
    if depth > _MAX_DEPTH:
        raise InvalidJsonLd("expanded document is nested too deeply")
    if isinstance(expanded, list):
        for item in expanded:
            if isinstance(item, (list, dict)):
                check_expanded(item, depth + 1)
        return
    if not isinstance(expanded, dict):
        return
    if "@value" in expanded:
        datatype = expanded.get("@type")
        if datatype is not None and datatype != "@json":
            _check_iri(datatype, "value datatype")
        language = expanded.get("@language")
        if language is not None and not _LANGUAGE_TAG.match(language):
            raise InvalidJsonLd(f"@language {language!r} is not a well-formed language tag (BCP 47; safe mode)")
        return
    node_id = expanded.get("@id")
    if isinstance(node_id, str) and (node_id.startswith(SAFE_MODE_BASE) or not _is_absolute_iri(node_id)):
        _check_iri(node_id, "@id")
    types = expanded.get("@type")
    if isinstance(types, list):
        for type_ in types:
            if isinstance(type_, str) and (type_.startswith(SAFE_MODE_BASE) or not _is_absolute_iri(type_)):
                _check_iri(type_, "@type value")
    for key, value in expanded.items():
        if isinstance(value, (list, dict)) and key not in ("@id", "@type", "@value"):
            check_expanded(value, depth + 1)


def check_dataset(dataset: dict[str, list[dict[str, Any]]]) -> None:
    """Refuse a dataset in which any IRI (subject, predicate, object, graph name, datatype) lies under
    the safe-mode sentinel base, i.e. came from a relative reference.

    :param dataset: pyld's ``{graph name: [triple]}``.
    :raises InvalidJsonLd: naming the relative reference.
    """
    for graph_name, triples in dataset.items():
        if graph_name.startswith(SAFE_MODE_BASE):
            _check_iri(graph_name, "graph name")
        for triple in triples:
            for position in ("subject", "predicate", "object"):
                component = triple[position]
                if component["type"] == "IRI":
                    if component["value"].startswith(SAFE_MODE_BASE):
                        _check_iri(component["value"], "IRI" if position != "predicate" else "property")
                elif component["type"] == "literal" and component.get("datatype", "").startswith(SAFE_MODE_BASE):
                    _check_iri(component["datatype"], "datatype")
