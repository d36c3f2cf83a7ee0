"""Per-API-key token buckets shared by the processes of ``serve --processes N`` (issue 10).

The table lives in anonymous shared memory created before the service processes are forked, so every
process spends from the same bucket: N processes grant a key its limit once, not N times. Each slot
holds a key fingerprint (the first 8 bytes of BLAKE2b of the key id), the tokens left and when they
were counted (``time.monotonic()``: CLOCK_MONOTONIC, one clock for every process on the host). One
lock guards the table; a take is a few microseconds.

A key is placed by open addressing (``PROBE`` slots from its fingerprint's home). When every probed
slot belongs to other keys, the key shares the bucket of its home slot: two keys then share one
limit -- stricter for both, never looser.
"""

from __future__ import annotations

import ctypes
import hashlib
import multiprocessing
import time

#: slots in the table (distinct API keys tracked separately); 24 bytes each.
SLOTS = 4096
#: slots probed from a key's home before it shares the home bucket.
PROBE = 16


def _fingerprint(key_id: str) -> int:
    """A non-zero 64-bit fingerprint of ``key_id`` (0 marks an empty slot)."""
    return int.from_bytes(hashlib.blake2b(key_id.encode("utf-8"), digest_size=8).digest(), "big") or 1


class SharedRateLimiter:
    """Token buckets by key id, shared by processes forked after it is made.

    Same contract as :class:`verifier.service.auth.RateLimiter`.

    :param rate_per_s: tokens added per second (0: no limit).
    :param burst: bucket capacity, requests.
    :param slots: table size (keys tracked separately).
    """

    def __init__(self, rate_per_s: float, burst: int, *, slots: int = SLOTS, clock=time.monotonic):
        self.rate_per_s = rate_per_s
        self.burst = burst
        self._clock = clock
        self._slots = slots
        context = multiprocessing.get_context("fork")
        self._lock = context.Lock()
        self._owner = context.RawArray(ctypes.c_uint64, slots)
        self._tokens = context.RawArray(ctypes.c_double, slots)
        self._last = context.RawArray(ctypes.c_double, slots)

    def _slot(self, fingerprint: int) -> int:
        """The slot of ``fingerprint``: its own, a free one (claimed), or its home when the probe is full."""
        home = fingerprint % self._slots
        for step in range(PROBE):
            slot = (home + step) % self._slots
            owner = self._owner[slot]
            if owner == fingerprint:
                return slot
            if owner == 0:
                self._owner[slot] = fingerprint
                self._tokens[slot] = float(self.burst)
                self._last[slot] = self._clock()
                return slot
        return home

    def take(self, key_id: str) -> float:
        """Spend one token of ``key_id``.

        :returns: 0 when allowed, else the seconds until a token is available.
        """
        if self.rate_per_s <= 0:
            return 0.0
        fingerprint = _fingerprint(key_id)
        with self._lock:
            slot = self._slot(fingerprint)
            now = self._clock()
            tokens = min(float(self.burst), self._tokens[slot] + max(0.0, now - self._last[slot]) * self.rate_per_s)
            self._last[slot] = now
            if tokens >= 1.0:
                self._tokens[slot] = tokens - 1.0
                return 0.0
            self._tokens[slot] = tokens
            return (1.0 - tokens) / self.rate_per_s
