"""Our pyld processor: safe-mode expansion, the processed-context memo, and JSON-LD -> RDF dataset.

One :class:`Engine` per :class:`~verifier.options.ResourceConfig` per process (:func:`engine`) holds
the offline loader, pyld's resolved-context cache for that loader (never pyld's process-global one,
so two configs can never see each other's contexts) and the processed-context memo.

pyld is not thread-safe and neither is an engine: callers run expansion and canonicalization in
worker processes (DESIGN.md: a process pool inline, one arq worker per core), never in threads.
"""

from __future__ import annotations

import copy
import secrets
from functools import lru_cache
from typing import Any

from cachetools import LRUCache
from frozendict import frozendict
from pyld.context_resolver import ContextResolver
from pyld.identifier_issuer import IdentifierIssuer
from pyld.jsonld import KEYWORDS, JsonLdProcessor, _is_numeric

from verifier.errors import InvalidJsonLd
from verifier.jsonld.context_cache import ProcessedContextCache
from verifier.jsonld.expander import Expander
from verifier.jsonld.graph import SignedGraph
from verifier.jsonld.loader import SAFE_MODE_BASE, OfflineLoader, document_loader, pyld_errors
from verifier.jsonld.node_map import Unsupported, check_supported, create_node_map
from verifier.jsonld.pyld_speedups import install as _install_speedups
from verifier.jsonld.rdfc import Quad
from verifier.jsonld.to_rdf import node_map_quads

_install_speedups()

RESOLVED_CONTEXTS_MAX = 256
EXPANDED_IRIS_MAX = 32_768


def copy_json(value: Any) -> Any:
    """A deep copy of JSON-shaped data (dicts, lists, immutable scalars); anything else by ``copy.deepcopy``."""
    kind = type(value)
    if kind is dict:
        return {k: copy_json(v) for k, v in value.items()}
    if kind is list:
        return [copy_json(v) for v in value]
    if kind in (str, int, float, bool) or value is None:
        return value
    return copy.deepcopy(value)


