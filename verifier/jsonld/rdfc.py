"""RDFC-1.0 (RDF Dataset Canonicalization) on top of pyld's URDNA2015 implementation.

pyld's ``URDNA2015`` is RDFC-1.0's algorithm with three gaps that this subclass closes:

1. **Hash function** (RDFC-1.0 §4.4 "the hash algorithm ... is a parameter"): pyld hard-codes
   SHA-256; ecdsa-rdfc-2019 with P-384 needs SHA-384 (vc-di-ecdsa §3.2.4). :class:`RDFC10` takes
   ``hash_algorithm``.
2. **Canonical N-Quads escaping** (RDFC-1.0 §4, §4.6 step 3.1): quads are serialised with
   :func:`verifier.jsonld.nquads.serialize_quad`, both for hashing and for the output.
3. **Work budget** (RDFC-1.0 §4.4 "poison graphs"): every Hash N-Degree Quads call (§4.8) and every
   permutation it examines (§4.8.3 step 5.4) costs one unit; past ``max_work`` units the run stops
   with :class:`~verifier.errors.CanonicalizationBudgetExceeded`.

The result is the canonical N-Quads document: one line per distinct quad, sorted in code point
order (RDFC-1.0 §4.4.3 step 7; a dataset is a set, so duplicate quads appear once).
"""

from __future__ import annotations

import hashlib
from typing import Any

from pyld.canon import URDNA2015, permutations
from pyld.identifier_issuer import IdentifierIssuer

from verifier.errors import CanonicalizationBudgetExceeded
from verifier.jsonld.nquads import serialize_quad

HASH_ALGORITHMS = {"sha256": hashlib.sha256, "sha384": hashlib.sha384}
_POSITIONS = ("subject", "object", "name")


def _copy_issuer(issuer: IdentifierIssuer) -> IdentifierIssuer:
    """Copy an identifier issuer (RDFC-1.0 §4.5); cheaper than ``copy.deepcopy``."""
    clone = IdentifierIssuer(issuer.prefix)
    clone.counter = issuer.counter
    clone.existing = dict(issuer.existing)
    clone.order = list(issuer.order)
    return clone


