"""Node map generation (JSON-LD 1.1 API §7.2) for the shapes credentials use, as pyld builds it.

This is pyld's ``_create_node_map`` (same traversal order, same blank-node labels from the same
issuer, same duplicate rules of ``add_value``/``compare_values``), without its generic helpers'
call overhead. It covers node objects with ``@id``, ``@type``, ``@graph``, properties, value objects
and lists. Anything else -- ``@reverse``, ``@included``, ``@index`` or another keyword as a
property -- raises :class:`Unsupported` before any state is shared, and the caller runs pyld's own
algorithm from the start (fail closed: never a guess).

Equivalence: ``tests/jsonld/test_node_map.py`` compares the node map and the issued labels with
pyld's on the corpus and on generated documents.
"""

from __future__ import annotations

from typing import Any

from pyld.identifier_issuer import IdentifierIssuer

#: keywords that may appear as a node object's keys here (others -> Unsupported).
_HANDLED = frozenset({"@id", "@type", "@graph"})


class Unsupported(Exception):
    """The expanded input uses a construct this module leaves to pyld."""


def _strict_eq(a: Any, b: Any) -> bool:
    return a == b and (type(a) is type(b) if isinstance(a, bool) or isinstance(b, bool) else True)


def _same(v1: Any, v2: Any) -> bool:
    """pyld's ``JsonLdProcessor.compare_values``."""
    if v1 is v2:
        return True
    d1, d2 = isinstance(v1, dict), isinstance(v2, dict)
    if not d1 and not d2:
        return _strict_eq(v1, v2)
    if d1 and d2:
        if "@value" in v1 and "@value" in v2:
            return ((v1.get("@type"), v1.get("@language"), v1.get("@index"))
                    == (v2.get("@type"), v2.get("@language"), v2.get("@index"))) and _strict_eq(v1["@value"], v2["@value"])
        id1 = v1.get("@id")
        return id1 == v2.get("@id") if id1 is not None else False
    return False


def _add_unique(node: dict[str, Any], prop: str, value: Any) -> None:
    """pyld's ``add_value`` with ``propertyIsArray`` and no duplicates."""
    values = node.get(prop)
    if values is None:
        node[prop] = [value]
    elif not any(_same(value, v) for v in values):
        values.append(value)


def check_supported(expanded: Any, depth: int = 0) -> None:
    """Raise :class:`Unsupported` when ``expanded`` holds a construct :func:`create_node_map` leaves to pyld."""
    if depth > 512:
        raise Unsupported("nested too deeply")
    if isinstance(expanded, list):
        for item in expanded:
            check_supported(item, depth + 1)
        return
    if not isinstance(expanded, dict):
        raise Unsupported("a bare value at node level")
    if "@value" in expanded:
        return
    if "@list" in expanded:
        if len(expanded) != 1:
            raise Unsupported("a list object with other keys")
        for item in expanded["@list"]:
            if not isinstance(item, dict):
                raise Unsupported("a bare value in a list")
            check_supported(item, depth + 1)
        return
    for key, value in expanded.items():
        if key[0] == "@":
            if key not in _HANDLED:
                raise Unsupported(key)
            if key == "@type" and not (isinstance(value, list) and all(isinstance(t, str) for t in value)):
                raise Unsupported("@type is not a list of strings")
            if key == "@id" and not isinstance(value, str):
                raise Unsupported("@id is not a string")
            if key == "@graph":
                check_supported(value, depth + 1)
        elif not isinstance(value, list):
            raise Unsupported("a property value that is not a list")
        else:
            for item in value:
                if not isinstance(item, dict):
                    raise Unsupported("a bare value as a property value")
                check_supported(item, depth + 1)


def create_node_map(element: Any, graph_map: dict[str, Any], graph: str, issuer: IdentifierIssuer,
                    subject: str | None = None, prop: str | None = None, list_: dict | None = None) -> None:
    """pyld's ``_create_node_map`` for input that passed :func:`check_supported` (arguments as pyld's)."""
    if isinstance(element, list):
        for item in element:
            create_node_map(item, graph_map, graph, issuer, subject, prop, list_)
        return
    subject_node = graph_map.setdefault(graph, {}).get(subject) if isinstance(subject, str) else None
    if "@value" in element:
        datatype = element.get("@type")
        if isinstance(datatype, str) and datatype.startswith("_:"):
            element["@type"] = issuer.get_id(datatype)
        if list_ is not None:
            list_["@list"].append(element)
        elif subject_node:
            _add_unique(subject_node, prop, element)
        return
    if "@list" in element:
        holder: dict[str, list] = {"@list": []}
        create_node_map(element["@list"], graph_map, graph, issuer, subject, prop, holder)
        if list_ is not None:
            list_["@list"].append(holder)
        elif subject_node:
            subject_node.setdefault(prop, []).append(holder)
        return
    types = element.get("@type")
    if types:
        for type_ in types:
            if type_.startswith("_:"):
                issuer.get_id(type_)
    id_ = element.get("@id")
    if id_ is None or id_.startswith("_:"):
        id_ = issuer.get_id(id_)
    node = graph_map.setdefault(graph, {}).setdefault(id_, {"@id": id_})
    if prop:
        reference = {"@id": id_}
        if list_ is not None:
            list_["@list"].append(reference)
        elif subject_node:
            _add_unique(subject_node, prop, reference)
    for key, objects in sorted(element.items()):
        if key == "@id":
            continue
        if key == "@graph":
            graph_map.setdefault(id_, {})
            create_node_map(objects, graph_map, graph if graph == "@merged" else id_, issuer)
            continue
        if key.startswith("_:"):
            key = issuer.get_id(key)
        if not objects:
            node.setdefault(key, [])
            continue
        if key == "@type":
            for o in objects:
                _add_unique(node, key, issuer.get_id(o) if o.startswith("_:") else o)
            continue
        for o in objects:
            if "@value" in o:  # what the recursive call does for a value object under this node, inline
                datatype = o.get("@type")
                if isinstance(datatype, str) and datatype.startswith("_:"):
                    o["@type"] = issuer.get_id(datatype)
                _add_unique(node, key, o)
            else:
                create_node_map(o, graph_map, graph, issuer, id_, key)
