"""The signed-meaning benchmark runs at a tiny size (figures are for people; the test checks it runs)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_signed_meaning_runs_at_a_tiny_size():
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "bench_signed_meaning.py"), "--rounds", "3"],
                         capture_output=True, text=True, timeout=120, check=True).stdout
    assert "quads" in out and "gate cost" in out
