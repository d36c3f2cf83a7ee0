"""The decoded-status-list cache: a ``cachetools.TLRUCache`` bounded by bytes and by count.

Each :class:`~verifier.status.model.ListRecord` carries its own lifetime (the list's ``ttl`` or HTTP
``Cache-Control``, capped by the configured maximum and by the list's ``validUntil``; DESIGN.md
"Caches"), so entries expire individually. The byte bound uses the record's ``size_bytes`` estimate;
the count bound evicts least recently used records. Concurrent loads of one key share one task.
Not thread-safe: one cache per event loop (like the fetcher).
"""

from __future__ import annotations

import asyncio
import time
from typing import Awaitable, Callable, Hashable

from cachetools import TLRUCache

from verifier.status.model import ListRecord

__all__ = ["ListCache", "DEFAULT_MAX_BYTES", "DEFAULT_MAX_COUNT"]

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
DEFAULT_MAX_COUNT = 4096


class ListCache:
    """Verified, decoded status lists by key, each kept for its own lifetime.

    :param max_bytes: bound on the sum of the records' ``size_bytes``, bytes.
    :param max_count: bound on the number of records.
    :param timer: monotonic clock in seconds (tests pass a fake one).
    :raises ValueError: a bound below 1.
    """

    def __init__(self, *, max_bytes: int = DEFAULT_MAX_BYTES, max_count: int = DEFAULT_MAX_COUNT,
                 timer: Callable[[], float] = time.monotonic):
        if max_bytes < 1 or max_count < 1:
            raise ValueError("status list cache bounds must be at least 1")
        self.max_bytes = max_bytes
        self.max_count = max_count
        self._cache: TLRUCache = TLRUCache(maxsize=max_bytes, ttu=lambda _k, rec, now: now + rec.lifetime_s,
                                           timer=timer, getsizeof=lambda rec: rec.size_bytes)
        self._inflight: dict[Hashable, asyncio.Task] = {}

    def get(self, key: Hashable) -> ListRecord | None:
        """The live record for ``key``, or None (expired records are never returned)."""
        return self._cache.get(key)

    def put(self, key: Hashable, record: ListRecord) -> bool:
        """Keep ``record`` for its lifetime; returns False when it is not kept (lifetime 0 or too large)."""
        if record.lifetime_s <= 0 or record.size_bytes > self.max_bytes:
            self._cache.pop(key, None)
            return False
        self._cache[key] = record
        while len(self._cache) > self.max_count:
            self._cache.popitem()
        return True

    async def get_or_load(self, key: Hashable, load: Callable[[], Awaitable[ListRecord]]) -> tuple[ListRecord, bool]:
        """Answer from the cache, or run ``load`` once for every concurrent caller of ``key``.

        :returns: (record, True when it came from the cache).
        :raises: whatever ``load`` raises (failures are not cached).
        """
        hit = self._cache.get(key)
        if hit is not None:
            return hit, True
        task = self._inflight.get(key)
        if task is None:
            task = asyncio.ensure_future(load())
            self._inflight[key] = task
            task.add_done_callback(lambda t: self._settle(key, t))
        return await asyncio.shield(task), False

    def _settle(self, key: Hashable, task: asyncio.Task) -> None:
        self._inflight.pop(key, None)
        if task.cancelled() or task.exception() is not None:  # exception() marks it retrieved
            return
        self.put(key, task.result())

    def stats(self) -> dict[str, int]:
        """``count``, ``bytes`` (estimated, expired records included until evicted) and both bounds."""
        return {"count": len(self._cache), "bytes": int(self._cache.currsize), "max_count": self.max_count,
                "max_bytes": self.max_bytes}

    def clear(self) -> None:
        """Forget every record (in-flight loads still finish and are kept)."""
        self._cache.clear()
