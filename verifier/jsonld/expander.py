"""A JSON-LD expander for the shapes credentials use, built on per-context term tables (JSON-LD 1.1 API
§5.1 Expansion Algorithm, as pyld implements it).

Why: pyld's ``_expand`` re-derives, for every key of every node, what the key means in the active
context (IRI expansion, ``@container``, ``@type`` coercion, language, scoped context), through generic
helpers. Credentials repeat a few dozen terms from a few pinned contexts, so here each (active context,
key) pair is resolved once into a :class:`Term` kept in a table per processed context (pyld names each
frozen context by its ``_uuid``; see :mod:`.context_cache`), and the walk itself is a short loop over
those tables. Context processing itself (URL resolution through our offline loader, protected terms,
scoped contexts) is still pyld's, behind the processed-context memo.

Scope: node objects with ``@id``, ``@type`` and properties; embedded ``@context`` values; property- and
type-scoped contexts (with ``@propagate`` and the revert to the previous context, as pyld does);
``@set``, ``@list`` and ``@graph`` containers; ``@id``/``@vocab``/datatype coercion, default language and
direction. Anything else -- a keyword other than ``@id``/``@type`` as a key (``@value``, ``@reverse``,
``@graph``, ``@nest``, ``@included``, ``@index``, ``@language``...), a language, index, id or type map
container, a reverse or ``@json`` term, a term that would be dropped, a key collision, a value of an
unexpected shape -- raises :class:`Unsupported` before anything is returned, and the caller runs pyld's
expansion from the start (fail closed: pyld gives the result, or the error, it always gave). In
particular safe mode is untouched: a key that would be dropped is never handled here, so the safe-mode
refusal (:meth:`~verifier.jsonld.processor.SafeProcessor._dropped`) comes from pyld's own walk.

Equivalence: the output is pyld's expanded document, item for item and in the same order (the same
traversal: keys in sorted order, types in sorted order, the same context switches). Guarded by
``tests/jsonld/test_expander.py`` (corpus, generated documents and contexts, each fallback shape) and by
the differential tests against stock pyld.

Not thread-safe (nor is pyld): one expander per processor, one processor per process.
"""

from __future__ import annotations

import re
from typing import Any

from frozendict import frozendict
from pyld.jsonld import KEYWORDS, JsonLdProcessor

#: pyld's ``_is_absolute_iri`` (a scheme or ``_``, a colon, no whitespace), compiled once.
_ABSOLUTE = re.compile(r"^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$").match
_KEYWORDS = frozenset(KEYWORDS)
_get = JsonLdProcessor.get_context_value

#: containers handled here (others -> Unsupported), as the set of a term's ``@container`` values.
_CONTAINERS = frozenset({frozenset(), frozenset({"@set"}), frozenset({"@list"}), frozenset({"@graph"}),
                         frozenset({"@graph", "@set"})})
#: most (context, key) entries kept over all tables; all are dropped when reached.
MAX_TERMS = 32_768

# what a key is in a given active context
DROPPED, ID, TYPE, KEYWORD, PROPERTY = range(5)


class Unsupported(Exception):
    """The document uses a construct this expander leaves to pyld."""


class Term:
    """What one key means in one active context (everything pyld's ``_expand`` looks up for it).

    :ivar iri: the key expanded as a property (``_expand_iri(ctx, key, vocab=True)``): IRI, keyword or None.
    :ivar kind: DROPPED (pyld would drop it), ID, TYPE, KEYWORD (another keyword) or PROPERTY.
    :ivar scoped: the term's scoped context (``@context`` of its definition), or None.
    :ivar handled: False when the term's definition needs pyld (a container other than
        ``@set``/``@list``/``@graph``, ``@type: @json``, a reverse property).
    :ivar is_list, is_graph: ``@list`` / ``@graph`` in its container.
    :ivar coerce: its ``@type`` mapping; ``language``, ``direction``: with the context's defaults.
    """

    __slots__ = ("iri", "kind", "scoped", "handled", "is_list", "is_graph", "coerce", "language", "direction")

    def __init__(self, ctx: frozendict, key: str, iri: Any):
        self.iri = iri
        if iri is None or not (iri in _KEYWORDS or _ABSOLUTE(iri)):
            self.kind = DROPPED
        else:
            self.kind = ID if iri == "@id" else TYPE if iri == "@type" else KEYWORD if iri in _KEYWORDS else PROPERTY
        self.scoped = _get(ctx, key, "@context")
        container = _get(ctx, key, "@container")
        container = frozenset(container if isinstance(container, list) else [] if container is None else [container])
        mapping = ctx["mappings"].get(key)
        self.coerce = _get(ctx, key, "@type")
        self.handled = (container in _CONTAINERS and self.coerce != "@json"
                        and not (mapping is not None and mapping.get("reverse")))
        self.is_list = "@list" in container
        self.is_graph = "@graph" in container
        self.language = _get(ctx, key, "@language")
        self.direction = _get(ctx, key, "@direction")


