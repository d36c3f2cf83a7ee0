"""A bounded memo of pyld's context processing (JSON-LD 1.1 API §4.1 Context Processing Algorithm).

Why: pyld keeps processed contexts per *resolved* context, keyed by the active context's ``_uuid``.
A type-scoped context (``propagate: false``, JSON-LD 1.1 §4.1.2 step 3) is applied to a fresh clone of
the active context, whose new ``_uuid`` never hits that cache; and every inline scoped context is
JCS-canonicalised again to find its resolved entry. So an Open Badges 3.0 credential, whose
``Achievement``, ``Profile``, ``Result``... types all carry scoped contexts, re-processes them for
every node. Measured on ``1edtech-validator-ob30/simple.json``: ~3x faster end to end with this memo.

What: :class:`ProcessedContextCache` maps

    (active context ``_uuid``, local context, override_protected, propagate, validate_scoped,
     base, processingMode)  ->  the processed (frozen) active context

The active context is identified by its ``_uuid``: pyld assigns a fresh one to every processed
context and freezes it (``frozendict``), so a ``_uuid`` names exactly one immutable context. Only
frozen active contexts are memoised; so are only top-level calls (pyld's internal recursion, which
passes ``cycles``, is left alone). The local context is keyed by its JSON text (sorted keys; a list of URLs by the tuple of its URLs), so the
key is content, not object identity. That text is itself remembered per local-context *object* (held,
so its id is never reused): the scoped contexts of pinned context files are the same objects on every
verification, so their key is not serialised again. Context objects are never mutated once parsed
(pyld deep-copies the documents it expands and freezes what it processes). Results are the frozen contexts pyld itself would return;
errors are never cached. The memo is LRU-bounded.

Equivalence with stock pyld is guarded by a test that compares canonical N-Quads with and without
the memo over every JSON-LD credential of the test corpus.

Not thread-safe (nor is pyld): use one processor per process.
"""

from __future__ import annotations

import json
from typing import Any, Callable

from cachetools import LRUCache
from frozendict import frozendict

DEFAULT_MAX_ENTRIES = 1024


DEFAULT_MAX_KEYS = 512
#: keys longer than this are not remembered by identity (bounds the memory an input's inline context can hold).
MAX_REMEMBERED_KEY_CHARS = 16_384


def _json_key(local_ctx: Any) -> str:
    return "j:" + json.dumps(local_ctx, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class ProcessedContextCache:
    """LRU memo of processed contexts; see the module docstring.

    :param max_entries: most processed contexts kept.
    :ivar hits: lookups answered from the memo.
    :ivar misses: lookups that ran pyld's context processing.
    """

    def __init__(self, max_entries: int = DEFAULT_MAX_ENTRIES):
        self._entries: LRUCache = LRUCache(maxsize=max_entries)
        self._keys: LRUCache = LRUCache(maxsize=DEFAULT_MAX_KEYS)  # id(local context) -> (it, its key)
        # first level, a plain dict: (active _uuid, the local context's identity, flags) -> (it, result); only
        # for local contexts whose key is remembered (a URL, or at most MAX_REMEMBERED_KEY_CHARS of JSON).
        self._by_identity: dict[tuple, tuple[Any, Any]] = {}
        self.hits = 0
        self.misses = 0

    def process(self, compute: Callable[[], Any], active_ctx: Any, local_ctx: Any, options: dict[str, Any],
                *, override_protected: bool, propagate: bool, validate_scoped: bool) -> Any:
        """Return the processed context for these arguments, from the memo or by calling ``compute()``.

        :param compute: runs pyld's own ``_process_context`` with the same arguments.
        :returns: what ``compute()`` returns (a frozen active context).
        """
        if not isinstance(active_ctx, frozendict) or "_uuid" not in active_ctx:
            return compute()
        fast = (active_ctx["_uuid"], local_ctx if type(local_ctx) is str else id(local_ctx), override_protected,
                propagate, validate_scoped, options.get("base"), options.get("processingMode"))
        known = self._by_identity.get(fast)
        if known is not None and known[0] is local_ctx:
            self.hits += 1
            return known[1]
        try:
            key = (active_ctx["_uuid"], self._local_key(local_ctx), override_protected, propagate, validate_scoped,
                   options.get("base"), options.get("processingMode"))
        except (TypeError, ValueError):  # not JSON-serialisable: let pyld decide
            return compute()
        hit = self._entries.get(key)
        if hit is not None:
            self.hits += 1
            self._remember(fast, local_ctx, hit)
            return hit
        self.misses += 1
        result = compute()
        if isinstance(result, frozendict):
            self._entries[key] = result
            self._remember(fast, local_ctx, result)
        return result

    def _remember(self, fast: tuple, local_ctx: Any, result: Any) -> None:
        known = self._keys.get(id(local_ctx))
        if isinstance(local_ctx, str) or (known is not None and known[0] is local_ctx):
            if len(self._by_identity) >= DEFAULT_MAX_ENTRIES:
                self._by_identity.clear()
            self._by_identity[fast] = (local_ctx, result)

    def _local_key(self, local_ctx: Any) -> str | tuple[str, ...]:
        if isinstance(local_ctx, str):
            return "s:" + local_ctx
        if type(local_ctx) is list and all(type(url) is str for url in local_ctx):
            return ("l", *local_ctx)  # a document's list of context URLs: no JSON text needed
        known = self._keys.get(id(local_ctx))
        if known is not None and known[0] is local_ctx:
            return known[1]
        key = _json_key(local_ctx)
        if len(key) <= MAX_REMEMBERED_KEY_CHARS:
            self._keys[id(local_ctx)] = (local_ctx, key)
        return key

    def clear(self) -> None:
        """Drop every entry and reset the counters."""
        self._entries.clear()
        self._keys.clear()
        self._by_identity.clear()
        self.hits = self.misses = 0
