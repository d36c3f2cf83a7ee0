"""Scaling: cold verification time against credential size, and status checks against status-list size.

1. Credential size: the realistic OB 3.0 eddsa-rdfc-2022 credential (:mod:`bench.credentials`) with 1,
   10 and 100 results (each with its result description): quads, a cold in-process
   :func:`verifier.verify` (every check), the floor interleaved, and time per quad.
2. Status-list size: a signed BitstringStatusListCredential of 131,072 to 8,388,608 entries (a few bits
   set; published by a local aiohttp server on 127.0.0.1) read by :class:`verifier.status.StatusListSource`
   over the project's fetcher: the cold check (fetch, list proof verified, GZIP decoded, bit read) and
   the cached check; reference: the bare bit test, same run.

    python bench/bench_scaling.py [--rounds 50] [--list-sizes 131072,1048576,8388608]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_signed_meaning import realistic  # noqa: E402
from bench.credentials import di_floor_parts, quad_count  # noqa: E402
from tests.fetch.local_server import LocalServer  # noqa: E402
from tests.signing import new_key, sign_ldp  # noqa: E402
from tests.status.helpers import AT, bitstring, bitstring_entry, bitstring_list, credential_with, make_source, sign_list  # noqa: E402
from verifier import VerifyOptions, verify  # noqa: E402
from verifier.fetch import Fetcher  # noqa: E402
from verifier.options import ResourceConfig  # noqa: E402
from verifier.runtime import open_environment  # noqa: E402
from verifier.settings import load_settings  # noqa: E402


def with_results(issuer: str, count: int) -> dict:
    """The realistic credential with ``count`` results, each pointing at its own result description."""
    doc = realistic(issuer)
    doc["credentialSubject"]["result"] = [
        {"type": ["Result"], "resultDescription": f"urn:uuid:rd-{i}", "value": "A", "status": "Completed"}
        for i in range(count)]
    doc["credentialSubject"]["achievement"]["resultDescription"] = [
        {"id": f"urn:uuid:rd-{i}", "type": ["ResultDescription"], "name": f"Unit {i} grade",
         "resultType": "LetterGrade", "allowedValue": ["A", "B", "C", "D", "F"]} for i in range(count)]
    return doc


async def credential_size(rounds: int) -> None:
    import hashlib
    key = new_key()
    resources = ResourceConfig()
    public = key.private.public_key()
    print(f"1. credential size -- layer: verifier.verify() in process, cold; reference: the floor "
          f"(2x SHA-256 + raw Ed25519 per proof), interleaved; {rounds} rounds, medians")
    print(f"{'results':>8} {'quads':>6} {'verify ms':>10} {'floor ms':>9} {'x floor':>8} {'us/quad':>8}")
    async with open_environment(load_settings()) as env:
        for count in (1, 10, 100):
            docs = []
            for _ in range(rounds + 1):
                doc = with_results(key.did, count)
                doc["id"] = f"urn:uuid:{uuid.uuid4()}"
                docs.append(sign_ldp(doc, key))
            quads = quad_count(docs[0], resources)
            assert (await verify(docs[0], env=env, options=VerifyOptions())).verified
            ours, floor = [], []
            for doc in docs[1:]:
                parts = di_floor_parts(doc, resources)
                t0 = time.perf_counter()
                for config, canon, sig in parts:
                    public.verify(sig, hashlib.sha256(config).digest() + hashlib.sha256(canon).digest())
                floor.append((time.perf_counter() - t0) * 1000)
                t0 = time.perf_counter()
                report = await verify(doc, env=env, options=VerifyOptions())
                ours.append((time.perf_counter() - t0) * 1000)
                assert report.verified
            o, f = statistics.median(ours), statistics.median(floor)
            print(f"{count:>8} {quads:>6} {o:>10.3f} {f:>9.3f} {o / f:>8.1f} {o / quads * 1000:>8.1f}", flush=True)


async def status_list_size(sizes: list[int], checks: int) -> None:
    key = new_key()
    issuer = key.did
    print(f"\n2. status-list size -- layer: StatusListSource.check over the fetcher (local server); "
          f"reference: the bare bit test; cached: median of {checks} checks")
    print(f"{'entries':>10} {'list bytes':>10} {'cold ms':>9} {'cached us':>10} {'bit test us':>11}")
    server = await LocalServer().start()
    try:
        for bits in sizes:
            url = f"{server.base}/lists/{bits}"
            listed = sign_list(bitstring_list(url, issuer, bitstring([3, bits - 1], bits=bits)), key)
            server.json(f"/lists/{bits}", listed)
            size = len(listed["credentialSubject"]["encodedList"])
            async with Fetcher(timeout_s=10, max_bytes=20_000_000, allow_insecure_loopback=True) as fetcher:
                source = make_source(fetcher).source
                cred = credential_with(issuer, bitstring_entry(url, bits - 1))
                t0 = time.perf_counter()
                result = await source.check(cred, issuer_id=issuer, at=AT)
                cold = (time.perf_counter() - t0) * 1000
                assert result.outcome.value == "failed", result.detail  # bit bits-1 is set: revoked
                creds = [credential_with(issuer, bitstring_entry(url, (i * 7919) % bits)) for i in range(100)]
                times = []
                for i in range(checks):
                    t0 = time.perf_counter()
                    await source.check(creds[i % 100], issuer_id=issuer, at=AT)
                    times.append((time.perf_counter() - t0) * 1e6)
            raw, ref = bitstring([], bits=bits), []
            for i in range(checks):
                t0 = time.perf_counter()
                _ = (raw[(i * 7919 % bits) // 8] >> (7 - (i * 7919 % bits) % 8)) & 1
                ref.append((time.perf_counter() - t0) * 1e6)
            print(f"{bits:>10} {size:>10} {cold:>9.2f} {statistics.median(times):>10.1f} "
                  f"{statistics.median(ref):>11.2f}", flush=True)
    finally:
        await server.stop()


async def main(rounds: int, sizes: list[int], checks: int) -> None:
    await credential_size(rounds)
    await status_list_size(sizes, checks)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--list-sizes", default="131072,1048576,8388608")
    parser.add_argument("--checks", type=int, default=2000)
    args = parser.parse_args()
    asyncio.run(main(args.rounds, [int(s) for s in args.list_sizes.split(",")], args.checks))
