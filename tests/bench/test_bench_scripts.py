"""Every benchmark script runs at a tiny size (``python -m bench --quick``): figures are for people,
the test only checks that the scripts run (speed is measured by the benchmarks, never asserted here)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from bench.__main__ import RUNS

ROOT = Path(__file__).resolve().parents[2]


def test_every_benchmark_runs_at_a_tiny_size():
    done = subprocess.run([sys.executable, "-m", "bench", "--quick"], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    for script in RUNS:
        assert f"== {script}" in done.stdout
    assert "gate cost" in done.stdout
    assert re.search(r"OB 3\.0 eddsa-rdfc-2022 +\d+ +[\d.]+ +[\d.]+ +[\d.]+", done.stdout)  # bench_core: quads, ms, x floor
    assert "DCC/ours" in done.stdout or "skipped: the DCC peer is unavailable" in done.stdout
    assert "8388608" in done.stdout or "1048576" in done.stdout  # bench_scaling: status-list sizes
    assert "Redis commands per verification" in done.stdout or "skipped: redis-server" in done.stdout