class SafeProcessor(JsonLdProcessor):
    """pyld's processor with safe mode (Data Integrity §4 / VCDM 2.0 §4.1 "safe mode") and an
    optional processed-context memo.

    Safe mode: a property that expansion would drop (a term the context does not define, or one it
    maps to ``null``) raises :class:`~verifier.errors.InvalidJsonLd` naming the term, instead of
    vanishing silently (JSON-LD 1.1 API §4.3 step 13.3).

    :param memo: the processed-context memo, or None to run pyld's context processing unchanged.
    :param safe: False gives stock behaviour (dropped terms ignored); used only by tests.
    """

    def __init__(self, memo: ProcessedContextCache | None = None, *, safe: bool = True):
        super().__init__(on_property_dropped=self._dropped if safe else (lambda _prop: None))
        self.memo = memo
        self._objects: list[tuple[Any, dict[str, Any]]] = []
        self._iris: dict[tuple[str, str, Any, bool], str | None] = {}
        self._value_plans: dict[tuple[str, str], tuple[Any, Any, Any, Any]] = {}

    def expand(self, input_, options):
        """pyld's ``expand`` for a JSON object given in memory (what we always pass): the same steps
        without ``copy.deepcopy`` of the input (a JSON-shaped copy is made instead; pyld's
        expansion must not see the caller's objects). Anything else goes to pyld unchanged."""
        if not isinstance(input_, dict):
            return super().expand(input_, options)
        options = {"isFrame": False, "keepFreeFloatingNodes": False, "extractAllScripts": False,
                   "processingMode": "json-ld-1.1", **options}
        options.setdefault("base", "")
        document = copy_json(input_)
        expanded = self._expand(self._get_initial_context(options), None, document, options, inside_list=False)
        if isinstance(expanded, dict) and "@graph" in expanded and len(expanded) == 1:
            expanded = expanded["@graph"]
        elif expanded is None:
            expanded = []
        return JsonLdProcessor.arrayify(expanded)

    def _expand_value(self, active_ctx, active_property, value, options):
        """pyld's ``_expand_value`` (JSON-LD 1.1 API §5.3 Value Expansion) with what depends only on the
        active context and the property -- the property's IRI, its ``@type`` coercion, ``@language`` and
        ``@direction`` -- looked up once per (frozen context ``_uuid``, property); the same steps follow."""
        if (self.memo is None or value is None or type(active_property) is not str
                or not isinstance(active_ctx, frozendict)):
            return super()._expand_value(active_ctx, active_property, value, options)
        key = (active_ctx.get("_uuid"), active_property)
        plan = self._value_plans.get(key)
        if plan is None:
            get = JsonLdProcessor.get_context_value
            plan = (self._expand_iri(active_ctx, active_property, vocab=True), get(active_ctx, active_property, "@type"),
                    get(active_ctx, active_property, "@language"), get(active_ctx, active_property, "@direction"))
            if key[0] is not None:
                if len(self._value_plans) >= EXPANDED_IRIS_MAX:
                    self._value_plans.clear()
                self._value_plans[key] = plan
        expanded_property, type_, language, direction = plan
        base = options.get("base", "")
        if expanded_property == "@id":
            return self._expand_iri(active_ctx, value, base=base)
        if expanded_property == "@type":
            return self._expand_iri(active_ctx, value, vocab=True, base=base)
        if (type_ == "@id" or expanded_property == "@graph") and isinstance(value, str):
            return {"@id": self._expand_iri(active_ctx, value, base=base)}
        if type_ == "@vocab" and isinstance(value, str):
            return {"@id": self._expand_iri(active_ctx, value, vocab=True, base=base)}
        if isinstance(expanded_property, str) and expanded_property in KEYWORDS:
            return value
        rval = {}
        if type_ is not None and type_ != "@id" and type_ != "@vocab" and type_ != "@none":
            rval["@type"] = type_
        elif isinstance(value, str):
            if language is not None:
                rval["@language"] = language
            if direction is not None:
                rval["@direction"] = direction
        if not (isinstance(value, (bool, str)) or _is_numeric(value)):
            value = str(value)
        rval["@value"] = value
        return rval

    def _expand_iri(self, active_ctx, value, base=None, vocab=False, local_ctx=None, defined=None):
        """pyld's ``_expand_iri`` behind a memo (JSON-LD 1.1 API §5.2 IRI Expansion).

        Outside context processing (no ``local_ctx``) the result depends only on the active context,
        ``value``, ``base`` and ``vocab``; a frozen active context is named by its ``_uuid`` (see
        :mod:`.context_cache`), so ``(_uuid, value, base, vocab)`` is a sound key. Only with the
        processed-context memo on (stock behaviour otherwise); bounded by clearing.
        """
        if (local_ctx is not None or self.memo is None or type(value) is not str
                or not isinstance(active_ctx, frozendict)):
            return super()._expand_iri(active_ctx, value, base, vocab, local_ctx, defined)
        key = (active_ctx.get("_uuid"), value, base, vocab)
        try:
            return self._iris[key]
        except KeyError:
            pass
        except TypeError:  # an unhashable base
            return super()._expand_iri(active_ctx, value, base, vocab, local_ctx, defined)
        result = super()._expand_iri(active_ctx, value, base, vocab, local_ctx, defined)
        if key[0] is not None:
            if len(self._iris) >= EXPANDED_IRIS_MAX:
                self._iris.clear()
            self._iris[key] = result
        return result

    def _dropped(self, expanded_property: str | None) -> None:
        if expanded_property is not None:
            raise InvalidJsonLd(f"term {expanded_property!r} is not defined by the document's @context "
                                f"(it would be dropped; safe mode)")
        names = []
        if self._objects:
            active_ctx, element = self._objects[-1]
            names = [k for k in element if k != "@context" and self._expand_iri(active_ctx, k, vocab=True) is None]
        raise InvalidJsonLd(f"term {', '.join(map(repr, names)) or '(unknown)'} is mapped to null by the @context "
                            f"or is a reserved @-keyword (it would be dropped; safe mode)")

    def _expand_object(self, active_ctx, active_property, expanded_active_property, element, *args, **kwargs):
        """pyld's ``_expand_object``, remembering the object being expanded so a dropped term can be named."""
        self._objects.append((active_ctx, element))
        try:
            return super()._expand_object(active_ctx, active_property, expanded_active_property, element,
                                          *args, **kwargs)
        finally:
            self._objects.pop()

    def _process_context(self, active_ctx, local_ctx, options, override_protected=False, propagate=True,
                         validate_scoped=True, cycles=None):
        """pyld's ``_process_context`` behind the processed-context memo (see :mod:`.context_cache`)."""
        def compute():
            return super(SafeProcessor, self)._process_context(
                active_ctx, local_ctx, options, override_protected=override_protected, propagate=propagate,
                validate_scoped=validate_scoped, cycles=cycles)

        if self.memo is None or cycles is not None:
            return compute()
        return self.memo.process(compute, active_ctx, local_ctx, options, override_protected=override_protected,
                                 propagate=propagate, validate_scoped=validate_scoped)

    def to_quads(self, expanded: list, *, supported: bool = False) -> tuple[list[Quad], SignedGraph]:
        """Convert expanded JSON-LD to RDF quads (JSON-LD 1.1 API §7.2 Node Map Generation, then §8.1
        Deserialize JSON-LD to RDF by :func:`~verifier.jsonld.to_rdf.node_map_quads`).

        :param expanded: safe-mode expanded JSON-LD (its top-level node may be given a fresh ``@id``).
        :param supported: True when ``expanded`` is known to pass :func:`~verifier.jsonld.node_map.check_supported`
            (the expander's output), which then is not run again.
        :returns: (quads of canonical N-Quads terms, the :class:`SignedGraph` they were emitted from).
        :raises InvalidJsonLd: a relative IRI or graph name (safe mode).
        """
        issuer = IdentifierIssuer("_:b")
        top_label = _label_top(expanded)
        node_map: dict[str, Any] = {"@default": {}}
        try:
            if not supported:
                check_supported(expanded)
        except Unsupported:  # @reverse, @included, @index...: pyld's own algorithm
            self._create_node_map(expanded, node_map, "@default", issuer)
        else:
            create_node_map(expanded, node_map, "@default", issuer)
        quads = node_map_quads(node_map, issuer)
        top = None
        if top_label is not None:
            top = issuer.get_id(top_label) if top_label.startswith("_:") else top_label
        return quads, SignedGraph(node_map, top)


