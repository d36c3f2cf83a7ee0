"""The benchmark scripts run at a tiny size (figures are for people; the tests check that they run)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_signed_meaning_runs_at_a_tiny_size():
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "bench_signed_meaning.py"), "--rounds", "3"],
                         capture_output=True, text=True, timeout=120, check=True).stdout
    assert "quads" in out and "gate cost" in out


def test_bench_worker_memory_runs_at_a_tiny_size():
    """It crashed at start (KeyError: 'redis', issue 10): a worker's check tasks need no queue."""
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "bench_worker_memory.py"), "--count", "20"],
                         capture_output=True, text=True, timeout=120, check=True).stdout
    assert out.strip().splitlines()[-1].split()[0] == "20"


def test_bench_redis_commands_runs_at_a_tiny_size():
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "bench_redis_commands.py"), "--count", "3"],
                         capture_output=True, text=True, timeout=180, check=True).stdout
    assert "Redis commands per verification" in out or out.startswith("skipped")
