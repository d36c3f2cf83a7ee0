"""Issue 4 acceptance: with the DCC example registry imported, every DCC fixture's ``trusted`` is true
exactly when its issuer is listed in that registry (through the real CLI, on a fresh SQLite registry)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import VECTORS, vectors_or_skip

AT = "2026-11-29T12:00:00Z"


def _cli(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from verifier.cli import run; run()", *args],
                          capture_output=True, env=env, timeout=300)


def test_dcc_fixtures_trusted_exactly_when_listed(tmp_path):
    vectors_or_skip()
    registry_file = VECTORS / "resources" / "dcc" / "sandbox-registry.json"
    listed = set(json.loads(registry_file.read_text())["registry"])
    env = {**os.environ, "LER_DATA_DIR": str(tmp_path)}
    env.pop("LER_DATABASE_URL", None)
    proc = _cli(["registry", "import", "--format", "dcc-legacy", str(registry_file)], env)
    assert proc.returncode == 0, proc.stderr.decode()

    entries = [e for e in json.loads((VECTORS / "MANIFEST.json").read_text())
               if e["id"].startswith(("dcc-vc-test-fixtures/", "dcc-verifier-core/")) and not e["needs_network"]]
    assert len(entries) > 50
    files = [str(VECTORS / e["file"]) for e in entries]
    proc = _cli(["verify", "--json", "--offline-bundle", str(VECTORS), "--at", AT, *files], env)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    reports = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert len(reports) == len(entries)
    checked = 0
    for entry, report in zip(entries, reports):
        issuer = report["credential"].get("issuer")
        assert issuer is not None, entry["id"]
        assert report["trusted"] is (issuer in listed), (entry["id"], issuer, report["trusted"])
        checked += 1
    assert checked == len(entries)
