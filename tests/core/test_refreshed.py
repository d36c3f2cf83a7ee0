"""``Refreshed``: a remembered value is refreshed ahead of time, never used past its lifetime, read once
for all waiting callers, and a read that may have missed a write is not kept."""

from __future__ import annotations

import asyncio

import pytest

from verifier.refreshed import Refreshed


class Source:
    """A value that callers read slowly (``await source.release`` lets a read finish)."""

    def __init__(self):
        self.value = 1
        self.reads = 0
        self.release = asyncio.Event()
        self.fail = False

    async def read(self) -> int:
        self.reads += 1
        value = self.value
        await self.release.wait()
        if self.fail:
            raise LookupError("the source cannot be read")
        return value


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def _first(source: Source, clock: Clock) -> Refreshed[int]:
    remembered = Refreshed(source.read, 10.0, clock=clock)
    source.release.set()
    assert await remembered.get() == 1
    source.release.clear()
    return remembered


async def test_a_value_past_half_its_life_is_refreshed_while_the_caller_gets_it_at_once():
    source, clock = Source(), Clock()
    remembered = await _first(source, clock)
    clock.now += 4
    assert await remembered.get() == 1 and source.reads == 1  # young: no read
    clock.now += 2  # 6 s old: past half of 10
    source.value = 2
    assert await asyncio.wait_for(remembered.get(), 0.5) == 1  # not waiting for the read it started
    assert await remembered.get() == 1 and source.reads == 2  # one read under way, not one per caller
    source.release.set()
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert await remembered.get() == 2
    clock.now += 9.9  # the new value's age counts from when its read was asked
    assert await remembered.get() == 2


async def test_an_expired_value_is_never_used_and_waiting_callers_share_one_read():
    source, clock = Source(), Clock()
    remembered = await _first(source, clock)
    clock.now += 10
    source.value = 3
    waiting = [asyncio.create_task(remembered.get()) for _ in range(5)]
    await asyncio.sleep(0.05)
    assert not any(t.done() for t in waiting)  # none answered with the expired value
    source.release.set()
    assert await asyncio.gather(*waiting) == [3] * 5
    assert source.reads == 2


async def test_a_failed_read_reaches_those_who_wait_and_the_old_value_is_not_used_past_its_life():
    source, clock = Source(), Clock()
    remembered = await _first(source, clock)
    source.fail = True
    source.release.set()
    clock.now += 6
    assert await remembered.get() == 1  # a background read that fails leaves the value, within its life
    await asyncio.sleep(0)
    clock.now += 4
    with pytest.raises(LookupError):
        await remembered.get()
    assert remembered.last == 1


async def test_a_read_under_way_when_the_value_is_forgotten_is_not_kept():
    source, clock = Source(), Clock()
    remembered = await _first(source, clock)
    clock.now += 6
    assert await remembered.get() == 1  # starts a read of the old value
    remembered.forget()  # a write happened: that read may have missed it
    source.value = 4
    source.release.set()
    assert await remembered.get() == 4


async def test_no_lifetime_reads_every_time():
    source = Source()
    source.release.set()
    remembered = Refreshed(source.read, 0.0)
    for value in (5, 6, 7):
        source.value = value
        assert await remembered.get() == value
    assert source.reads == 3
    await remembered.close()
