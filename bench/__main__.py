"""Run every benchmark: ``python -m bench`` at full size, ``python -m bench --quick`` at a tiny size
(under a minute; what the tests run). Each script prints its own input, layer and reference."""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: script -> (quick arguments, full arguments)
RUNS: dict[str, tuple[list[str], list[str]]] = {
    "bench_signed_meaning.py": (["--rounds", "20"], ["--rounds", "300"]),
    "bench_instructions.py": (["--mode", "verify-pyld", "--rounds", "2"], ["--rounds", "30"]),
    "bench_verify.py": (["--rounds", "20"], ["--rounds", "200"]),
    "bench_core.py": (["--rounds", "5"], ["--rounds", "200"]),
    "bench_peer.py": (["--rounds", "5"], ["--rounds", "100"]),
    "bench_scaling.py": (["--rounds", "3", "--list-sizes", "131072,1048576", "--checks", "200"], ["--rounds", "50"]),
    "bench_status.py": (["--lists", "5", "--checks", "200"], []),
    "bench_registry.py": (["--issuers", "200", "--lookups", "500"], []),
    "bench_redis_commands.py": (["--count", "5"], ["--count", "200"]),
    "bench_worker_memory.py": (["--count", "50"], ["--count", "10000"]),
    "bench_service.py": (["load", "--quick"], ["load"]),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, under a minute")
    parser.add_argument("only", nargs="*", help="run only these scripts (e.g. bench_verify.py)")
    args = parser.parse_args()
    failed = []
    for script, (quick, full) in RUNS.items():
        if args.only and script not in args.only:
            continue
        print(f"== {script} {' '.join(quick if args.quick else full)}", flush=True)
        started = time.perf_counter()
        done = subprocess.run([sys.executable, str(HERE / script), *(quick if args.quick else full)])
        print(f"   ({time.perf_counter() - started:.1f} s)", flush=True)
        if done.returncode:
            failed.append(script)
    if failed:
        print("failed: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