class RDFC10(URDNA2015):
    """One RDFC-1.0 run over one dataset (instances are single-use, not thread-safe).

    :param hash_algorithm: ``"sha256"`` or ``"sha384"``.
    :param max_work: the work budget, in Hash N-Degree Quads calls plus permutations examined.
    :raises ValueError: for another hash algorithm or a budget below 1.
    """

    def __init__(self, hash_algorithm: str = "sha256", max_work: int = 200_000):
        super().__init__()
        if hash_algorithm not in HASH_ALGORITHMS:
            raise ValueError(f"RDFC-1.0 hash algorithm must be one of {sorted(HASH_ALGORITHMS)}, not {hash_algorithm!r}")
        if max_work < 1:
            raise ValueError("max_work must be at least 1")
        self._hash = HASH_ALGORITHMS[hash_algorithm]
        self.hash_algorithm = hash_algorithm
        self.max_work = max_work
        self.work = 0

    def create_hash(self):
        """Return a new hash object of the configured algorithm (RDFC-1.0 §4.4 hash function)."""
        return self._hash()

    def _spend(self) -> None:
        self.work += 1
        if self.work > self.max_work:
            raise CanonicalizationBudgetExceeded(
                f"RDFC-1.0 canonicalization exceeded its work budget of {self.max_work} steps "
                f"(blank-node structure too symmetric: a poison graph, RDFC-1.0 §4.4)")

    def canonicalize(self, dataset: dict[str, list[dict[str, Any]]]) -> str:
        """Canonicalise ``dataset`` (pyld's ``{graph name: [triple]}``; ``"@default"`` for the default graph).

        :returns: the canonical N-Quads document (UTF-8 text, ``\\n`` line ends).
        :raises CanonicalizationBudgetExceeded: past ``max_work``.
        """
        self._issue_canonical_ids(dataset)
        lines = set()
        for quad in self.quads:
            relabeled = dict(quad)
            for key in _POSITIONS:
                component = quad.get(key)
                if component is not None and component["type"] == "blank node":
                    relabeled[key] = {"type": "blank node", "value": self.canonical_issuer.get_id(component["value"])}
            lines.add(serialize_quad(relabeled))
        return "".join(sorted(lines))

    def _issue_canonical_ids(self, dataset: dict[str, list[dict[str, Any]]]) -> None:
        """RDFC-1.0 §4.4.3 steps 1–6: fill ``self.quads`` and issue every canonical identifier."""
        for graph_name, triples in dataset.items():
            for triple in triples:
                quad = dict(triple)
                if graph_name != "@default":
                    kind = "blank node" if graph_name.startswith("_:") else "IRI"
                    quad["name"] = {"type": kind, "value": graph_name}
                self.quads.append(quad)
                # the blank node to quads map relates each blank node to the quads it occurs in
                # (a set: a quad naming the same blank node twice is listed once, as in rdf-canonize)
                for bnode in {quad[k]["value"] for k in _POSITIONS if k in quad and quad[k]["type"] == "blank node"}:
                    self.blank_node_info.setdefault(bnode, {"quads": []})["quads"].append(quad)
        non_normalized = set(self.blank_node_info)
        simple = True
        while simple:  # step 5: issue identifiers for blank nodes with unique first-degree hashes
            simple = False
            self.hash_to_blank_nodes = {}
            for id_ in non_normalized:
                self.hash_to_blank_nodes.setdefault(self.hash_first_degree_quads(id_), []).append(id_)
            for hash_, id_list in sorted(self.hash_to_blank_nodes.items()):
                if len(id_list) > 1:
                    continue
                self.canonical_issuer.get_id(id_list[0])
                non_normalized.remove(id_list[0])
                del self.hash_to_blank_nodes[hash_]
                simple = True
        for _hash, id_list in sorted(self.hash_to_blank_nodes.items()):  # step 6
            hash_path_list = []
            for id_ in id_list:
                if self.canonical_issuer.has_id(id_):
                    continue
                issuer = IdentifierIssuer("_:b")
                issuer.get_id(id_)
                hash_path_list.append(self.hash_n_degree_quads(id_, issuer))
            for result in sorted(hash_path_list, key=lambda r: r["hash"]):
                for existing in result["issuer"].order:
                    self.canonical_issuer.get_id(existing)

    def hash_first_degree_quads(self, id_: str) -> str:
        """RDFC-1.0 §4.6 Hash First Degree Quads, with canonical N-Quads escaping.

        :returns: the hex digest for blank node ``id_`` (cached per node).
        """
        info = self.blank_node_info[id_]
        if "hash" not in info:
            nquads = []
            for quad in info["quads"]:
                marked = dict(quad)
                for key in _POSITIONS:
                    component = quad.get(key)
                    if component is not None and component["type"] == "blank node":
                        marked[key] = {"type": "blank node", "value": "_:a" if component["value"] == id_ else "_:z"}
                nquads.append(serialize_quad(marked))
            nquads.sort()
            info["hash"] = self.hash_nquads(nquads)
        return info["hash"]

    def hash_n_degree_quads(self, id_: str, issuer: IdentifierIssuer) -> dict[str, Any]:
        """RDFC-1.0 §4.8 Hash N-Degree Quads, charging the work budget per call and per permutation.

        :returns: ``{"hash": hex digest, "issuer": the chosen issuer}``.
        :raises CanonicalizationBudgetExceeded: past ``max_work``.
        """
        self._spend()
        hash_to_related = self.create_hash_to_related(id_, issuer)
        md = self.create_hash()
        for related_hash, blank_nodes in sorted(hash_to_related.items()):
            md.update(related_hash.encode("utf-8"))
            chosen_path, chosen_issuer = "", None
            for permutation in permutations(blank_nodes):
                self._spend()
                path, issuer_copy = self._permutation_path(permutation, issuer, chosen_path)
                if path is not None and (not chosen_path or path < chosen_path):
                    chosen_path, chosen_issuer = path, issuer_copy
            md.update(chosen_path.encode("utf-8"))
            issuer = chosen_issuer
        return {"hash": md.hexdigest(), "issuer": issuer}

    def _permutation_path(self, permutation: list[str], issuer: IdentifierIssuer,
                          chosen_path: str) -> tuple[str | None, IdentifierIssuer]:
        """RDFC-1.0 §4.8.3 steps 5.4.1–5.4.5 for one permutation.

        :returns: (path, issuer copy), or (None, ...) when the path cannot beat ``chosen_path``.
        """
        issuer_copy = _copy_issuer(issuer)
        path, recursion_list = "", []

        def worse(candidate: str) -> bool:
            return bool(chosen_path) and len(candidate) >= len(chosen_path) and candidate > chosen_path

        for related in permutation:
            if self.canonical_issuer.has_id(related):
                path += self.canonical_issuer.get_id(related)
            else:
                if not issuer_copy.has_id(related):
                    recursion_list.append(related)
                path += issuer_copy.get_id(related)
            if worse(path):
                return None, issuer_copy
        for related in recursion_list:
            result = self.hash_n_degree_quads(related, issuer_copy)
            path += issuer_copy.get_id(related) + "<" + result["hash"] + ">"
            issuer_copy = result["issuer"]
            if worse(path):
                return None, issuer_copy
        return path, issuer_copy
