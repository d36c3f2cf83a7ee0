"""Redis commands per verification in the distributed mode (issue 10: "Measure Redis commands per verification").

Starts a private redis-server on a spare loopback port, one ``ler-verifier worker`` process and the HTTP
front end in this process, verifies ``--count`` distinct (cold) OB 3.0 eddsa-rdfc-2022 credentials through
``POST /credentials/verify`` one at a time, ``--count`` more with ``--concurrency`` requests in flight (the
front end batches their checks into shared arq jobs), then the first ones again (report-cache hits), and prints
Redis's own ``INFO commandstats`` deltas per verification, by command. Every client of that server is
ours (front end, worker, its idle polling), so the figure is the whole system's.

The reference printed beside it is the same run's idle cost: the worker's polling and health key over
the same wall time with no request.

    python bench/bench_redis_commands.py [--count 50] [--concurrency 32] [--trace]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import redis  # noqa: E402

from tests.core.credentials import ob3_credential  # noqa: E402
from tests.faults.servers import free_port  # noqa: E402
from tests.service.conftest import running, service_settings  # noqa: E402
from tests.signing import new_key, sign_ldp  # noqa: E402
from tests.workers.conftest import WorkerProcess  # noqa: E402


def _stats(client: redis.Redis) -> dict[str, int]:
    return {name.removeprefix("cmdstat_"): int(v["calls"]) for name, v in client.info("commandstats").items()}


def _delta(after: dict[str, int], before: dict[str, int]) -> dict[str, int]:
    return {k: after[k] - before.get(k, 0) for k in after if after[k] - before.get(k, 0)}


def _cpu_s(pid: int) -> float:
    """User + system CPU time of process ``pid`` (Linux /proc), seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _monitor(port: int, lines: list[str], stop: threading.Event) -> None:
    """Collect every command the server runs (MONITOR) until ``stop`` is set."""
    with redis.Redis(port=port).monitor() as monitor:
        for command in monitor.listen():
            if stop.is_set():
                return
            lines.append(f"{command['client_address']}:{command['client_port']} {command['command'][:160]}")


async def main(count: int, trace: bool = False, concurrency: int = 32) -> None:
    if shutil.which("redis-server") is None:
        print("skipped: redis-server is not installed")
        return
    tmp = Path(tempfile.mkdtemp(prefix="ler-bench-redis-"))
    port = free_port()
    server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no", "--dir", str(tmp)], stdout=subprocess.DEVNULL)
    client = redis.Redis(port=port)
    for _ in range(200):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    url, queue = f"redis://127.0.0.1:{port}/0", "ler-bench"
    worker = WorkerProcess(queue, tmp)
    worker.env["REDIS_URL"] = url
    key = new_key()
    docs = [sign_ldp(ob3_credential(key.did, id=f"urn:uuid:{i:08d}-3333-4000-8000-000000000000"), key)
            for i in range(2 * count + 1)]
    warm, docs, crowd = docs[-1], docs[:count], docs[count:2 * count]
    settings = service_settings(tmp, REDIS_URL=url, queue_name=queue, registry_poll_s=1.0,
                                database_url=f"sqlite+aiosqlite:///{tmp / 'registry.sqlite3'}")
    try:
        worker.start()
        async with running(settings) as http:
            body = {"verifiableCredential": warm, "options": {"requireTrustedIssuer": False}}
            assert (await (await http.post("/credentials/verify", json=body)).json())["verified"]
            rounds = {}
            if trace:  # one more cold verify, every command it costs printed
                lines, stop = [], threading.Event()
                thread = threading.Thread(target=_monitor, args=(port, lines, stop), daemon=True)
                thread.start()
                await asyncio.sleep(0.3)
                traced = sign_ldp(ob3_credential(key.did, id="urn:uuid:99999999-3333-4000-8000-000000000000"), key)
                await http.post("/credentials/verify", json={"verifiableCredential": traced,
                                                             "options": {"requireTrustedIssuer": False}})
                await asyncio.sleep(0.3)
                stop.set()
                client.ping()
                thread.join(timeout=2)
                print("trace of one cold verification (MONITOR):")
                print("\n".join("  " + line for line in lines if "PING" not in line.upper()[:60]))
            async def one(doc) -> None:
                resp = await http.post("/credentials/verify", json={"verifiableCredential": doc,
                                                                    "options": {"requireTrustedIssuer": False}})
                assert (await resp.json())["verified"] is True

            async def crowded(batch) -> None:
                gate = asyncio.Semaphore(concurrency)

                async def gated(doc):
                    async with gate:
                        await one(doc)
                await asyncio.gather(*(gated(doc) for doc in batch))

            plan = (("cold", docs, False), (f"cold x{concurrency}", crowd, True), ("cached", docs, False))
            for name, batch, together in plan:
                before, started = _stats(client), time.perf_counter()
                cpu_before = (time.process_time(), _cpu_s(worker.proc.pid), _cpu_s(server.pid))
                if together:
                    await crowded(batch)
                else:
                    for doc in batch:
                        await one(doc)
                cpu = [after - b for after, b in zip((time.process_time(), _cpu_s(worker.proc.pid), _cpu_s(server.pid)),
                                                     cpu_before)]
                rounds[name] = (_delta(_stats(client), before), time.perf_counter() - started, cpu)
            idle_before = _stats(client)
            await asyncio.sleep(rounds["cold"][1])
            idle = _delta(_stats(client), idle_before)
    finally:
        worker.stop()
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"input: {count} distinct OB 3.0 eddsa-rdfc-2022 credentials; front end + 1 worker + private Redis")
    for name, (delta, seconds, cpu) in rounds.items():
        total = sum(delta.values())
        print(f"{name:10} {total / count:7.1f} Redis commands per verification ({seconds / count * 1000:.1f} ms wall each; "
              f"CPU ms each: front end + client {cpu[0] / count * 1000:.1f}, worker {cpu[1] / count * 1000:.1f}, "
              f"redis {cpu[2] / count * 1000:.2f}); "
              + ", ".join(f"{k} {v / count:.1f}" for k, v in sorted(delta.items(), key=lambda kv: -kv[1])[:6]))
    print(f"idle       {sum(idle.values()) / count:7.1f} commands over the cold round's wall time per verification "
          f"(reference: the worker's polling with no request); "
          + ", ".join(f"{k} {v}" for k, v in sorted(idle.items(), key=lambda kv: -kv[1])[:4]))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=32, help="requests in flight in the crowded round")
    parser.add_argument("--trace", action="store_true", help="print every Redis command of one cold verification")
    args = parser.parse_args()
    asyncio.run(main(args.count, args.trace, args.concurrency))