def _label_top(expanded: list) -> str | None:
    """The identifier the top-level node will have in the node map.

    A top-level node without ``@id`` is given a fresh blank-node label (random, so nothing in the
    document can name it); blank-node labels do not change the canonical form (RDFC-1.0 §4.4 relabels).
    :returns: the label or IRI, or None when the document did not expand to exactly one node object.
    """
    if len(expanded) != 1 or not isinstance(expanded[0], dict) or "@value" in expanded[0] or "@list" in expanded[0]:
        return None
    node = expanded[0]
    if "@id" not in node:
        node["@id"] = "_:top-" + secrets.token_hex(16)
    label = node["@id"]
    return label if isinstance(label, str) else None


class Engine:
    """Loader, resolved-context cache and processors for one resource configuration.

    :param loader: the offline loader.
    :param memo: True to use the processed-context memo (the default everywhere but in tests).
    :param fast: True to try the table-driven :class:`~verifier.jsonld.expander.Expander` before pyld's
        expansion (the default everywhere but in tests).
    """

    def __init__(self, loader: OfflineLoader, *, memo: bool = True, fast: bool = True):
        self.loader = loader
        self.resolved = LRUCache(maxsize=RESOLVED_CONTEXTS_MAX)
        self.processor = SafeProcessor(ProcessedContextCache() if memo else None)
        self.expander = Expander(self.processor) if fast else None
        #: expansions done by the expander / left to pyld (for tests and benches).
        self.fast_expansions = self.pyld_expansions = 0

    def options(self) -> dict[str, Any]:
        """Options for one pyld operation: our loader, a resolver over our cache, the sentinel base."""
        return {
            "documentLoader": self.loader,
            "contextResolver": ContextResolver(self.resolved, self.loader),
            "base": SAFE_MODE_BASE,
            "processingMode": "json-ld-1.1",
            "extractAllScripts": False,
        }

    def expand(self, document: dict[str, Any]) -> list:
        """Expansion of ``document`` with pyld's dropped-term refusal (see :func:`verifier.jsonld.expand`,
        which adds the safe-mode walk)."""
        return self.expand_checked(document)[0]

    def expand_checked(self, document: dict[str, Any]) -> tuple[list, bool]:
        """Expansion of ``document``, by the expander when it handles every construct of the document;
        otherwise -- a construct it leaves to pyld, a document the safe-mode walk refuses, or any error on
        its way (an unknown context, a protected term redefined...) -- by pyld's expansion from the start,
        whose result or error is then the answer.

        :returns: (the expanded document, True when the expander made it: it then passes
            :func:`~verifier.jsonld.safe_mode.check_expanded` and :func:`~verifier.jsonld.node_map.check_supported`,
            so neither needs to run).
        """
        options = self.options()
        if self.expander is not None and isinstance(document, dict):
            try:
                expanded = self.expander.expand(document, options)
            except Exception:  # noqa: BLE001 -- Unsupported, or an error pyld raises itself below
                pass
            else:
                self.fast_expansions += 1
                return expanded, True
        self.pyld_expansions += 1
        with pyld_errors("expansion"):
            return self.processor.expand(document, options), False

    def key_iri(self, local_ctx: Any, key: str) -> str | None:
        """Expand ``key`` as a property name in the context ``local_ctx`` (see :func:`verifier.jsonld.key_iri`)."""
        with pyld_errors("context processing"):
            options = self.options()
            active = self.processor._get_initial_context(options)
            if local_ctx is not None:
                active = self.processor.process_context(active, local_ctx, options)
            return self.processor._expand_iri(active, key, vocab=True)

    def to_quads(self, expanded: list, *, supported: bool = False) -> tuple[list[Quad], SignedGraph]:
        """Convert safe-mode expanded JSON-LD to RDF quads and its :class:`SignedGraph`
        (see :meth:`SafeProcessor.to_quads`)."""
        with pyld_errors("conversion to RDF"):
            return self.processor.to_quads(expanded, supported=supported)


@lru_cache(maxsize=32)
def engine(resources) -> Engine:
    """Return this process's :class:`Engine` for a :class:`~verifier.options.ResourceConfig`."""
    return Engine(document_loader(resources))
