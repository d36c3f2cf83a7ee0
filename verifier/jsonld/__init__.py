"""The JSON-LD layer: offline contexts, safe-mode expansion and RDFC-1.0 canonicalization.

Public door::

    expand(document, *, resources) -> list
    canonicalize(document, *, resources, hash_algorithm="sha256", max_work=200_000) -> str
    canonicalize_signed(document, *, resources, hash_algorithm="sha256", max_work=200_000)
        -> (str, SignedGraph)
    key_iri(document, key, *, resources) -> str | None

Contexts come only from the bundled files, operator-installed ones and the offline bundle
(:mod:`verifier.contexts`); nothing is fetched. Expansion is always in safe mode (Data Integrity §4,
VCDM 2.0 §4.1): by the table-driven expander of :mod:`verifier.jsonld.expander` when it handles every
construct of the document (pyld's result, computed from per-context term tables), else by pyld. Canonicalization is RDFC-1.0 with a selectable hash function, canonical N-Quads
escaping and a work budget (:mod:`verifier.jsonld.rdfc`).

Threads: pyld is not thread-safe and this layer keeps per-process state (one engine per
:class:`~verifier.options.ResourceConfig`). Run expansion and canonicalization in worker
*processes* (the inline process pool or arq workers), never in threads.
"""

from __future__ import annotations

from typing import Any

from verifier.errors import InvalidJsonLd
from verifier.jsonld.graph import SignedGraph
from verifier.jsonld.loader import SAFE_MODE_BASE, document_loader
from verifier.jsonld.processor import engine
from verifier.jsonld.rdfc import HASH_ALGORITHMS, RDFC10
from verifier.jsonld.safe_mode import check_expanded
from verifier.options import ResourceConfig

__all__ = ["expand", "canonicalize", "canonicalize_signed", "key_iri", "SignedGraph", "document_loader", "SAFE_MODE_BASE",
           "HASH_ALGORITHMS"]


def expand(document: dict[str, Any], *, resources: ResourceConfig) -> list:
    """Expand ``document`` in safe mode (JSON-LD 1.1 API §4.3 Expansion; Data Integrity §4 safe mode).

    :param document: a JSON-LD document (a JSON object; it is not modified).
    :param resources: where contexts come from (bundled always; ``data_dir`` and ``offline_bundle``
        when set).
    :returns: the expanded document (a list of node objects).
    :raises UnknownContext: a context URL that is neither bundled nor installed (never fetched).
    :raises InvalidJsonLd: a term the context does not define (or maps to null), a relative IRI
        (``id`` that is a bare UUID, undefined ``type`` value), a ``@type`` that is not an absolute
        IRI, or any other JSON-LD error.
    """
    return _expand(document, resources)[0]


def _expand(document: dict[str, Any], resources: ResourceConfig) -> tuple[list, bool]:
    """:func:`expand`, also saying whether the expander made the result (see ``Engine.expand_checked``)."""
    if not isinstance(document, dict):
        raise InvalidJsonLd("a JSON-LD document must be a JSON object")
    expanded, checked = engine(resources).expand_checked(document)
    if not checked:
        check_expanded(expanded)
    return expanded, checked


def canonicalize(document: dict[str, Any], *, resources: ResourceConfig, hash_algorithm: str = "sha256",
                 max_work: int = 200_000) -> str:
    """Canonicalize ``document``: safe-mode expansion -> RDF dataset -> RDFC-1.0 canonical N-Quads.

    :param document: a JSON-LD document (not modified).
    :param resources: where contexts come from.
    :param hash_algorithm: RDFC-1.0's hash function (RDFC-1.0 §4.4): ``"sha256"``, or ``"sha384"``
        for ecdsa-rdfc-2019 with P-384 (vc-di-ecdsa §3.2.4).
    :param max_work: work budget in Hash N-Degree Quads calls plus permutations (RDFC-1.0 §4.4
        "poison graphs"); see :class:`~verifier.options.Limits.canonicalization_max_work`.
    :returns: the canonical N-Quads document (text; encode as UTF-8 before hashing).
    :raises UnknownContext: see :func:`expand`.
    :raises InvalidJsonLd: see :func:`expand`; also a relative IRI anywhere in the dataset.
    :raises CanonicalizationBudgetExceeded: the graph needs more than ``max_work`` steps.
    :raises ValueError: an unsupported ``hash_algorithm`` or ``max_work`` below 1.
    """
    return canonicalize_signed(document, resources=resources, hash_algorithm=hash_algorithm, max_work=max_work)[0]


def canonicalize_signed(document: dict[str, Any], *, resources: ResourceConfig, hash_algorithm: str = "sha256",
                        max_work: int = 200_000) -> tuple[str, SignedGraph]:
    """:func:`canonicalize`, also returning the :class:`SignedGraph` the N-Quads were made from, so that
    checks can read what is signed without expanding the document again.

    :returns: (canonical N-Quads, signed graph).
    :raises: as :func:`canonicalize`.
    """
    canon = RDFC10(hash_algorithm, max_work)  # validate arguments before any work
    expanded, checked = _expand(document, resources)
    quads, graph = engine(resources).to_quads(expanded, supported=checked)  # refuses relative IRIs (safe mode)
    return canon.canonicalize_quads(quads), graph


def key_iri(document: dict[str, Any], key: str, *, resources: ResourceConfig) -> str | None:
    """The IRI ``key`` expands to as a property of ``document``'s top-level node (JSON-LD 1.1 API §5.2
    IRI Expansion, vocab-relative, in the document's own ``@context``); for naming an alias in messages.

    :returns: the expanded IRI (or keyword), or None when ``key`` does not expand.
    :raises UnknownContext, InvalidJsonLd: the context cannot be processed.
    """
    return engine(resources).key_iri(document.get("@context"), key)
