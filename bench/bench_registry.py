"""Trust registry benchmark: import 10,000 issuers / 20,000 identifiers, then time ``decide``.

Targets (issue 4, "Speed"): import < 10 s; median ``RegistrySnapshot.decide`` < 50 µs.

    python bench/bench_registry.py                       # temporary SQLite file
    python bench/bench_registry.py --database-url postgresql://postgres@127.0.0.1/bench   # an empty database
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from trust_registry.db import create_engine  # noqa: E402
from trust_registry.exchange import apply_import  # noqa: E402
from trust_registry.formats import parse_import  # noqa: E402
from trust_registry.lookup import TrustRegistry  # noqa: E402
from trust_registry.migrate import migrate  # noqa: E402

NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)
TYPES = [["VerifiableCredential", "OpenBadgeCredential"], ["VerifiableCredential", "ClrCredential"],
         ["VerifiableCredential", "AchievementCredential"], ["VerifiableCredential", "EmployerCredential"]]


def build_document(issuers: int, per_issuer: int, rng: random.Random) -> tuple[bytes, list[str]]:
    """An export-format document and the list of every identifier in it."""
    items, values = [], []
    for n in range(issuers):
        idents = []
        for k in range(per_issuer):
            kind = (n + k) % 3
            value = (f"did:key:z6Mk{rng.getrandbits(200):050x}" if kind == 0 else
                     f"did:web:college{n}.example.edu:issuers:{k}" if kind == 1 else
                     f"https://college{n}.example.edu/issuers/{k}")
            ident = {"value": value}
            if n % 10 == 0:
                ident["valid_from"] = "2024-01-01T00:00:00Z"
                ident["valid_until"] = "2030-01-01T00:00:00Z"
            idents.append(ident)
            values.append(value)
        issuer = {"id": f"iss-{n:06d}", "name": f"Example College {n}", "registry": "local", "country": "US",
                  "sector": "community_college", "homepage": f"https://college{n}.example.edu",
                  "external_ids": {"ipeds": str(100000 + n)}, "identifiers": idents}
        if n % 4 == 0:
            issuer["authorizations"] = [{"credential_type": "OpenBadgeCredential"},
                                        {"credential_type": "ClrCredential", "valid_until": "2029-01-01T00:00:00Z"}]
        if n % 50 == 0:
            issuer["status"] = "suspended"
        items.append(issuer)
    doc = {"format": "ler-verifier-trust-registry", "format_version": 1, "issuers": items}
    return json.dumps(doc).encode(), values


async def run(url: str, issuers: int, per_issuer: int, lookups: int) -> dict:
    rng = random.Random(42)
    raw, values = build_document(issuers, per_issuer, rng)
    await migrate(url)
    engine = create_engine(url)
    try:
        t0 = time.perf_counter()
        document = parse_import("ler", raw)
        t1 = time.perf_counter()
        async with engine.begin() as conn:
            summary = await apply_import(conn, document=document, actor="bench")
        t2 = time.perf_counter()
    finally:
        await engine.dispose()
    registry = await TrustRegistry.open(url, migrate_schema=False)
    try:
        t3 = time.perf_counter()
        snapshot = await registry.snapshot()
        t4 = time.perf_counter()
        await registry.snapshot()
        t5 = time.perf_counter()
    finally:
        await registry.close()
    queries = []
    for _ in range(lookups):
        pick = rng.random()
        if pick < 0.7:
            value = rng.choice(values)
            if pick < 0.1:
                value = value.replace("college", "College", 1)          # host case differs: still listed
        elif pick < 0.85:
            value = f"did:key:z6Mk{rng.getrandbits(200):050x}"        # not listed
        else:
            value = rng.choice(values) + "/"                           # trailing slash: not listed
        queries.append((value, rng.choice(TYPES)))
    decide = snapshot.decide
    for value, types in queries[:2000]:                                # warm-up
        decide(issuer_id=value, credential_types=types, at=NOW)
    samples, outcomes = [], {}
    clock = time.perf_counter_ns
    for value, types in queries:
        start = clock()
        decision = decide(issuer_id=value, credential_types=types, at=NOW)
        samples.append(clock() - start)
        outcomes[decision.code] = outcomes.get(decision.code, 0) + 1
    batch_start = clock()
    for value, types in queries:
        decide(issuer_id=value, credential_types=types, at=NOW)
    batch_us = (clock() - batch_start) / len(queries) / 1000
    # Reference, same run: a plain dict lookup of the same identifiers (the floor of any exact-match index).
    plain = dict.fromkeys(values)
    ref_samples = []
    for value, _ in queries:
        start = clock()
        plain.get(value)
        ref_samples.append(clock() - start)
    samples.sort()
    return {
        "database": url.split("://")[0], "issuers": issuers, "identifiers": len(values), "created": summary.created,
        "document_bytes": len(raw), "parse_s": t1 - t0, "apply_s": t2 - t1, "import_s": t2 - t0,
        "snapshot_load_s": t4 - t3, "snapshot_cached_ms": (t5 - t4) * 1000, "lookups": lookups,
        "decide_median_us": statistics.median(samples) / 1000, "decide_p99_us": samples[int(len(samples) * 0.99)] / 1000,
        "decide_mean_batch_us": batch_us, "outcomes": outcomes,
        "reference_dict_get_median_us": statistics.median(ref_samples) / 1000,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="an empty (or new SQLite) database; default: a temporary SQLite file")
    parser.add_argument("--issuers", type=int, default=10_000)
    parser.add_argument("--identifiers-per-issuer", type=int, default=2)
    parser.add_argument("--lookups", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{tmp}/bench.sqlite3"
        r = asyncio.run(run(url, args.issuers, args.identifiers_per_issuer, args.lookups))
    import_ok, decide_ok = r["import_s"] < 10, r["decide_median_us"] < 50
    print(f"trust registry bench on {r['database']}: {r['issuers']:,} issuers / {r['identifiers']:,} identifiers "
          f"({r['document_bytes'] / 1e6:.1f} MB document)")
    print(f"  import      {r['import_s']:.2f} s  (parse+validate {r['parse_s']:.2f} s, store {r['apply_s']:.2f} s)"
          f"   target < 10 s: {'ok' if import_ok else 'MISSED'}")
    print(f"  snapshot    load {r['snapshot_load_s']:.2f} s, cached re-check {r['snapshot_cached_ms']:.2f} ms")
    print(f"  decide      median {r['decide_median_us']:.1f} µs, p99 {r['decide_p99_us']:.1f} µs, "
          f"batch mean {r['decide_mean_batch_us']:.1f} µs over {r['lookups']:,} lookups"
          f"   target median < 50 µs: {'ok' if decide_ok else 'MISSED'}")
    print(f"  reference   plain dict.get median {r['reference_dict_get_median_us']:.2f} µs; decide is "
          f"{r['decide_median_us'] / max(r['reference_dict_get_median_us'], 1e-3):.0f}x that")
    print(f"  outcomes    {json.dumps(r['outcomes'], sort_keys=True)}")
    return 0 if import_ok and decide_ok else 1


if __name__ == "__main__":
    sys.exit(main())
