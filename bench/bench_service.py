"""Service benchmarks under a real load generator (issue 10 "Service"); measured here, not in tests.

    python bench/bench_service.py load [--duration-s 8] [--bodies 12000] [--modes embedded,dist1,dist2]
                                       [--connections 1,8,64] [--processes N]
    python bench/bench_service.py queue-overhead [--iterations 500]     # needs Redis on 127.0.0.1:6379

``load`` drives ``ler-verifier serve`` with ``wrk`` (Debian's package; its own process, the Lua script
``bench/wrk_bodies.lua``) and prints, for each mode and number of connections:

* **cold**: every request a distinct signed OB 3.0 eddsa-rdfc-2022 credential (63 quads, about 2.5 KB;
  ``bench_signed_meaning.realistic``), never seen by the server: a full verification;
* **hits**: the same credential again and again: the report cache answers;
* requests per second, p50/p99 latency (wrk's), how many answers said ``"verified": true``;
* CPU per request of each process group (front end(s) with their CPU pool, workers, Redis), from
  ``/proc``; Redis commands per request (``INFO stats`` of a private ``redis-server``).

Modes: ``embedded`` (``serve`` alone, no Redis; ``--processes`` front ends, default the cores), ``dist1``
and ``dist2`` (one ``serve`` process and 1 or 2 ``ler-verifier worker`` processes over a private
``redis-server``). The reference, in the same run, is ``GET /healthz`` of the embedded server under the
same connections (the floor of this server, wrk and the kernel on this machine).

Signed bodies are cached in ``$TMPDIR/ler-bench-bodies-<n>.jsonl`` for a day (signing 12,000 takes about
half a minute). wrk and the servers share the machine's cores: the figures are the whole system's.

``queue-overhead``: runs the ``issuer_trust`` check (the cheapest, so the queue dominates) on distinct
credentials, once inline and once through ``ArqDispatcher`` to a ``ler-verifier worker`` subprocess,
sequentially, and reports the p50 difference.

Every run uses only 127.0.0.1, a bounded number of requests, and stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import redis  # noqa: E402

from bench.bench_signed_meaning import realistic  # noqa: E402
from tests.core.credentials import ob3_credential  # noqa: E402
from tests.faults.servers import free_port  # noqa: E402
from tests.signing import new_key, sign_ldp  # noqa: E402

HERE = Path(__file__).resolve().parent
REDIS_URL = os.environ.get("LER_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
WRK_SCRIPT = HERE / "wrk_bodies.lua"


def _env(data_dir: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LER_") and k != "REDIS_URL"}
    env.update(LER_DATA_DIR=data_dir, LER_REQUIRE_TRUSTED_ISSUER="false", **extra)
    return env


def _spawn(args: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "from verifier.cli import run; run()", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def _tree_cpu_s(pid: int) -> float:
    """User + system CPU seconds of ``pid`` and every live descendant (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        todo.extend(children.get(p, []))
    return total


def _sign_chunk(count: int) -> list[str]:
    key = new_key()
    return [json.dumps({"verifiableCredential": sign_ldp(realistic(key.did), key)}) for _ in range(count)]


def signed_bodies(count: int) -> Path:
    """A file of ``count`` request bodies, each a distinct signed realistic OB 3.0 credential (cached a day)."""
    path = Path(tempfile.gettempdir()) / f"ler-bench-bodies-{count}.jsonl"
    if path.is_file() and time.time() - path.stat().st_mtime < 86_400:
        return path
    workers = max(1, os.cpu_count() or 1)
    chunks = [count // workers + (1 if i < count % workers else 0) for i in range(workers)]
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        lines = [line for chunk in pool.map(_sign_chunk, chunks) for line in chunk]
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(lines) + "\n")
    tmp.replace(path)
    return path


def _wait_ready(url: str, timeout_s: float = 60.0) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(url)
        time.sleep(0.1)


def _post(url: str, body: bytes) -> dict:
    import urllib.request

    req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())


def _wrk(url: str, bodies: Path, offset: int, connections: int, duration_s: float) -> dict:
    threads = min(2, connections)
    args = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration_s:g}s", "--timeout", "10s",
            "-s", str(WRK_SCRIPT), url, "--", str(bodies), str(offset), str(threads)]
    done = subprocess.run(args, capture_output=True, text=True, timeout=duration_s + 60)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("WRK_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk failed: {done.stdout[-500:]} {done.stderr[-500:]}")
    return json.loads(line.removeprefix("WRK_JSON "))