class Expander:
    """Expansion of a JSON document (see the module docstring) using ``processor``'s context
    processing and IRI expansion (both memoised there).

    :param processor: a :class:`~verifier.jsonld.processor.SafeProcessor`.
    """

    def __init__(self, processor: Any):
        self.processor = processor
        self._tables: dict[str, dict[str, Term]] = {}
        self._count = 0
        self._options: dict[str, Any] = {}
        self._base: Any = ""

    def expand(self, document: dict[str, Any], options: dict[str, Any]) -> list:
        """pyld's ``expand`` of ``document`` (a JSON object) with ``options`` (as
        :meth:`SafeProcessor.expand <verifier.jsonld.processor.SafeProcessor.expand>` receives them).

        :returns: the expanded document (a list), equal to pyld's.
        :raises Unsupported: the document needs pyld's expansion (nothing is returned then).
        :raises JsonLdError, VerifierError: from context processing (the caller then runs pyld, which
            raises its own error).
        """
        options = {"isFrame": False, "keepFreeFloatingNodes": False, "extractAllScripts": False,
                   "processingMode": "json-ld-1.1", **options}
        options.setdefault("base", "")
        self._options, self._base = options, options["base"]
        initial = self.processor._get_initial_context(options)
        expanded = self._node(initial, None, None, document, False)
        return [] if expanded is None else [expanded]

    # -- tables ---------------------------------------------------------------------------------

    def _term(self, ctx: Any, key: str) -> Term:
        """``key`` in the active context ``ctx``, from the table of ``ctx`` (made on first use)."""
        uuid = ctx.get("_uuid")
        table = self._tables.get(uuid)
        if table is not None:
            term = table.get(key)
            if term is not None:
                return term
        if uuid is None or not isinstance(ctx, frozendict) or not isinstance(key, str):
            raise Unsupported("an unfrozen active context or a non-string key")
        if self._count >= MAX_TERMS:
            self._tables.clear()
            self._count = 0
        term = Term(ctx, key, self.processor._expand_iri(ctx, key, vocab=True))
        self._tables.setdefault(ctx["_uuid"], {})[key] = term
        self._count += 1
        return term

    def _process(self, ctx: Any, local: Any, **flags: bool) -> Any:
        return self.processor._process_context(ctx, local, self._options, **flags)

    # -- expansion (pyld's _expand / _expand_object / _expand_value, restricted) -------------------

    def _value(self, ctx: Any, key: str | None, term: Term | None, element: Any, inside_list: bool) -> Any:
        """pyld's ``_expand`` of any element under property ``key`` (``term``: ``key`` in ``ctx``)."""
        kind = type(element)
        if kind is dict:
            return self._node(ctx, key, term, element, inside_list)
        if kind is list:
            inside_list = inside_list or (term is not None and term.is_list)
            out: list = []
            for item in element:
                item = self._value(ctx, key, term, item, inside_list)
                if inside_list and type(item) is list:
                    item = {"@list": item}
                if item is not None:
                    if type(item) is list:
                        out.extend(item)
                    else:
                        out.append(item)
            return out
        if element is None:
            return None
        if kind not in (str, int, float, bool):
            raise Unsupported(f"a {kind.__name__} in the document")
        if not inside_list and (term is None or term.iri == "@graph"):
            return None  # a free-floating scalar
        if term.kind != PROPERTY:
            raise Unsupported("a scalar under a keyword")
        coerce = term.coerce
        if kind is str:
            if coerce == "@id":
                return {"@id": self.processor._expand_iri(ctx, element, base=self._base)}
            if coerce == "@vocab":
                return {"@id": self.processor._expand_iri(ctx, element, vocab=True, base=self._base)}
        if coerce is not None and coerce != "@id" and coerce != "@vocab" and coerce != "@none":
            return {"@type": coerce, "@value": element}
        if kind is str:
            out_value = {}
            if term.language is not None:
                out_value["@language"] = term.language
            if term.direction is not None:
                out_value["@direction"] = term.direction
            out_value["@value"] = element
            return out_value
        return {"@value": element}

    def _node(self, ctx: Any, key: str | None, term: Term | None, element: dict, inside_list: bool) -> Any:
        """pyld's ``_expand`` of a JSON object: contexts, then ``_expand_object``, then the clean-up."""
        expanded_key = term.iri if term is not None else None
        # revert a type-scoped context, unless the element is a value or a lone subject reference
        type_scoped = ctx if ctx.get("previousContext") else None
        must_revert = True
        if type_scoped is not None and len(element) <= 2 and "@context" not in element:
            for k in sorted(element):
                iri = self._term(type_scoped, k).iri
                if iri == "@value":
                    raise Unsupported("a value object")
                if iri == "@id" and len(element) == 1:
                    must_revert = False
                    break
        if must_revert and "previousContext" in ctx:
            ctx = ctx["previousContext"]
        if term is not None and term.scoped is not None:
            ctx = self._process(ctx, term.scoped, override_protected=True)
        # pyld's _prepare_nested_context: the element's own @context, then type-scoped contexts
        if "@context" in element:
            local = element["@context"]
            if isinstance(local, dict) and len(local) == 1 and "@context" in local:
                raise Unsupported("@context inside @context")
            ctx = self._process(ctx, local)
        type_ctx = ctx
        type_key = None
        items = sorted(element.items())
        for k, value in items:
            if self._term(ctx, k).iri != "@type":
                continue
            type_key = type_key or k
            for t in sorted(t for t in (value if type(value) is list else [value]) if type(t) is str):
                scoped = self._term(type_ctx, t).scoped
                if scoped is not None and scoped is not False:
                    ctx = self._process(ctx, scoped, propagate=False)
        if type_key is not None:
            first = element[type_key]
            first = first[0] if first and type(first) is list else first
            if type(first) is str and self._term(ctx, first).iri == "@json":
                raise Unsupported("a @json typed value")
        # pyld's _expand_object
        result: dict[str, Any] = {}
        for k, value in items:
            if k == "@context":
                continue
            t = self._term(ctx, k)
            kind = t.kind
            if kind is PROPERTY:
                if not t.handled:
                    raise Unsupported(f"the definition of {k!r}")
                term_ctx = ctx if t.scoped is None else self._process(ctx, t.scoped, propagate=True,
                                                                        override_protected=True)
                inner = t if term_ctx is ctx else self._term(term_ctx, k)
                if not inner.handled:
                    raise Unsupported(f"the definition of {k!r} in its scoped context")
                expanded = self._value(term_ctx, k, inner, value, False)
                if expanded is None:
                    continue
                if t.is_list and not (type(expanded) is dict and "@list" in expanded):
                    expanded = {"@list": expanded if type(expanded) is list else [expanded]}
                if t.is_graph:
                    expanded = [{"@graph": [v]} for v in (expanded if type(expanded) is list else [expanded])]
                values = result.get(t.iri)
                if values is None:
                    values = result[t.iri] = []
                if type(expanded) is list:
                    values.extend(expanded)
                else:
                    values.append(expanded)
            elif kind is ID:
                if "@id" in result or type(value) is not str:
                    raise Unsupported("colliding or non-string @id")
                result["@id"] = self.processor._expand_iri(ctx, value, base=self._base)
            elif kind is TYPE:
                values = value if type(value) is list else [value]
                if not all(type(v) is str for v in values):
                    raise Unsupported("a @type value that is not a string")
                if values:
                    expand_iri, base = self.processor._expand_iri, self._base
                    result.setdefault("@type", []).extend(expand_iri(type_ctx, v, vocab=True, base=base)
                                                          for v in values)
            else:
                raise Unsupported(f"key {k!r} ({t.iri!r})")
        if (not inside_list and (key is None or expanded_key == "@graph")
                and (not result or (len(result) == 1 and "@id" in result))):
            return None  # a free-floating node (pyld drops an empty object or a lone @id at top level)
        return result
