"""Core: cold verification of each credential kind against its floor, interleaved (issue 10).

Credentials (:mod:`bench.credentials`): OB 3.0 eddsa-rdfc-2022 (~60 quads: issuer profile,
achievement with criteria, alignments, image, result description), the same with Ed25519Signature2020,
ecdsa-rdfc-2019 P-256 and eddsa-jcs-2022; VC-JWT EdDSA, ES256, RS256; a CLR 2.0 with 5 badges
(6 proofs; needs the CLR context from the corpus). Each round verifies a credential the process has
not seen (cold) with :func:`verifier.verify` in process (every check; did:key; no network) and, in
the same round, runs the floor on that credential's bytes (:mod:`bench.credentials`). Medians.

    python bench/bench_core.py [--rounds 200] [--only eddsa]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.credentials import Kind, core_kinds, quad_count  # noqa: E402
from verifier import VerifyOptions, verify  # noqa: E402
from verifier.runtime import open_environment  # noqa: E402
from verifier.settings import load_settings  # noqa: E402


async def run_kind(kind: Kind, rounds: int) -> tuple[float, float, str]:
    """(median ms of a cold verify, median ms of the floor, quads) for ``kind``."""
    docs = [kind.make() for _ in range(rounds + 1)]
    floors = [kind.floor(doc) for doc in docs]
    quads = str(quad_count(docs[0], kind.resources)) if isinstance(docs[0], dict) else "-"
    options = VerifyOptions()
    settings = load_settings(data_dir=kind.resources.data_dir) if kind.resources.data_dir else load_settings()
    ours, floor = [], []
    async with open_environment(settings) as env:
        report = await verify(docs[0], env=env, options=options)  # warm: contexts, did:key, imports
        assert report.verified, report.to_json()
        for doc, run_floor in zip(docs[1:], floors[1:]):
            t0 = time.perf_counter()
            run_floor()
            floor.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            report = await verify(doc, env=env, options=options)
            ours.append((time.perf_counter() - t0) * 1000)
            assert report.verified
    return statistics.median(ours), statistics.median(floor), quads


async def main(rounds: int, only: str | None, clr_badges: int) -> None:
    print(f"layer: verifier.verify() in process, cold (a credential not seen before), every check; "
          f"reference: the floor, interleaved; {rounds} rounds, medians")
    print(f"{'credential':38} {'quads':>5} {'verify ms':>10} {'floor ms':>9} {'x floor':>8}")
    for kind in core_kinds(clr_badges=clr_badges):
        if only and only.lower() not in kind.name.lower():
            continue
        ours, floor, quads = await run_kind(kind, rounds)
        print(f"{kind.name:38} {quads:>5} {ours:>10.3f} {floor:>9.3f} {ours / floor:>8.1f}", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--only", help="run only kinds whose name contains this text")
    parser.add_argument("--clr-badges", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(main(args.rounds, args.only, args.clr_badges))
