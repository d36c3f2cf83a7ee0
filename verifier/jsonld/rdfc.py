"""RDFC-1.0 (W3C RDF Dataset Canonicalization, Recommendation 2024), written from the spec for speed.

A quad is a tuple ``(subject, predicate, object, graph)`` of *canonical N-Quads terms*, already
serialised: ``<iri>``, ``_:label``, ``"escaped lexical form"`` with ``^^<datatype>`` or ``@lang``
(:func:`verifier.jsonld.nquads.term`); ``graph`` is ``""`` for the default graph. A term is a blank
node exactly when it starts with ``_:`` (IRIs start with ``<``, literals with ``"``). Working on these
strings, not on dicts, is what makes this implementation fast: a first-degree hash (§4.6) is string
substitution and one hash call, and the output is a sort of lines.

Beyond the spec text:

1. **Hash function** (§4.4 "the hash algorithm ... is a parameter"): SHA-256, or SHA-384 for
   ecdsa-rdfc-2019 with P-384 (vc-di-ecdsa §3.2.4).
2. **Work budget** (§4.4 "poison graphs"): every Hash N-Degree Quads call (§4.8) and every
   permutation it examines (§4.8.3 step 5.4) costs one unit; past ``max_work`` units the run stops
   with :class:`~verifier.errors.CanonicalizationBudgetExceeded`.
3. **Permutation order**: Steinhaus-Johnson-Trotter over the sorted list, as rdf-canonize and pyld
   do (the spec leaves the order free; it only matters when two paths tie).

The input is a dataset, i.e. a set: duplicate quads count once (§4.4.3 step 2 and the output of
step 7). Conformance: the W3C rdf-canon test suite (``tests/jsonld/test_rdf_canon_suite.py``).
"""

from __future__ import annotations

import hashlib
from typing import Any, Iterable

from pyld.canon import permutations

from verifier.errors import CanonicalizationBudgetExceeded
from verifier.jsonld.nquads import term

HASH_ALGORITHMS = {"sha256": hashlib.sha256, "sha384": hashlib.sha384}

Quad = tuple[str, str, str, str]


def _line(s: str, p: str, o: str, g: str) -> str:
    return f"{s} {p} {o} {g} .\n" if g else f"{s} {p} {o} .\n"


class _Issuer:
    """RDFC-1.0 §4.5 Issue Identifier: a prefix, a counter and the issued map (insertion-ordered)."""

    __slots__ = ("prefix", "issued")

    def __init__(self, prefix: str, issued: dict[str, str] | None = None):
        self.prefix = prefix
        self.issued = {} if issued is None else issued

    def issue(self, existing: str) -> str:
        issued = self.issued.get(existing)
        if issued is None:
            issued = self.issued[existing] = f"{self.prefix}{len(self.issued)}"
        return issued

    def copy(self) -> "_Issuer":
        return _Issuer(self.prefix, dict(self.issued))


