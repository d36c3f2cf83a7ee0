"""The rate limiter shared by the processes of ``serve --processes N``: one bucket per key for all of them."""

from __future__ import annotations

import multiprocessing

from verifier.service.shared_limits import SharedRateLimiter, _fingerprint


class FrozenClock:
    def __init__(self, now: float = 1000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def _spend(limiter: SharedRateLimiter, key_id: str, tries: int, results) -> None:
    allowed = sum(1 for _ in range(tries) if limiter.take(key_id) == 0.0)
    results.put(allowed)


def test_processes_forked_after_it_share_each_bucket():
    limiter = SharedRateLimiter(0.001, 10, clock=FrozenClock())
    ctx = multiprocessing.get_context("fork")
    results = ctx.Queue()
    children = [ctx.Process(target=_spend, args=(limiter, "key-a", 10, results)) for _ in range(3)]
    for child in children:
        child.start()
    for child in children:
        child.join(timeout=30)
        assert child.exitcode == 0
    allowed = [results.get(timeout=5) for _ in children]
    assert sum(allowed) == 10  # the burst once for the service, not once per process
    assert limiter.take("key-a") > 0  # the parent sees the spent bucket too
    assert limiter.take("key-b") == 0.0  # another key has its own bucket


def test_refill_wait_and_no_limit():
    clock = FrozenClock()
    limiter = SharedRateLimiter(2.0, 2, clock=clock)
    assert [limiter.take("k") for _ in range(2)] == [0.0, 0.0]
    assert limiter.take("k") == 0.5  # seconds until the next token at 2 per second
    clock.now += 0.5
    assert limiter.take("k") == 0.0
    clock.now += 100
    assert [limiter.take("k") == 0.0 for _ in range(3)] == [True, True, False]  # capped at the burst
    unlimited = SharedRateLimiter(0, 1, clock=clock)
    assert all(unlimited.take("k") == 0.0 for _ in range(50))


def test_a_full_table_makes_keys_share_a_bucket_never_a_fresh_one():
    limiter = SharedRateLimiter(0.001, 3, slots=2, clock=FrozenClock())
    assert [limiter.take("a") for _ in range(3)] == [0.0] * 3
    assert [limiter.take("b") for _ in range(3)] == [0.0] * 3
    # "c" finds both slots taken: it shares its home slot's empty bucket (stricter), it is not given a new one
    assert limiter.take("c") > 0
    assert _fingerprint("a") != _fingerprint("c")
