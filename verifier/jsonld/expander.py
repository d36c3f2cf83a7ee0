"""A JSON-LD expander for the shapes credentials use, built on per-context term tables (JSON-LD 1.1 API
§5.1 Expansion Algorithm, as pyld implements it).

Why: pyld's ``_expand`` re-derives, for every key of every node, what the key means in the active
context (IRI expansion, ``@container``, ``@type`` coercion, language, scoped context), through generic
helpers. Credentials repeat a few dozen terms from a few pinned contexts, so here each (active context,
key) pair is resolved once into a :class:`Term` kept in a table per processed context (pyld names each
frozen context by its ``_uuid``; see :mod:`.context_cache`), and the walk itself is a short loop over
those tables. Context processing itself (URL resolution through our offline loader, protected terms,
scoped contexts) is still pyld's, behind the processed-context memo; what follows from it for an object is
remembered too, keyed by what it depends on and nothing less: the context entered for an object (by
context, property and sorted keys), what its keys mean there (by context and keys), the context after its
types' scoped contexts (by context and type values; not remembered when a type-scoped context turns
another key into a ``@type`` alias), a context list's result (by context and URLs) and type IRIs (by
context and value). Contexts are immutable and named by ``_uuid``; every memo is bounded by clearing, and
all are dropped when the base IRI or processing mode changes.

Safe mode: the expander answers only for a document that also passes the safe-mode walk
(:func:`~verifier.jsonld.safe_mode.check_expanded`): an ``@id``, ``@type`` or datatype IRI that is not
absolute (or came from a relative reference), or a malformed language tag, raises :class:`Unsupported`,
and pyld's path then raises the refusal with its usual words.

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

from typing import Any

from frozendict import frozendict
from pyld.jsonld import KEYWORDS, JsonLdProcessor

from verifier.jsonld.loader import SAFE_MODE_BASE
from verifier.jsonld.safe_mode import _LANGUAGE_TAG, _is_absolute_iri

_KEYWORDS = frozenset(KEYWORDS)
_get = JsonLdProcessor.get_context_value

#: containers handled here (others -> Unsupported), as the set of a term's ``@container`` values.
_CONTAINERS = frozenset({frozenset(), frozenset({"@set"}), frozenset({"@list"}), frozenset({"@graph"}),
                         frozenset({"@graph", "@set"})})
#: most term tables plus (context, key) entries kept over all tables; all are dropped when reached.
MAX_TERMS = 32_768
#: most entered contexts and key plans kept (each: per context, property and set of keys); cleared when reached.
MAX_SHAPES = 4096
#: deepest nesting of JSON values handled here (deeper -> Unsupported; the expanded document then stays
#: well inside the depth that the safe-mode walk and node map generation accept).
MAX_DEPTH = 100

# what a key is in a given active context
DROPPED, ID, TYPE, KEYWORD, PROPERTY = range(5)
# how a scalar value of a term expands
PLAIN, AS_ID, AS_VOCAB, TYPED, REFUSED = range(5)


class Unsupported(Exception):
    """The document uses a construct this expander leaves to pyld."""


def _safe_iri(iri: Any) -> bool:
    """The safe-mode rule of :func:`~verifier.jsonld.safe_mode.check_expanded` for ``@id``, ``@type`` and
    datatype IRIs: an absolute IRI or blank node identifier, not made from a relative reference."""
    return type(iri) is str and bool(_is_absolute_iri(iri)) and not iri.startswith(SAFE_MODE_BASE)


class Term:
    """What one key means in one active context (everything pyld's ``_expand`` looks up for it).

    :ivar iri: the key expanded as a property (``_expand_iri(ctx, key, vocab=True)``): IRI, keyword or None.
    :ivar kind: DROPPED (pyld would drop it), ID, TYPE, KEYWORD (another keyword) or PROPERTY.
    :ivar scoped: the term's scoped context (``@context`` of its definition), or None.
    :ivar handled: False when the term's definition needs pyld (a container other than
        ``@set``/``@list``/``@graph``, ``@type: @json``, a reverse property).
    :ivar is_list, is_graph: ``@list`` / ``@graph`` in its container.
    :ivar coerce: its ``@type`` mapping; ``language``, ``direction``: with the context's defaults.
    :ivar for_str, for_other: how a string / another scalar value expands (PLAIN, AS_ID, AS_VOCAB, TYPED),
        or REFUSED when the value object would fail the safe-mode walk (a relative datatype, a malformed
        language tag): pyld's path then raises the refusal.
    """

    __slots__ = ("iri", "kind", "scoped", "handled", "is_list", "is_graph", "coerce", "language", "direction",
                 "for_str", "for_other")

    def __init__(self, ctx: frozendict, key: str, iri: Any):
        self.iri = iri
        if iri is None or not (iri in _KEYWORDS or _is_absolute_iri(iri)):
            self.kind = DROPPED
        else:
            self.kind = ID if iri == "@id" else TYPE if iri == "@type" else KEYWORD if iri in _KEYWORDS else PROPERTY
        self.scoped = _get(ctx, key, "@context")
        container = _get(ctx, key, "@container")
        container = frozenset(container if isinstance(container, list) else [] if container is None else [container])
        mapping = ctx["mappings"].get(key)
        coerce = self.coerce = _get(ctx, key, "@type")
        self.handled = (container in _CONTAINERS and coerce != "@json"
                        and not (mapping is not None and mapping.get("reverse")))
        self.is_list = "@list" in container
        self.is_graph = "@graph" in container
        self.language = _get(ctx, key, "@language")
        self.direction = _get(ctx, key, "@direction")
        if coerce is not None and coerce not in ("@id", "@vocab", "@none"):
            self.for_other = self.for_str = TYPED if _safe_iri(coerce) else REFUSED
        else:
            self.for_other = PLAIN
            self.for_str = {"@id": AS_ID, "@vocab": AS_VOCAB}.get(coerce, PLAIN)
            if self.for_str is PLAIN and self.language is not None and not (
                    type(self.language) is str and _LANGUAGE_TAG.match(self.language)):
                self.for_str = REFUSED


class Expander:
    """Expansion of a JSON document (see the module docstring) using ``processor``'s context
    processing and IRI expansion (both memoised there).

    :param processor: a :class:`~verifier.jsonld.processor.SafeProcessor`.
    """

    def __init__(self, processor: Any):
        self.processor = processor
        self._tables: dict[Any, dict[str, Term]] = {}
        self._entered: dict[tuple, Any] = {}
        self._plans: dict[tuple, tuple] = {}
        self._typed: dict[tuple, tuple[Any, str | None]] = {}
        self._locals: dict[tuple, Any] = {}
        self._vocab_iris: dict[tuple[str, str], str] = {}
        self._count = 0
        self._options: dict[str, Any] = {}
        self._base: Any = ""
        self._mode: tuple[Any, Any] | None = None

    def expand(self, document: dict[str, Any], options: dict[str, Any]) -> list:
        """pyld's ``expand`` of ``document`` (a JSON object) with ``options`` (as
        :meth:`SafeProcessor.expand <verifier.jsonld.processor.SafeProcessor.expand>` receives them), for a
        document that also passes the safe-mode walk (:func:`~verifier.jsonld.safe_mode.check_expanded`)
        and whose output :func:`~verifier.jsonld.node_map.check_supported` accepts.

        :returns: the expanded document (a list), equal to pyld's.
        :raises Unsupported: the document needs pyld's expansion, or the safe-mode walk would refuse it
            (nothing is returned then).
        :raises JsonLdError, VerifierError: from context processing (the caller then runs pyld, which
            raises its own error).
        """
        options = {"isFrame": False, "keepFreeFloatingNodes": False, "extractAllScripts": False,
                   "processingMode": "json-ld-1.1", **options}
        options.setdefault("base", "")
        mode = (options["base"], options["processingMode"])
        if mode != self._mode:  # what is remembered holds for one base and processing mode
            for memo in (self._tables, self._entered, self._plans, self._typed, self._locals, self._vocab_iris):
                memo.clear()
            self._count, self._mode = 0, mode
        self._options, self._base = options, options["base"]
        initial = self.processor._get_initial_context(options)
        expanded = self._node(initial, None, None, document, False, 0)
        return [] if expanded is None else [expanded]

    # -- tables ---------------------------------------------------------------------------------

    def _table(self, ctx: Any) -> dict[str, Term]:
        """The term table of the active context ``ctx`` (a pyld frozen context, named by its ``_uuid``)."""
        uuid = ctx.get("_uuid")
        table = self._tables.get(uuid)
        if table is None:
            if uuid is None or not isinstance(ctx, frozendict):
                raise Unsupported("an unfrozen active context")
            if self._count >= MAX_TERMS:  # tables count towards the bound as their terms do
                self._tables.clear()
                self._count = 0
            table = self._tables[uuid] = {}
            self._count += 1
        return table

    def _term(self, ctx: Any, key: str, table: dict[str, Term] | None = None) -> Term:
        """``key`` in the active context ``ctx`` (whose table is ``table`` when given)."""
        if table is None:
            table = self._table(ctx)
        term = table.get(key)
        if term is None:
            if type(key) is not str:
                raise Unsupported("a key that is not a string")
            if self._count >= MAX_TERMS:
                self._tables.clear()
                self._count = 0
                table = self._table(ctx)
            term = table[key] = Term(ctx, key, self.processor._expand_iri(ctx, key, vocab=True))
            self._count += 1
        return term

    def _process(self, ctx: Any, local: Any, **flags: bool) -> Any:
        return self.processor._process_context(ctx, local, self._options, **flags)

    def _local(self, ctx: Any, local: Any) -> Any:
        """The active context after an object's own ``@context`` (pyld's context processing; a string or
        a list of strings -- context URLs -- is remembered per active context)."""
        if type(local) is str:
            signature: Any = local
        elif type(local) is list and all(type(url) is str for url in local):
            signature = tuple(local)
        else:
            return self._process(ctx, local)
        key = (ctx["_uuid"], self._base, signature)
        result = self._locals.get(key)
        if result is None:
            result = self._process(ctx, local)
            self._remember(self._locals, key, result)
        return result

    def _id(self, ctx: Any, value: str, vocab: bool = False) -> str:
        """``value`` IRI-expanded (document-relative; vocabulary-relative too with ``vocab``) and held to
        the safe-mode rule (:func:`_safe_iri`; :class:`Unsupported` when it fails).

        pyld's ``_expand_iri`` returns a value with a colon after its first character unchanged when
        the part before the colon is ``_``, or the rest starts with ``//``, or the value is an absolute IRI
        whose scheme is not a prefix term of the context: those are answered here without it.
        Vocabulary-relative results (types) are remembered per context.
        """
        if vocab:
            key = (ctx["_uuid"], value)
            iri = self._vocab_iris.get(key)
            if iri is not None:
                return iri
            iri = self.processor._expand_iri(ctx, value, vocab=True, base=self._base)
            if not _safe_iri(iri):
                raise Unsupported("not an absolute IRI (safe mode refuses it)")
            self._remember(self._vocab_iris, key, iri)
            return iri
        colon = value.find(":")
        iri = None
        if colon > 0:
            if (colon == 1 and value[0] == "_") or value.startswith("//", colon + 1):
                iri = value
            else:
                mapping = ctx["mappings"].get(value[:colon])
                if not (mapping and mapping.get("_prefix")) and _is_absolute_iri(value):
                    iri = value
        if iri is None:
            iri = self.processor._expand_iri(ctx, value, base=self._base)
        if not _safe_iri(iri):
            raise Unsupported("not an absolute IRI (safe mode refuses it)")
        return iri

    def _types(self, ctx: Any, element: dict, keys: tuple[str, ...]) -> tuple[Any, str | None]:
        """pyld's ``_prepare_nested_context`` after the object's own ``@context``: the type-scoped
        contexts of the object's types applied, in sorted order, to ``ctx``.

        :returns: (the active context, the first key that expands to ``@type`` or None).
        """
        table = self._table(ctx)
        candidates = tuple(k for k in keys if (table.get(k) or self._term(ctx, k, table)).iri == "@type")
        if not candidates:
            return ctx, None
        try:
            signature = (ctx["_uuid"], *((k, tuple(v) if type(v) is list else v)
                                         for k in candidates for v in (element[k],)))
            known = self._typed.get(signature)
        except TypeError:  # a type value that is not hashable: not remembered (refused further on)
            signature, known = None, None
        if known is not None:
            return known
        type_ctx = ctx
        type_key = None
        found = []
        for k in keys:
            if self._term(ctx, k, table).iri != "@type":
                continue
            found.append(k)
            type_key = type_key or k
            value = element[k]
            for t in sorted(t for t in (value if type(value) is list else [value]) if type(t) is str):
                scoped = self._term(type_ctx, t).scoped
                if scoped is not None and scoped is not False:
                    ctx = self._process(ctx, scoped, propagate=False)
                    table = self._table(ctx)
        # remembered only when the keys read as types are the ones the entry context names (a type-scoped
        # context that turns another key into a @type alias is worked out again each time)
        if signature is not None and tuple(found) == candidates:
            self._remember(self._typed, signature, (ctx, type_key))
        return ctx, type_key

    # -- expansion (pyld's _expand / _expand_object / _expand_value, restricted) -------------------

    def _value(self, ctx: Any, key: str, term: Term, element: Any, inside_list: bool, depth: int) -> Any:
        """pyld's ``_expand`` of a property's value (``term``: ``key`` in ``ctx``)."""
        kind = type(element)
        if kind is str:
            plan = term.for_str
            if plan is PLAIN:
                if term.language is None and term.direction is None:
                    return {"@value": element}
                out: dict[str, Any] = {}
                if term.language is not None:
                    out["@language"] = term.language
                if term.direction is not None:
                    out["@direction"] = term.direction
                out["@value"] = element
                return out
            if plan is AS_ID:
                return {"@id": self._id(ctx, element)}
            if plan is AS_VOCAB:
                return {"@id": self._id(ctx, element, vocab=True)}
            if plan is TYPED:
                return {"@type": term.coerce, "@value": element}
            raise Unsupported("a value object the safe-mode walk refuses")
        if kind is dict:
            return self._node(ctx, key, term, element, inside_list, depth + 1)
        if kind is list:
            if depth > MAX_DEPTH:
                raise Unsupported("nested too deeply")
            inside_list = inside_list or term.is_list
            items: list = []
            for item in element:
                item = self._value(ctx, key, term, item, inside_list, depth + 1)
                if inside_list and type(item) is list:
                    item = {"@list": item}
                if item is not None:
                    if type(item) is list:
                        items.extend(item)
                    else:
                        items.append(item)
            return items
        if element is None:
            return None
        if kind is not int and kind is not float and kind is not bool:
            raise Unsupported(f"a {kind.__name__} in the document")
        plan = term.for_other
        if plan is PLAIN:
            return {"@value": element}
        if plan is TYPED:
            return {"@type": term.coerce, "@value": element}
        raise Unsupported("a value object the safe-mode walk refuses")

    def _enter(self, ctx: Any, term: Term | None, keys: tuple[str, ...]) -> Any:
        """The active context for a JSON object with ``keys`` under ``term`` (``ctx``: the context it is
        met in): a type-scoped context reverted (unless the object is a value or a lone subject
        reference), then the term's property-scoped context applied (pyld's ``_expand``)."""
        if term is not None and term.kind is not PROPERTY:
            raise Unsupported("an object under a keyword")
        if "previousContext" in ctx:
            must_revert = True
            if ctx["previousContext"] and len(keys) <= 2 and "@context" not in keys:
                table = self._table(ctx)
                for k in keys:
                    iri = self._term(ctx, k, table).iri
                    if iri == "@value":
                        raise Unsupported("a value object")
                    if iri == "@id" and len(keys) == 1:
                        must_revert = False
                        break
            if must_revert:
                ctx = ctx["previousContext"]
        if term is not None and term.scoped is not None:
            ctx = self._process(ctx, term.scoped, override_protected=True)
        return ctx

    def _plan(self, ctx: Any, keys: tuple[str, ...]) -> tuple[tuple[str, int, Term, Any, Any], ...]:
        """For each key of a JSON object in its final active context ``ctx`` (pyld's ``_expand_object``):
        ``(key, kind, term, context for its value, term in that context)``; ``@context`` is left out.

        :raises Unsupported: a key or term definition this expander does not handle.
        """
        table = self._table(ctx)
        plan = []
        for k in keys:
            t = self._term(ctx, k, table)
            kind = t.kind
            if kind is PROPERTY:
                if not t.handled:
                    raise Unsupported(f"the definition of {k!r}")
                if t.scoped is None:
                    plan.append((k, kind, t, ctx, t))
                    continue
                term_ctx = self._process(ctx, t.scoped, propagate=True, override_protected=True)
                inner = self._term(term_ctx, k)
                if not inner.handled:
                    raise Unsupported(f"the definition of {k!r} in its scoped context")
                plan.append((k, kind, t, term_ctx, inner))
            elif kind is ID or kind is TYPE:
                plan.append((k, kind, t, None, None))
            elif k != "@context":
                raise Unsupported(f"key {k!r} ({t.iri!r})")
        return tuple(plan)

    def _remember(self, memo: dict, key: Any, value: Any) -> None:
        if len(memo) >= MAX_SHAPES:
            memo.clear()
        memo[key] = value

    def _node(self, ctx: Any, key: str | None, term: Term | None, element: dict, inside_list: bool,
              depth: int) -> Any:
        """pyld's ``_expand`` of a JSON object: contexts, then ``_expand_object``, then the clean-up.

        What depends only on the active context, the property and the object's keys -- the context
        entered (:meth:`_enter`) and what each key means there (:meth:`_plan`) -- is remembered per
        (context ``_uuid``, property, sorted keys); types and values are read from the object each time.
        """
        if depth > MAX_DEPTH:
            raise Unsupported("nested too deeply")
        uuid = ctx.get("_uuid")
        if uuid is None:
            raise Unsupported("an active context without _uuid")
        keys = tuple(sorted(element))
        entry = (uuid, key, keys)
        entered = self._entered.get(entry)
        if entered is None:
            entered = self._enter(ctx, term, keys)
            self._remember(self._entered, entry, entered)
        ctx = entered
        # pyld's _prepare_nested_context: the element's own @context, then type-scoped contexts
        if "@context" in element:
            local = element["@context"]
            if isinstance(local, dict) and len(local) == 1 and "@context" in local:
                raise Unsupported("@context inside @context")
            ctx = self._local(ctx, local)
        type_ctx = ctx
        ctx, type_key = self._types(ctx, element, keys)
        if type_key is not None:
            first = element[type_key]
            first = first[0] if first and type(first) is list else first
            if type(first) is str and self._term(ctx, first).iri == "@json":
                raise Unsupported("a @json typed value")
        shape = (ctx["_uuid"], keys)
        plan = self._plans.get(shape)
        if plan is None:
            plan = self._plan(ctx, keys)
            self._remember(self._plans, shape, plan)
        # pyld's _expand_object
        result: dict[str, Any] = {}
        for k, kind, t, term_ctx, inner in plan:
            value = element[k]
            if kind is PROPERTY:
                expanded = self._value(term_ctx, k, inner, value, False, depth + 1)
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
                result["@id"] = self._id(ctx, value)
            else:  # TYPE
                values = value if type(value) is list else [value]
                if not all(type(v) is str for v in values):
                    raise Unsupported("a @type value that is not a string")
                if values:
                    types = result.get("@type")
                    if types is None:
                        types = result["@type"] = []
                    for v in values:
                        types.append(self._id(type_ctx, v, vocab=True))
        if (not inside_list and (term is None or term.iri == "@graph")
                and (not result or (len(result) == 1 and "@id" in result))):
            return None  # a free-floating node (pyld drops an empty object or a lone @id at top level)
        return result
