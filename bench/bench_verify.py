"""Speed and memory of credential verification, with a reference run side by side.

Prints, for each credential kind, the median milliseconds of a full verification (parse, proof,
issuer_key, validity, status, issuer_trust; in process, no network) and its ratio to a bare Ed25519
verify of a message of the same size, measured in the same run. Issue 2 targets: OB 3.0
eddsa-rdfc-2022 within 20x the bare verify, VC-JWT within 3x.

    python bench/bench_verify.py            # figures
    python bench/bench_verify.py --long     # also 10,000 verifications: resident memory before/after
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cryptography.hazmat.primitives.asymmetric import ed25519  # noqa: E402

from tests.core.credentials import VC1, ob3_credential, vc11_credential  # noqa: E402
from tests.signing import new_key, sign_jwt, sign_ldp  # noqa: E402
from verifier import VerifyOptions, verify  # noqa: E402
from verifier.jsonld.loader import document_loader  # noqa: E402
from verifier.jsonld.processor import Engine  # noqa: E402
from verifier.options import ResourceConfig  # noqa: E402
from verifier.runtime import open_environment  # noqa: E402
from verifier.settings import load_settings  # noqa: E402


def _median_ms(fn, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def bare_verify_ms(size: int, rounds: int) -> float:
    """Median ms of one Ed25519 verify over ``size`` bytes (the reference)."""
    key = ed25519.Ed25519PrivateKey.generate()
    msg = b"x" * size
    sig = key.sign(msg)
    pub = key.public_key()
    return _median_ms(lambda: pub.verify(sig, msg), rounds)


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 1e6


async def main(rounds: int, long_run: bool) -> None:
    ed, p256 = new_key("Ed25519"), new_key("P-256")
    samples = {
        "OB 3.0 eddsa-rdfc-2022": sign_ldp(ob3_credential(ed.did), ed),
        "VCDM 1.1 Ed25519Signature2020": sign_ldp(
            vc11_credential(ed.did, **{"@context": [VC1, "https://w3id.org/security/suites/ed25519-2020/v1"]}),
            ed, suite="Ed25519Signature2020"),
        "VC-JWT EdDSA (VCDM 2.0)": sign_jwt(ob3_credential(ed.did), ed, typ="vc+jwt"),
        "VC-JWT ES256 (VCDM 2.0)": sign_jwt(ob3_credential(p256.did), p256, typ="vc+jwt"),
    }
    options = VerifyOptions()
    print(f"{'credential':34} {'bytes':>6} {'median ms':>10} {'bare ms':>9} {'ratio':>8}")
    async with open_environment(load_settings()) as env:
        for name, doc in samples.items():
            data = doc.encode() if isinstance(doc, str) else json.dumps(doc).encode()
            report = await verify(data, env=env, options=options)
            assert report.verified, report.to_json()
            times = []
            for _ in range(rounds):
                t0 = time.perf_counter()
                await verify(data, env=env, options=options)
                times.append((time.perf_counter() - t0) * 1000)
            ms = statistics.median(times)
            bare = bare_verify_ms(len(data), rounds * 5)
            print(f"{name:34} {len(data):>6} {ms:>10.3f} {bare:>9.4f} {ms / bare:>7.1f}x")

        # Processed-context memo against stock pyld context processing, same document and loader.
        doc = samples["OB 3.0 eddsa-rdfc-2022"]
        loader = document_loader(ResourceConfig())
        memo, stock = Engine(loader, memo=True), Engine(loader, memo=False)
        memo.expand(doc), stock.expand(doc)
        m = _median_ms(lambda: memo.to_quads(memo.expand(doc))[0], rounds)
        s = _median_ms(lambda: stock.to_quads(stock.expand(doc))[0], rounds)
        print(f"\nOB 3.0 expand+toRdf: memo {m:.3f} ms, stock pyld {s:.3f} ms, speed-up {s / m:.1f}x")

        if long_run:
            data = json.dumps(samples["OB 3.0 eddsa-rdfc-2022"]).encode()
            before = _rss_mb()
            for i in range(10_000):
                await verify(data, env=env, options=options)
                if i == 999:
                    after_1k = _rss_mb()
            print(f"\n10,000 verifications: RSS {before:.1f} MB at start, {after_1k:.1f} MB after 1,000, "
                  f"{_rss_mb():.1f} MB after 10,000")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--long", action="store_true", help="also run 10,000 verifications and report memory")
    args = parser.parse_args()
    asyncio.run(main(args.rounds, args.long))