def _wrk_get(url: str, connections: int, duration_s: float) -> dict:
    done = subprocess.run(["wrk", "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{duration_s:g}s",
                           "--latency", url], capture_output=True, text=True, timeout=duration_s + 60)
    out = {"requests_per_s": None, "p50_ms": None, "p99_ms": None}
    for ln in done.stdout.splitlines():
        parts = ln.split()
        if ln.startswith("Requests/sec:"):
            out["requests_per_s"] = float(parts[1])
        elif parts and parts[0] in ("50%", "99%"):
            value = parts[1]
            ms = float(value[:-2]) if value.endswith("ms") else float(value[:-2]) / 1000 if value.endswith("us") \
                else float(value[:-1]) * 1000
            out["p50_ms" if parts[0] == "50%" else "p99_ms"] = ms
    return out


class Deployment:
    """The processes of one mode: front end(s), workers and a private redis-server."""

    def __init__(self, mode: str, processes: int | None, front_ends: int = 1):
        self.mode = mode
        self.front_ends = front_ends
        self.processes = processes
        self.port = free_port()
        self.procs: list[tuple[str, subprocess.Popen]] = []
        self.redis: redis.Redis | None = None
        self.tmp = Path(tempfile.mkdtemp(prefix="ler-bench-service-"))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        extra: dict[str, str] = {}
        if self.mode != "embedded":
            rport = free_port()
            proc = subprocess.Popen(["redis-server", "--port", str(rport), "--bind", "127.0.0.1", "--save", "",
                                     "--appendonly", "no", "--dir", str(self.tmp)], stdout=subprocess.DEVNULL,
                                    start_new_session=True)
            self.procs.append(("redis", proc))
            self.redis = redis.Redis(port=rport)
            for _ in range(100):
                try:
                    self.redis.ping()
                    break
                except redis.ConnectionError:
                    time.sleep(0.05)
            extra["REDIS_URL"] = f"redis://127.0.0.1:{rport}/0"
        env = _env(str(self.tmp), **extra)
        serve = ["serve", "--port", str(self.port)]
        if self.mode == "embedded" and self.processes:
            serve += ["--processes", str(self.processes)]
        elif self.mode != "embedded":
            serve += ["--processes", str(self.front_ends)]
        self.procs.append(("front end", _spawn(serve, env)))
        for i in range(int(self.mode[-1]) if self.mode != "embedded" else 0):
            self.procs.append((f"worker {i + 1}", _spawn(["worker"], env)))
        _wait_ready(self.url + "/readyz")
        if self.redis is not None:  # /readyz saw one worker; give the others time to finish starting
            time.sleep(3)

    def cpu(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for name, proc in self.procs:
            group = "workers" if name.startswith("worker") else name
            out[group] = out.get(group, 0.0) + _tree_cpu_s(proc.pid)
        return out

    def redis_commands(self) -> int:
        return int(self.redis.info("stats")["total_commands_processed"]) if self.redis is not None else 0

    def stop(self) -> None:
        for _, proc in reversed(self.procs):
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for _, proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait(timeout=20)
        shutil.rmtree(self.tmp, ignore_errors=True)


def _measure(dep: Deployment, bodies: Path, offset: int, connections: int, duration_s: float) -> dict:
    cpu0, cmd0 = dep.cpu(), dep.redis_commands()
    started = time.perf_counter()
    result = _wrk(dep.url + "/credentials/verify", bodies, offset, connections, duration_s)
    wall = time.perf_counter() - started
    cpu1, cmd1 = dep.cpu(), dep.redis_commands()
    n = max(1, result["requests"])
    result["requests_per_s"] = result["requests"] / (result["duration_us"] / 1e6)
    result["cpu_ms_per_request"] = {k: (cpu1[k] - cpu0.get(k, 0.0)) * 1000 / n for k in cpu1}
    result["redis_commands_per_request"] = (cmd1 - cmd0) / n if dep.redis is not None else None
    result["wall_s"] = wall
    return result


def load(modes: list[str], connections: list[int], duration_s: float, bodies_count: int,
         processes: int | None) -> list[dict]:
    if shutil.which("wrk") is None:
        print("skipped: wrk is not installed (Debian package 'wrk')")
        return []
    bodies = signed_bodies(bodies_count)
    hit_body = Path(tempfile.gettempdir()) / f"ler-bench-hit-{os.getpid()}.jsonl"
    hit_body.write_text(bodies.read_text().split("\n", 1)[0] + "\n")
    print(f"input: realistic OB 3.0 AchievementCredential, eddsa-rdfc-2022, 63 quads, "
          f"{len(hit_body.read_bytes())} bytes per body; {bodies_count} distinct signed bodies; "
          f"wrk {duration_s:g} s per row; {os.cpu_count()} cores shared by wrk and the servers")
    rows: list[dict] = []
    for mode in modes:
        if mode != "embedded" and shutil.which("redis-server") is None:
            print(f"skipped {mode}: redis-server is not installed")
            continue
        dep = Deployment(mode, processes)
        try:
            dep.start()
            offset = 1  # body 0 is the cache-hit body
            _post(dep.url + "/credentials/verify", hit_body.read_bytes())  # warm: pool start-up, first contexts
            for c in connections:
                cold = _measure(dep, bodies, offset, c, duration_s)
                offset += cold["requests"] + c
                rows.append({"mode": mode, "kind": "cold", "connections": c, **cold})
                _print_row(rows[-1])
            for c in connections:
                hits = _measure(dep, hit_body, 0, c, duration_s)
                rows.append({"mode": mode, "kind": "hits", "connections": c, **hits})
                _print_row(rows[-1])
            if mode == "embedded":
                for c in connections:
                    ref = _wrk_get(dep.url + "/healthz", c, duration_s)
                    rows.append({"mode": mode, "kind": "GET /healthz (reference)", "connections": c, **ref})
                    print(f"  {mode:9} {'GET /healthz (ref)':19} c={c:<3} {ref['requests_per_s'] or 0:8.0f}/s  "
                          f"p50 {ref['p50_ms'] or 0:7.2f} ms  p99 {ref['p99_ms'] or 0:7.2f} ms")
        finally:
            dep.stop()
    hit_body.unlink(missing_ok=True)
    return rows


def _print_row(row: dict) -> None:
    cpu = "  ".join(f"{k} {v:.2f}" for k, v in row["cpu_ms_per_request"].items())
    redis_part = f"  redis cmds {row['redis_commands_per_request']:.1f}" \
        if row["redis_commands_per_request"] is not None else ""
    flags = []
    if row["wrapped"] and row["kind"] == "cold":
        flags.append(f"{row['wrapped']} repeats (cache hits) after the bodies ran out")
    if row["errors"] or row["other_status"]:
        flags.append(f"{row['errors']} socket errors, {row['other_status']} non-200")
    if row["not_verified"]:
        flags.append(f"{row['not_verified']} not verified")
    print(f"  {row['mode']:9} {row['kind']:19} c={row['connections']:<3} {row['requests_per_s']:8.0f}/s  "
          f"p50 {row['p50_us'] / 1000:7.2f} ms  p99 {row['p99_us'] / 1000:7.2f} ms  "
          f"verified {row['verified']}/{row['requests']}  cpu ms/req: {cpu}{redis_part}"
          + (f"  [{'; '.join(flags)}]" if flags else ""), flush=True)


def _percentiles(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {"n": len(ordered), "p50_ms": round(pick(0.50), 3), "p90_ms": round(pick(0.90), 3),
            "p99_ms": round(pick(0.99), 3), "max_ms": round(ordered[-1], 3),
            "mean_ms": round(statistics.fmean(ordered), 3)}


async def queue_overhead(iterations: int, poll_s: float | None = None) -> dict:
    from trust_registry import TrustRegistry
    from verifier.checks.context import CheckContext
    from verifier.dispatch import InlineDispatcher
    from verifier.options import VerifyOptions
    from verifier.parse import parse_presented
    from verifier.runtime import open_environment
    from verifier.settings import load_settings
    from verifier.trust import RegistryTrustSource
    from workers.dispatcher import ArqDispatcher, ResultWaiter, done_channel, open_pool

    queue = f"ler-bench-{uuid.uuid4().hex[:8]}"
    key = new_key()
    docs = [ob3_credential(key.did, id=f"urn:uuid:{uuid.uuid4()}") for _ in range(iterations)]
    with tempfile.TemporaryDirectory() as data_dir:
        env_vars = _env(data_dir, REDIS_URL=REDIS_URL, LER_QUEUE_NAME=queue, LER_LOG_LEVEL="WARNING")
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
            os.killpg(worker.pid, signal.SIGTERM)
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
    parser.add_argument("mode", choices=["load", "queue-overhead"], nargs="?", default="load")
    parser.add_argument("--modes", default="embedded,dist1,dist2")
    parser.add_argument("--connections", default="1,8,64")
    parser.add_argument("--duration-s", type=float, default=8.0)
    parser.add_argument("--bodies", type=int, default=12_000)
    parser.add_argument("--processes", type=int, default=None, help="embedded front ends (default: the cores)")
    parser.add_argument("--quick", action="store_true", help="embedded only, 1 and 8 connections, 1 s, 300 bodies")
    parser.add_argument("--iterations", type=int, default=500)
    parser.add_argument("--poll-s", type=float, default=None, help="worker queue polling interval (LER_WORKER_POLL_S)")
    args = parser.parse_args()
    if args.mode == "queue-overhead":
        print(json.dumps(asyncio.run(queue_overhead(min(args.iterations, 20_000), args.poll_s)), indent=2))
        return
    if args.quick:
        args.modes, args.connections, args.duration_s, args.bodies = "embedded,dist1", "1,8", 1.0, 300
    load([m for m in args.modes.split(",") if m], [int(c) for c in args.connections.split(",")],
         args.duration_s, args.bodies, args.processes)


if __name__ == "__main__":
    main()
