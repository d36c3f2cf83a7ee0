"""Resident memory of a verifying process over many cold verifications: does anything grow without bound?

Input: ``--count`` distinct OB 3.0 eddsa-rdfc-2022 credentials (the realistic one of
``bench_signed_meaning.py``: profile, achievement, criteria, image, alignments), each with a fresh id,
subject and signature, issuers rotating over ``--issuers`` did:key keys. The process first runs a
worker's own start-up (``workers.settings._startup``: environment, trust registry in a scratch data
directory); then, for every credential, what a process serving verifications does with it:

- the full :func:`verifier.verify` in process (every check, the report, the skills summary) and the
  report body in English and Spanish (``Report.to_json``: what the service and the bulk jobs send);
- the arq worker's task for it (``workers.tasks.verify_requests``: the whole verification, rebuilt from
  its JSON payload, as a worker process runs it), with the report cache of the embedded service
  (``MemoryCache``, ``LER_CACHE_MAX_ENTRIES`` = 10,000, reports kept as JSON bytes): a bounded cache
  grows until it is full, so its bytes are printed beside the RSS.

No worker *processes* are started (the worker's code runs in this process), so the RSS of this one process
is the figure. Reference: the RSS after start-up, and after the warm-up (the first tenth: contexts,
memos, first-use allocations). Printed: RSS at start, after warm-up, every tenth, at the end, and the
growth per 1,000 verifications after the warm-up, which a leak makes grow with ``--count``.

    python bench/bench_worker_memory.py --count 10000
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_signed_meaning import realistic  # noqa: E402
from tests.signing import new_key, sign_ldp  # noqa: E402
from verifier import VerifyOptions, verify  # noqa: E402
from trust_registry import TrustRegistry  # noqa: E402
from verifier.dispatch import DeadlineDispatcher, InlineDispatcher  # noqa: E402
from verifier.settings import load_settings  # noqa: E402
from workers.cache import MemoryCache  # noqa: E402
from workers.payload import request_to_json  # noqa: E402
from workers.settings import _shutdown, _startup, registry_url  # noqa: E402
from workers.tasks import verify_requests  # noqa: E402
from workers.verification import Verifications, VerifyRequest, VersionTracker  # noqa: E402

_PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mb() -> float:
    """This process's resident set size now, MB (``/proc/self/statm``), after a full garbage collection."""
    gc.collect()
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * _PAGE / 1e6


def credential(key, i: int) -> dict:
    """A fresh signed credential: new id and subject, so a new signature (cold for the process)."""
    doc = realistic(key.did)
    doc["id"] = f"urn:uuid:{uuid.uuid4()}"
    doc["credentialSubject"]["id"] = f"did:example:learner-{i}"
    return sign_ldp(doc, key)


async def one(ctx: dict, key, i: int, options: VerifyOptions) -> None:
    """Verify one fresh credential in process (and render its report) and as a worker's job."""
    signed = credential(key, i)
    report = await verify(signed, env=ctx["env"], options=options)
    assert report.verified, report.to_json()
    report.to_json("en")
    report.to_json("es")
    unit = request_to_json(VerifyRequest(document=signed, expect="credential", options=options))
    answer = (await verify_requests(ctx, {"units": [unit]}))["units"][0]
    assert answer.get("verified") is True, answer
    ctx.pop("publish_result", None)


def cache_mb(cache: MemoryCache) -> float:
    """What the report cache holds: its stored JSON bytes, MB."""
    return sum(len(v[1]) for v in cache._data.values()) / 1e6


async def main(count: int, issuers: int) -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="ler-bench-memory-"))
    ctx: dict = {"settings": load_settings(data_dir=data_dir)}
    await _startup(ctx)
    settings = ctx["settings"]
    registry = await TrustRegistry.open(registry_url(settings))
    cache = MemoryCache(settings.cache_max_entries)
    ctx["verifications"] = Verifications(
        env=ctx["env"], dispatcher=DeadlineDispatcher(InlineDispatcher(), settings.verify_deadline_s), cache=cache,
        versions=VersionTracker(registry, settings.registry_poll_s), max_ttl_s=settings.cache_max_ttl_s,
        status_ttl_s=settings.cache_status_ttl_s)
    keys = [new_key("Ed25519") for _ in range(issuers)]
    options = VerifyOptions()
    warm = max(1, count // 10)
    print(f"input: {count} cold OB 3.0 eddsa-rdfc-2022 credentials (fresh id, subject, signature each; issuers "
          f"rotating over {issuers} did:key keys); each: verify() + report body en/es + the worker's verify_requests task, reports cached")
    print(f"{'verifications':>13} {'RSS MB':>8} {'cache MB':>9} {'s':>7}")
    start = rss_mb()
    print(f"{'start':>13} {start:>8.1f} {0:>9.1f} {0:>7.1f}", flush=True)
    t0 = time.perf_counter()
    after_warm = start
    try:
        for i in range(1, count + 1):
            await one(ctx, keys[i % issuers], i, options)
            if i == warm or i % warm == 0 or i == count:
                rss = rss_mb()
                label = f"{i} (warm)" if i == warm else str(i)
                print(f"{label:>13} {rss:>8.1f} {cache_mb(cache):>9.1f} {time.perf_counter() - t0:>7.1f}", flush=True)
                if i == warm:
                    after_warm = rss
        end = rss_mb()
        held = cache_mb(cache)
    finally:
        await registry.close()
        await _shutdown(ctx)
    measured = count - warm
    growth = (end - after_warm) / measured * 1000 if measured else 0.0
    print(f"RSS: start {start:.1f} MB, after warm-up ({warm}) {after_warm:.1f} MB, end ({count}) {end:.1f} MB")
    print(f"growth after warm-up: {growth:+.3f} MB per 1,000 verifications ({end - after_warm:+.1f} MB over "
          f"{measured}); from start: {end - start:+.1f} MB; of it the report cache holds {held:.1f} MB "
          f"({len(cache._data)} of at most {settings.cache_max_entries} reports)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000, help="cold verifications (default 10,000)")
    parser.add_argument("--issuers", type=int, default=1000, help="distinct issuer keys (default 1,000)")
    args = parser.parse_args()
    asyncio.run(main(args.count, min(args.issuers, args.count)))