class RDFC10:
    """One RDFC-1.0 run (instances are single-use, not thread-safe).

    :param hash_algorithm: ``"sha256"`` or ``"sha384"``.
    :param max_work: the work budget, in Hash N-Degree Quads calls plus permutations examined.
    :raises ValueError: for another hash algorithm or a budget below 1.
    """

    def __init__(self, hash_algorithm: str = "sha256", max_work: int = 200_000):
        if hash_algorithm not in HASH_ALGORITHMS:
            raise ValueError(f"RDFC-1.0 hash algorithm must be one of {sorted(HASH_ALGORITHMS)}, not {hash_algorithm!r}")
        if max_work < 1:
            raise ValueError("max_work must be at least 1")
        self._hash = HASH_ALGORITHMS[hash_algorithm]
        self.hash_algorithm = hash_algorithm
        self.max_work = max_work
        self.work = 0
        self._quads_of: dict[str, list[Quad]] = {}
        self._first_degree: dict[str, str] = {}
        self._canonical = _Issuer("_:c14n")

    def canonicalize(self, dataset: dict[str, list[dict[str, Any]]]) -> str:
        """Canonicalise a dataset in pyld's shape (``{graph name: [triple]}``, ``"@default"`` for the
        default graph; a triple has ``subject``, ``predicate``, ``object``, each
        ``{"type", "value", ["datatype"], ["language"]}``).

        :returns: the canonical N-Quads document (UTF-8 text, ``\\n`` line ends).
        :raises CanonicalizationBudgetExceeded: past ``max_work``.
        """
        quads = []
        for graph_name, triples in dataset.items():
            g = "" if graph_name == "@default" else (graph_name if graph_name.startswith("_:") else f"<{graph_name}>")
            for t in triples:
                quads.append((term(t["subject"]), term(t["predicate"]), term(t["object"]), g))
        return self.canonicalize_quads(quads)

    def canonicalize_quads(self, quads: Iterable[Quad]) -> str:
        """RDFC-1.0 §4.4.3 Canonicalization Algorithm over quads of canonical N-Quads terms.

        :param quads: ``(subject, predicate, object, graph)`` tuples; ``graph`` is ``""`` for the default graph.
        :returns: the canonical N-Quads document: one line per distinct quad, in code point order.
        :raises CanonicalizationBudgetExceeded: past ``max_work``.
        """
        dataset = set(quads)  # a dataset is a set of quads
        quads_of = self._quads_of
        for quad in dataset:  # step 2: blank node to quads map
            s, _p, o, g = quad
            if s[0] == "_":
                quads_of.setdefault(s, []).append(quad)
            if o[0] == "_" and o != s:
                quads_of.setdefault(o, []).append(quad)
            if g and g[0] == "_" and g != s and g != o:
                quads_of.setdefault(g, []).append(quad)
        if not quads_of:
            return "".join(sorted(_line(*quad) for quad in dataset))
        hash_to_nodes: dict[str, list[str]] = {}
        for node in quads_of:  # step 3
            hash_to_nodes.setdefault(self._hash_first_degree(node), []).append(node)
        canonical = self._canonical
        shared = []
        for hash_ in sorted(hash_to_nodes):  # step 4: unique first-degree hashes
            nodes = hash_to_nodes[hash_]
            if len(nodes) == 1:
                canonical.issue(nodes[0])
            else:
                shared.append(nodes)
        for nodes in shared:  # step 5: the N-degree step, for the rest (in hash order)
            results = []
            for node in nodes:
                if node in canonical.issued:
                    continue
                issuer = _Issuer("_:b")
                issuer.issue(node)
                results.append(self._hash_n_degree(node, issuer))
            for _hash, issuer in sorted(results, key=lambda r: r[0]):
                for existing in issuer.issued:
                    canonical.issue(existing)
        label = canonical.issued
        lines = set()
        for s, p, o, g in dataset:  # step 6
            if s[0] == "_":
                s = label[s]
            if o[0] == "_":
                o = label[o]
            if g and g[0] == "_":
                g = label[g]
            lines.add(_line(s, p, o, g))
        return "".join(sorted(lines))

    def issued(self) -> dict[str, str]:
        """The canonical identifiers issued so far: ``{input blank node label: "_:c14nN"}`` (the
        canonical issuer's issued identifiers map, RDFC-1.0 §4.4.3 step 6; read after a run)."""
        return dict(self._canonical.issued)

    def _spend(self) -> None:
        self.work += 1
        if self.work > self.max_work:
            raise CanonicalizationBudgetExceeded(
                f"RDFC-1.0 canonicalization exceeded its work budget of {self.max_work} steps "
                f"(blank-node structure too symmetric: a poison graph, RDFC-1.0 §4.4)")

    def _digest(self, text: str) -> str:
        return self._hash(text.encode("utf-8")).hexdigest()

    def _hash_first_degree(self, node: str) -> str:
        """RDFC-1.0 §4.6 Hash First Degree Quads (cached per blank node)."""
        known = self._first_degree.get(node)
        if known is not None:
            return known
        lines = []
        for s, p, o, g in self._quads_of[node]:
            if s[0] == "_":
                s = "_:a" if s == node else "_:z"
            if o[0] == "_":
                o = "_:a" if o == node else "_:z"
            if g and g[0] == "_":
                g = "_:a" if g == node else "_:z"
            lines.append(_line(s, p, o, g))
        lines.sort()
        known = self._first_degree[node] = self._digest("".join(lines))
        return known

    def _hash_related(self, related: str, p: str, issuer: _Issuer, position: str) -> str:
        """RDFC-1.0 §4.7 Hash Related Blank Node."""
        identifier = self._canonical.issued.get(related) or issuer.issued.get(related) \
            or self._hash_first_degree(related)
        return self._digest(position + (p if position != "g" else "") + identifier)

    def _hash_n_degree(self, node: str, issuer: _Issuer) -> tuple[str, _Issuer]:
        """RDFC-1.0 §4.8 Hash N-Degree Quads, charging the work budget per call and per permutation.

        :returns: (hex digest, the chosen issuer).
        :raises CanonicalizationBudgetExceeded: past ``max_work``.
        """
        self._spend()
        related_by_hash: dict[str, list[str]] = {}
        for s, p, o, g in self._quads_of[node]:  # steps 2-3
            for component, position in ((s, "s"), (o, "o"), (g, "g")):
                if component and component[0] == "_" and component != node:
                    related_by_hash.setdefault(self._hash_related(component, p, issuer, position), []).append(component)
        data = []
        canonical = self._canonical.issued
        for related_hash in sorted(related_by_hash):  # step 5
            data.append(related_hash)
            chosen_path, chosen_issuer = "", None
            for permutation in permutations(related_by_hash[related_hash]):
                self._spend()
                issuer_copy = issuer.copy()
                path, recursion, skip = "", [], False
                for related in permutation:  # step 5.4.4
                    if related in canonical:
                        path += canonical[related]
                    else:
                        if related not in issuer_copy.issued:
                            recursion.append(related)
                        path += issuer_copy.issue(related)
                    if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                        skip = True
                        break
                if skip:
                    continue
                for related in recursion:  # step 5.4.5
                    result_hash, result_issuer = self._hash_n_degree(related, issuer_copy)
                    path += issuer_copy.issue(related) + "<" + result_hash + ">"
                    issuer_copy = result_issuer
                    if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                        skip = True
                        break
                if skip:
                    continue
                if not chosen_path or path < chosen_path:
                    chosen_path, chosen_issuer = path, issuer_copy
            data.append(chosen_path)
            issuer = chosen_issuer
        return self._digest("".join(data)), issuer
