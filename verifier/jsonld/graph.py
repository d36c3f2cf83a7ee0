"""The signed graph: the node map that RDF conversion builds, kept for the checks to read.

JSON-LD 1.1 API §7.2 "Node Map Generation" merges every node object with the same identifier (in
``@included`` blocks, nested anywhere, reached by ``@reverse``) into one node per graph; §8.1
"Deserialize JSON-LD to RDF" then emits exactly these nodes' properties as triples. Reading a
property from here is reading what an RDF-canonicalised proof signs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SignedGraph:
    """A document's node map and where its top-level node is.

    :param node_map: ``{graph name: {node id: node}}``; ``"@default"`` is the default graph. A node is
        ``{"@id": id, "@type"?: [IRI], property IRI: [value]}``; a value is ``{"@id": id}`` (a node in
        the same graph, or a named graph's name), a value object ``{"@value": v, "@type"?|"@language"?}``
        or ``{"@list": [...]}``.
    :param top: the id of the node the document's top-level object expanded to (in ``"@default"``), or
        None when the top level did not expand to exactly one node.
    """

    node_map: dict[str, dict[str, dict[str, Any]]]
    top: str | None

    def node(self, node_id: str, graph: str = "@default") -> dict[str, Any] | None:
        """The node ``node_id`` of ``graph``, or None."""
        return self.node_map.get(graph, {}).get(node_id)
