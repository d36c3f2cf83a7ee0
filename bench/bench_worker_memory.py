"""Resident memory of a worker process over many verifications of distinct credentials (issue 5 target:
under 300 MB after 100,000).

Runs the worker's own start-up (``workers.settings._startup``: environment, trust registry) and its
task functions (``check_proof``, ``check_status``, ``check_issuer_trust``) in this process, exactly as an
arq worker calls them, on ``--count`` distinct signed credentials (distinct subjects, issuers rotating
over 1,000 keys), and prints RSS as it goes, with the first figure as the reference.

    python bench/bench_worker_memory.py --count 100000
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.core.credentials import ob3_credential  # noqa: E402
from tests.signing import new_key, sign_ldp  # noqa: E402
from verifier.options import VerifyOptions  # noqa: E402
from verifier.parse import CredentialItem  # noqa: E402
from verifier.settings import load_settings  # noqa: E402
from workers.payload import item_to_json, options_to_json  # noqa: E402
from workers.settings import _shutdown, _startup  # noqa: E402
from workers.tasks import check_issuer_trust, check_proof, check_status  # noqa: E402


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 1e6


async def main(count: int) -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="ler-bench-"))
    ctx = {"settings": load_settings(data_dir=data_dir)}
    await _startup(ctx)
    keys = [new_key() for _ in range(1000)]
    options = options_to_json(VerifyOptions())
    t0 = time.perf_counter()
    print(f"{'verifications':>13} {'RSS MB':>8} {'s':>7}")
    print(f"{0:>13} {_rss_mb():>8.1f} {0:>7.1f}")
    try:
        for i in range(1, count + 1):
            key = keys[i % len(keys)]
            doc = ob3_credential(key.did)
            doc["credentialSubject"]["id"] = f"did:example:learner-{i}"
            signed = sign_ldp(doc, key)
            payload = {"item": item_to_json(CredentialItem(pointer="", document=signed, kind="credential")),
                       "options": options}
            proof = await check_proof(ctx, payload)
            assert proof["outcome"] == "passed", proof
            await check_status(ctx, payload)
            await check_issuer_trust(ctx, payload)
            if i % (count // 10 or 1) == 0:
                print(f"{i:>13} {_rss_mb():>8.1f} {time.perf_counter() - t0:>7.1f}", flush=True)
    finally:
        await _shutdown(ctx)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    asyncio.run(main(parser.parse_args().count))
