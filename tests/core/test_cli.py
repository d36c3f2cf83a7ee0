"""The command line as a person or a script uses it: exit codes, JSON Lines, stdin, contexts."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from tests.core.credentials import ob3_credential
from tests.signing import new_key, sign_ldp

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "ob3-eddsa-rdfc-2022.json"


def cli(*args: str, stdin: bytes | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from verifier.cli import run; run()", *args], input=stdin,
                          capture_output=True, timeout=120, env={**os.environ, **(env or {})}, cwd=ROOT)


def test_example_verifies_with_exit_0(tmp_path):
    proc = cli("verify", str(EXAMPLE), env={"LER_DATA_DIR": str(tmp_path)})
    assert proc.returncode == 0, proc.stdout.decode() + proc.stderr.decode()
    out = proc.stdout.decode()
    assert "VERIFIED" in out and "Welding Fundamentals" in out


def test_several_files_give_json_lines_in_order_and_the_worst_exit(tmp_path):
    key = new_key()
    good = tmp_path / "good.json"
    good.write_text(json.dumps(sign_ldp(ob3_credential(key.did), key)))
    bad = sign_ldp(ob3_credential(key.did), key)
    bad["name"] = "Forged"
    bad_path = tmp_path / "bad.json"
    bad_path.write_text(json.dumps(bad))
    junk = tmp_path / "junk.json"
    junk.write_text("{nope")
    proc = cli("verify", "--json", str(good), str(bad_path), str(junk), env={"LER_DATA_DIR": str(tmp_path)})
    lines = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert [line["source"] for line in lines] == [str(good), str(bad_path), str(junk)]
    assert [line["verified"] for line in lines] == [True, False, False]
    assert lines[2]["errors"][0]["code"] == "PARSING_ERROR"
    assert proc.returncode == 2
    proc = cli("verify", "--json", str(good), str(bad_path), env={"LER_DATA_DIR": str(tmp_path)})
    assert proc.returncode == 1


def test_stdin_and_at_option(tmp_path):
    data = EXAMPLE.read_bytes()
    proc = cli("verify", "--json", "--at", "2025-06-01T00:00:00Z", "-", stdin=data,
               env={"LER_DATA_DIR": str(tmp_path)})
    report = json.loads(proc.stdout)
    assert proc.returncode == 1
    validity = next(r for r in report["results"] if r["check"] == "validity")
    assert validity["outcome"] == "failed" and validity["problem"] == "NOT_YET_VALID"


def test_contexts_add_installs_a_pinned_context_that_then_expands(tmp_path):
    url = "https://contexts.example/learning/v1"
    key = new_key()
    doc = ob3_credential(key.did)
    doc["@context"].append(url)
    doc["credentialSubject"]["cohort"] = "Spring 2026"
    ctx_file = tmp_path / "learning.jsonld"
    ctx_file.write_text(json.dumps({"@context": {"cohort": "https://contexts.example/learning#cohort"}}))
    env = {"LER_DATA_DIR": str(tmp_path / "data")}
    (tmp_path / "data").mkdir()
    cred = tmp_path / "cred.json"
    proc = cli("contexts", "add", url, str(ctx_file), env=env)
    assert proc.returncode == 0, proc.stderr.decode()
    assert re.search(r"sha256 [0-9a-f]{64}", proc.stdout.decode())
    from verifier.options import ResourceConfig
    cred.write_text(json.dumps(sign_ldp(doc, key, resources=ResourceConfig(data_dir=tmp_path / "data"))))
    proc = cli("verify", str(cred), env=env)
    assert proc.returncode == 0, proc.stdout.decode()
    listing = cli("contexts", "list", env=env).stdout.decode()
    assert url in listing
    # Without the installed context the proof cannot be checked, and the report says how to fix it.
    proc = cli("verify", "--json", str(cred), env={"LER_DATA_DIR": str(tmp_path / "empty")})
    proof = next(r for r in json.loads(proc.stdout)["results"] if r["check"] == "proof")
    assert proof["outcome"] == "indeterminate" and "contexts add" in proof["detail"]


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    commands = re.findall(r"^    (python3 -m venv \.venv .*)$", readme, flags=re.M)
    assert len(commands) == 2, commands
    assert "pytest" in commands[1] and "ler-verifier verify examples/" in commands[0]
    ci = (ROOT / ".ci" / "run").read_text()
    assert "python3 -m venv .venv .*pytest" in ci


def test_readme_settings_table_lists_every_setting():
    from verifier.settings import Settings

    readme = (ROOT / "README.md").read_text()
    for name, field in Settings.model_fields.items():
        var = field.validation_alias if isinstance(field.validation_alias, str) else f"LER_{name.upper()}"
        assert f"| `{var}` |" in readme, var
