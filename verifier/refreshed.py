"""``Refreshed``: a value read from a slow source, trusted for a while and refreshed ahead of time.

Requests on a busy service must not wait, all together, for one read each time a remembered value
expires (the trust registry's version, whether API keys exist): that wait is the tail of every request
in flight. So a value is trusted for ``ttl_s`` seconds; once it is past half of that, the first caller
to notice starts one read in the background and is answered with the value it has (still within its
lifetime). Only a value that has expired (an idle process, or a source that stayed unreadable) is read
while the caller waits, and then once for all callers (single flight). A value is never used past
``ttl_s``: refreshing ahead changes who waits, never how old an answer may be.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Awaitable, Callable, Generic, TypeVar

T = TypeVar("T")


class Refreshed(Generic[T]):
    """A value from ``read``, trusted ``ttl_s`` seconds, refreshed in the background after ``ttl_s / 2``.

    :param read: reads the value (may raise; the error reaches the callers that waited for that read); None
        when each caller passes its own to :meth:`get` (e.g. one holding a secret that must not be kept).
    :param ttl_s: how long a read value is used, seconds (0: read on every call, as the caller waits).
    :param clock: monotonic seconds (tests pass their own).
    """

    def __init__(self, read: Callable[[], Awaitable[T]] | None, ttl_s: float, *,
                 clock: Callable[[], float] = time.monotonic):
        self.read = read
        self.ttl_s = ttl_s
        self.clock = clock
        self._value: T | None = None
        self._read_at = float("-inf")
        self._reading: asyncio.Future | None = None
        self._generation = 0

    @property
    def last(self) -> T | None:
        """The value read last, however old (None: never read)."""
        return self._value

    async def get(self, read: Callable[[], Awaitable[T]] | None = None) -> T:
        """The value: the remembered one while it is within ``ttl_s``, else one read now.

        :param read: the read to start if one is needed (default: the one given at construction).
        :raises Exception: whatever the read raised, when the value had to be read and could not be.
        """
        age = self.clock() - self._read_at
        if age < self.ttl_s:
            if age >= self.ttl_s / 2 and self._reading is None:
                self._start_read(read or self.read)  # ahead of time: this caller does not wait for it
            return self._value  # type: ignore[return-value]
        if self._reading is None:
            self._start_read(read or self.read)
        return await asyncio.shield(self._reading)  # type: ignore[arg-type]

    def forget(self) -> None:
        """Read again on the next call (after a write through this process): a read already under way may
        have missed the write, so its answer is not kept."""
        self._read_at = float("-inf")
        self._reading = None
        self._generation += 1

    async def close(self) -> None:
        """Cancel a read under way."""
        if self._reading is not None:
            self._reading.cancel()
            with contextlib.suppress(BaseException):
                await self._reading

    def _start_read(self, read: Callable[[], Awaitable[T]] | None) -> None:
        if read is None:
            raise TypeError("Refreshed.get needs a read when none was given at construction")
        started, generation = self.clock(), self._generation
        task = asyncio.ensure_future(read())
        self._reading = task

        def done(t: asyncio.Future) -> None:
            if self._reading is t:
                self._reading = None
            if not t.cancelled() and t.exception() is None and generation == self._generation:
                self._value, self._read_at = t.result(), started  # its age counts from when it was asked

        task.add_done_callback(done)
