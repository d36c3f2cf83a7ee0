"""Service benchmarks (issue 5 "Speed and memory"); measured here, not in tests.

    python bench/bench_service.py cache-hit [--clients 64] [--requests 20000]
    python bench/bench_service.py queue-overhead [--iterations 500]     # needs Redis on 127.0.0.1:6379

``cache-hit``: starts ``ler-verifier serve`` (embedded) in a subprocess, verifies one credential once,
then sends the same request from ``--clients`` concurrent clients and reports client-side latency
percentiles (target: p50 < 2 ms, p99 < 10 ms at 64 clients).

``queue-overhead``: runs the ``issuer_trust`` check (the cheapest, so the queue dominates) on distinct
credentials, once inline and once through ``ArqDispatcher`` to a ``ler-verifier worker`` subprocess,
sequentially, and reports the p50 difference (target: < 5 ms).

Every run uses only 127.0.0.1, a bounded number of requests, and stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp  # noqa: E402

from tests.core.credentials import ob3_credential  # noqa: E402
from tests.signing import new_key, sign_ldp  # noqa: E402

REDIS_URL = os.environ.get("LER_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(data_dir: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LER_") and k != "REDIS_URL"}
    env.update(LER_DATA_DIR=data_dir, LER_REQUIRE_TRUSTED_ISSUER="false", LER_LOG_LEVEL="WARNING", **extra)
    return env


def _spawn(args: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "from verifier.cli import run; run()", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def _wait_ready(url: str, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    async with aiohttp.ClientSession() as session:
        while True:
            try:
                async with session.get(url) as resp:
                    if resp.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(url)
            await asyncio.sleep(0.1)


def _percentiles(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {"n": len(ordered), "p50_ms": round(pick(0.50), 3), "p90_ms": round(pick(0.90), 3),
            "p99_ms": round(pick(0.99), 3), "max_ms": round(ordered[-1], 3),
            "mean_ms": round(statistics.fmean(ordered), 3)}


async def cache_hit(clients: int, requests: int) -> dict:
    key = new_key()
    body = json.dumps({"verifiableCredential": sign_ldp(ob3_credential(key.did), key)}).encode()
    port = _free_port()
    with tempfile.TemporaryDirectory() as data_dir:
        proc = _spawn(["serve", "--port", str(port)], _env(data_dir))
        try:
            base = f"http://127.0.0.1:{port}"
            await _wait_ready(base + "/readyz")
            connector = aiohttp.TCPConnector(limit=clients)
            async with aiohttp.ClientSession(connector=connector) as session:
                headers = {"Content-Type": "application/json"}
                async with session.post(base + "/credentials/verify", data=body, headers=headers) as resp:
                    first = await resp.json()
                    assert first["verified"] and not first["cached"], first
                async def load(method: str, path: str, data: bytes | None) -> tuple[list[float], float]:
                    samples: list[float] = []
                    remaining = requests

                    async def client() -> None:
                        nonlocal remaining
                        while remaining > 0:
                            remaining -= 1
                            started = time.perf_counter()
                            async with session.request(method, base + path, data=data, headers=headers) as resp:
                                await resp.read()
                                assert resp.status == 200
                            samples.append((time.perf_counter() - started) * 1000)

                    wall = time.perf_counter()
                    await asyncio.gather(*(client() for _ in range(clients)))
                    return samples, time.perf_counter() - wall

                samples, wall = await load("POST", "/credentials/verify", body)
                async with session.get(base + "/metrics") as resp:
                    server = _server_side(await resp.text())
                # Reference, same run, same clients: GET /healthz, the floor of this server and client.
                ref_samples, ref_wall = await load("GET", "/healthz", None)
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    ref = _percentiles(ref_samples)
    out = {"mode": "cache-hit", "clients": clients, **_percentiles(samples),
           "requests_per_s": round(len(samples) / wall, 1), "server_side": server,
           "reference_healthz": {"p50_ms": ref["p50_ms"], "p99_ms": ref["p99_ms"],
                                 "requests_per_s": round(len(ref_samples) / ref_wall, 1)}}
    out["p50_vs_healthz"] = f"{out['p50_ms'] / max(ref['p50_ms'], 1e-3):.1f}x"
    return out


def _server_side(metrics: str) -> dict[str, str]:
    """Server-side latency of the verify route (handler and middlewares) from the /metrics histogram:
    the bucket bound holding p50 and p99 (what the server spends, without queueing in the client or kernel)."""
    buckets = []
    for line in metrics.splitlines():
        if line.startswith("ler_http_request_duration_seconds_bucket") and 'route="/credentials/verify"' in line \
                and 'outcome="verified"' in line:
            le = line.split('le="')[1].split('"')[0]
            buckets.append((float("inf") if le == "+Inf" else float(le), float(line.rsplit(" ", 1)[1])))
    buckets.sort()
    total = buckets[-1][1] if buckets else 0
    pick = lambda q: next((f"<= {le * 1000:g} ms" for le, n in buckets if n >= q * total), "?")  # noqa: E731
    return {"p50": pick(0.5), "p99": pick(0.99), "n": int(total)}


async def queue_overhead(iterations: int, poll_s: float | None = None) -> dict:
    from verifier.checks.context import CheckContext
    from verifier.dispatch import InlineDispatcher
    from verifier.options import VerifyOptions
    from verifier.parse import parse_presented
    from verifier.runtime import open_environment
    from verifier.settings import load_settings
    from trust_registry import TrustRegistry
    from verifier.trust import RegistryTrustSource
    from workers.dispatcher import ArqDispatcher, ResultWaiter, done_channel, open_pool

    queue = f"ler-bench-{uuid.uuid4().hex[:8]}"
    key = new_key()
    docs = [ob3_credential(key.did, id=f"urn:uuid:{uuid.uuid4()}") for _ in range(iterations)]
    with tempfile.TemporaryDirectory() as data_dir:
        env_vars = _env(data_dir, REDIS_URL=REDIS_URL, LER_QUEUE_NAME=queue)
        if poll_s is not None:
            env_vars["LER_WORKER_POLL_S"] = str(poll_s)
        worker = _spawn(["worker"], env_vars)
        pool = open_pool(REDIS_URL, queue)
        try:
            deadline = time.monotonic() + 30
            while not await pool.exists(f"{queue}:health-check"):
                if time.monotonic() > deadline:
                    raise TimeoutError("worker did not start")
                await asyncio.sleep(0.05)
            settings = load_settings(data_dir=data_dir)
            waiter = ResultWaiter(pool, done_channel(queue))
            await waiter.start()
            arq = ArqDispatcher(pool, waiter, queue_name=queue, deadline_s=10)
            inline = InlineDispatcher()
            timings: dict[str, list[float]] = {"inline": [], "arq": []}
            registry = await TrustRegistry.open(f"sqlite+aiosqlite:///{data_dir}/registry.sqlite3")
            async with open_environment(settings, trust=RegistryTrustSource(registry)) as env:
                options = VerifyOptions(limits=settings.limits())
                for name, dispatcher in (("inline", inline), ("arq", arq)):
                    for i, doc in enumerate(docs):
                        presented = parse_presented(json.dumps(dict(doc, name=f"{name}-{i}")).encode(),
                                                    limits=options.limits)
                        ctx = CheckContext(options=options, env=env, presented=presented)
                        started = time.perf_counter()
                        result = (await dispatcher.run_checks(["issuer_trust"], presented.top, ctx))[0]
                        timings[name].append((time.perf_counter() - started) * 1000)
                        assert result.check == "issuer_trust"
            await waiter.close()
            await registry.close()
        finally:
            worker.terminate()
            worker.wait(timeout=20)
            keys = [k async for k in pool.scan_iter(match=f"*{queue}*")]
            if keys:
                await pool.delete(*keys)
            await pool.aclose(close_connection_pool=True)
    inline_p = _percentiles(timings["inline"])
    arq_p = _percentiles(timings["arq"][10:])  # first few include connection set-up
    return {"mode": "queue-overhead", "check": "issuer_trust", "poll_s": poll_s, "inline": inline_p, "arq": arq_p,
            "overhead_p50_ms": round(arq_p["p50_ms"] - inline_p["p50_ms"], 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["cache-hit", "queue-overhead"])
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--iterations", type=int, default=500)
    parser.add_argument("--poll-s", type=float, default=None, help="worker queue polling interval (LER_WORKER_POLL_S)")
    args = parser.parse_args()
    if args.mode == "cache-hit":
        result = asyncio.run(cache_hit(args.clients, min(args.requests, 200_000)))
    else:
        result = asyncio.run(queue_overhead(min(args.iterations, 20_000), args.poll_s))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
