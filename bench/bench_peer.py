"""Peer: our cold verification against the DCC verifier (``@digitalcredentials/verifier-core``, Node).

The same freshly signed credentials (:mod:`bench.credentials`) are verified by us (in process,
:func:`verifier.verify`, every check) and by DCC's ``verifyCredential`` (in one Node process,
:file:`bench/peer_runner.mjs`), kind by kind in the same run; each side sees each credential once
(cold; the first of each kind warms up and is not timed). DCC preloads the VC, OB 3.0 and Ed25519
contexts and resolves did:key itself; any other context (the CLR 2.0 one) is served to it from our
context store; it gets no issuer registries. Reported: medians and their ratio (theirs / ours).
DCC verifies Ed25519Signature2020 and eddsa-rdfc-2022 only (a kind it does not verify is shown, not
compared), and checks only a CLR's outer proof where we check all of them.

The package is installed with npm into a scratch directory outside the repository
(``$LER_PEER_DIR``, default ``$TMPDIR/ler-bench-peer``); without Node, npm or the registry the
benchmark prints why and skips.

    python bench/bench_peer.py [--rounds 100]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.credentials import CLR, Kind, core_kinds, quad_count  # noqa: E402
from verifier import VerifyOptions, verify  # noqa: E402
from verifier.contexts import ContextStore  # noqa: E402
from verifier.runtime import open_environment  # noqa: E402
from verifier.settings import load_settings  # noqa: E402

PACKAGE = "@digitalcredentials/verifier-core@1.0.0-beta.11"
RUNNER = Path(__file__).resolve().parent / "peer_runner.mjs"


def peer_dir() -> Path:
    return Path(os.environ.get("LER_PEER_DIR") or Path(tempfile.gettempdir()) / "ler-bench-peer")


def install() -> tuple[Path | None, str]:
    """Install the peer into the scratch directory; (directory, "") or (None, why not)."""
    if not shutil.which("node") or not shutil.which("npm"):
        return None, "node or npm is not installed"
    target = peer_dir()
    if (target / "node_modules" / "@digitalcredentials" / "verifier-core" / "package.json").is_file():
        return target, ""
    target.mkdir(parents=True, exist_ok=True)
    (target / "package.json").write_text('{"name": "ler-bench-peer", "private": true, "type": "module"}\n')
    try:
        done = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--ignore-scripts", PACKAGE], cwd=target,
                              capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired:
        return None, "npm install timed out"
    if done.returncode:
        return None, f"npm install {PACKAGE} failed: {done.stderr.strip()[-300:]}"
    return target, ""


def run_peer(directory: Path, docs: list[dict], contexts: dict[str, dict]) -> list[dict]:
    runner = directory / "peer_runner.mjs"
    shutil.copyfile(RUNNER, runner)
    with tempfile.NamedTemporaryFile("w", suffix=".json", dir=directory, delete=False) as f:
        json.dump({"credentials": docs, "contexts": contexts}, f)
    try:
        done = subprocess.run(["node", str(runner), f.name], cwd=directory, capture_output=True, text=True, timeout=600)
    finally:
        os.unlink(f.name)
    if done.returncode:
        raise RuntimeError(f"peer runner failed: {done.stderr[-500:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


async def run_ours(kind: Kind, docs: list[dict]) -> list[float]:
    settings = load_settings(data_dir=kind.resources.data_dir) if kind.resources.data_dir else load_settings()
    times = []
    async with open_environment(settings) as env:
        assert (await verify(docs[0], env=env, options=VerifyOptions())).verified
        for doc in docs[1:]:
            t0 = time.perf_counter()
            report = await verify(doc, env=env, options=VerifyOptions())
            times.append((time.perf_counter() - t0) * 1000)
            assert report.verified
    return times


async def main(rounds: int) -> None:
    directory, why = install()
    if directory is None:
        print(f"skipped: the DCC peer is unavailable ({why})")
        return
    print(f"peer: {PACKAGE} on Node {subprocess.run(['node', '--version'], capture_output=True, text=True).stdout.strip()}; "
          f"layer: one cold verifyCredential / verify() each, in process; {rounds} rounds, medians")
    print(f"{'credential':38} {'quads':>5} {'ours ms':>8} {'DCC ms':>8} {'DCC/ours':>9}")
    for kind in core_kinds():
        docs = [kind.make() for _ in range(rounds + 1)]
        if not isinstance(docs[0], dict):
            print(f"{kind.name:38} {'-':>5} {'':>8} {'':>8}   (DCC verifies no VC-JWT)")
            continue
        contexts = {}
        if kind.resources.data_dir:
            contexts[CLR] = ContextStore(kind.resources).get(CLR)
        ours = statistics.median(await run_ours(kind, docs))
        theirs = run_peer(directory, docs, contexts)
        quads = quad_count(docs[0], kind.resources)
        if not all(r["ok"] for r in theirs):
            failed = next(r for r in theirs if not r["ok"])
            print(f"{kind.name:38} {quads:>5} {ours:>8.3f} {'-':>8}   (DCC does not verify it: {failed['detail'][:80]})")
            continue
        peer = statistics.median(r["ms"] for r in theirs[1:])
        print(f"{kind.name:38} {quads:>5} {ours:>8.3f} {peer:>8.3f} {peer / ours:>8.1f}x", flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=100)
    asyncio.run(main(parser.parse_args().rounds))
