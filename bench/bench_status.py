"""Status-check benchmark: cold list loads, cached checks, cache size and bounds, GZIP-bomb refusal.

Targets (issue 3, "Speed and memory"): a status check answered from cache costs well under 0.1 ms;
the decoded-list cache is bounded by bytes (default 64 MiB) and count (default 4096).

A local aiohttp server on 127.0.0.1 publishes ``--lists`` signed BitstringStatusListCredentials of
131,072 bits each; a :class:`verifier.status.StatusListSource` reads them over the project's fetcher.

    python bench/bench_status.py
    python bench/bench_status.py --lists 500 --checks 50000
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fetch.local_server import LocalServer  # noqa: E402
from tests.signing import new_key  # noqa: E402
from tests.status.helpers import (  # noqa: E402
    AT, MIN_BITS, bitstring, bitstring_entry, bitstring_list, credential_with, gzip_bomb, make_source, sign_list)
from verifier.fetch import Fetcher  # noqa: E402
from verifier.status.decode import gunzip_capped  # noqa: E402


async def publish(server: LocalServer, key, n: int, rng: random.Random) -> list[str]:
    urls = []
    for i in range(n):
        url = f"{server.base}/lists/{i}"
        revoked = rng.sample(range(2, MIN_BITS), 200)  # index 1 stays clear for the cold loads
        server.json(f"/lists/{i}", sign_list(bitstring_list(url, key.did, bitstring(revoked)), key))
        urls.append(url)
    return urls


async def timed_checks(source, creds: list[dict], issuer: str, n: int) -> list[float]:
    """Per-check seconds, measured in batches of 100 to keep timer overhead out."""
    out, batch = [], 100
    for start in range(0, n, batch):
        chunk = [creds[(start + k) % len(creds)] for k in range(batch)]
        t0 = time.perf_counter()
        for cred in chunk:
            await source.check(cred, issuer_id=issuer, at=AT)
        out.append((time.perf_counter() - t0) / batch)
    return out


async def run(lists: int, checks: int) -> dict:
    rng = random.Random(7)
    key = new_key()
    issuer = key.did  # computed once: TestKey.did encodes the key on every access
    server = await LocalServer().start()
    try:
        urls = await publish(server, key, lists, rng)
        creds = [credential_with(key.did, bitstring_entry(rng.choice(urls), rng.randrange(MIN_BITS)))
                 for _ in range(1000)]
        async with Fetcher(timeout_s=5, max_bytes=2_000_000, allow_insecure_loopback=True) as fetcher:
            source = make_source(fetcher).source
            gc.collect()
            tracemalloc.start()
            before = tracemalloc.take_snapshot()
            cold = []
            for url in urls:
                cred = credential_with(key.did, bitstring_entry(url, 1))
                t0 = time.perf_counter()
                result = await source.check(cred, issuer_id=key.did, at=AT)
                cold.append(time.perf_counter() - t0)
                assert result.outcome.value == "passed" and not result.evidence["from_cache"], result.detail
            gc.collect()
            grown = sum(s.size_diff for s in tracemalloc.take_snapshot().compare_to(before, "filename"))
            tracemalloc.stop()
            stats = source.cache.stats()
            warm = await timed_checks(source, creds, issuer, checks)
            two = [credential_with(key.did, [bitstring_entry(rng.choice(urls), 5),
                                             bitstring_entry(rng.choice(urls), 9, "revocation")]) for _ in range(100)]
            warm_two = await timed_checks(source, two, issuer, checks // 4)
            hits = sum(server.hits.values())

            bounded = make_source(fetcher, cache_max_bytes=40 * (MIN_BITS // 8 + 1024)).source
            for url in urls[:60]:
                await bounded.check(credential_with(key.did, bitstring_entry(url, 1)), issuer_id=key.did, at=AT)
            bounded_stats = bounded.cache.stats()
    finally:
        await server.stop()
    bomb = gzip_bomb()
    t0 = time.perf_counter()
    try:
        gunzip_capped(bomb)
    except Exception:  # noqa: BLE001 - the refusal is what is timed
        pass
    bomb_ms = (time.perf_counter() - t0) * 1000
    q = statistics.quantiles(warm, n=100)
    # Reference, same run: the bare bit test a cached check ends in (bit 0 = MSB of byte 0).
    bits, ref = bytes(MIN_BITS // 8), []
    for i in range(checks):
        t = time.perf_counter()
        _ = (bits[i % len(bits)] >> (7 - (i & 7))) & 1
        ref.append(time.perf_counter() - t)
    ref_us = statistics.median(ref) * 1e6
    return {
        "reference_bit_test_us_median": round(ref_us, 3),
        "cached_check_vs_bit_test": f"{statistics.median(warm) * 1e6 / max(ref_us, 1e-3):.0f}x",
        "lists": lists,
        "fetches": hits,
        "cold_check_ms_median": round(statistics.median(cold) * 1000, 2),
        "cached_check_us_median": round(statistics.median(warm) * 1e6, 1),
        "cached_check_us_p99": round(q[98] * 1e6, 1),
        "cached_check_two_entries_us_median": round(statistics.median(warm_two) * 1e6, 1),
        "cache": stats,
        "cache_bytes_per_list_estimate": stats["bytes"] // max(stats["count"], 1),
        "traced_bytes_per_list": grown // max(lists, 1),
        "lists_that_fit_default_bounds": min(stats["max_count"], stats["max_bytes"] // (MIN_BITS // 8 + 1024)),
        "byte_bounded_cache_after_60_lists": bounded_stats,
        "gzip_bomb_refused_ms": round(bomb_ms, 2),
        "gzip_bomb_compressed_bytes": len(bomb),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lists", type=int, default=200, help="status lists published and cached")
    parser.add_argument("--checks", type=int, default=20_000, help="cached checks timed")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args.lists, args.checks)), indent=2))


if __name__ == "__main__":
    main()
