"""The registry and keys click groups, run as a user would (CliRunner), on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.trust_registry.cli_main import main

from tests.trust_registry.conftest import DCC_REGISTRY, create_pg_database, drop_pg_database
from trust_registry.db import default_database_url


@pytest.fixture
def cli(backend, tmp_path, monkeypatch):
    """Invoke ``ler-verifier ...`` against a fresh database (SQLite via LER_DATA_DIR, PostgreSQL via URL)."""
    monkeypatch.delenv("LER_DATABASE_URL", raising=False)
    monkeypatch.setenv("LER_DATA_DIR", str(tmp_path / "data"))
    url = asyncio.run(create_pg_database(migrated=False)) if backend == "postgresql" else None
    if url:
        monkeypatch.setenv("LER_DATABASE_URL", url)
    runner = CliRunner()

    def invoke(*args, input=None):
        result = runner.invoke(main, list(args), input=input, catch_exceptions=False)
        assert "Traceback" not in result.output
        return result
    yield invoke
    if url:
        asyncio.run(drop_pg_database(url))


def test_add_list_show_suspend_remove(cli, tmp_path, backend):
    r = cli("registry", "add", "Example CC", "-i", "did:web:ecc.edu", "--did-web-host", "did:web:badges.ecc.edu",
            "--id", "ecc", "--type", "OpenBadgeCredential", "--external-id", "ipeds=123456", "--country", "US",
            "--valid-from", "2026-01-01T00:00:00Z")
    assert r.exit_code == 0, r.output
    if backend == "sqlite":
        assert (tmp_path / "data" / "registry.sqlite3").exists()
    r = cli("registry", "list")
    assert "ecc" in r.output and "1 of 1 issuer(s)" in r.output
    r = cli("registry", "show", "DID:web:ECC.edu")
    assert "Example CC" in r.output and "did_web_host" in r.output and "ipeds: 123456" in r.output
    shown = json.loads(cli("registry", "show", "ecc", "--json").output)
    assert shown["identifiers"][1]["match"] == "did_web_host"
    r = cli("registry", "suspend", "ecc", "--reason", "accreditation review")
    assert r.exit_code == 0 and "suspended" in r.output
    assert json.loads(cli("registry", "show", "ecc", "--json").output)["status_reason"] == "accreditation review"
    r = cli("registry", "suspend", "ecc", "--identifier", "did:web:ECC.edu", "--reason", "key rotation")
    assert r.exit_code == 0
    assert cli("registry", "reinstate", "ecc").exit_code == 0
    assert cli("registry", "remove", "ecc", "--identifier", "did:web:badges.ecc.edu", "--yes").exit_code == 0
    r = cli("registry", "remove", "ecc", input="n\n")
    assert r.exit_code == 1 and "Aborted" in r.output
    assert cli("registry", "remove", "ecc", "--yes").exit_code == 0
    r = cli("registry", "audit", "--json")
    actions = [(e["action"], e["entity"]) for e in json.loads(r.output)]
    assert actions == [("delete", "issuer"), ("delete", "identifier"), ("reinstate", "issuer"),
                       ("suspend", "identifier"), ("suspend", "issuer"), ("create", "issuer")]
    assert all(e["actor"].startswith("cli") for e in json.loads(r.output))


@pytest.mark.skipif(not DCC_REGISTRY.exists(), reason="shared vectors not found (set LER_VECTORS)")
def test_import_export_round_trip(cli, tmp_path):
    listed = len(json.loads(DCC_REGISTRY.read_text())["registry"])
    r = cli("registry", "import", "--format", "dcc-legacy", str(DCC_REGISTRY))
    assert r.exit_code == 0 and f"imported: {listed} created" in r.output
    out = tmp_path / "export.json"
    assert cli("registry", "export", "--format", "ler", "-o", str(out)).exit_code == 0
    r = cli("registry", "import", "--format", "ler", str(out))
    assert r.exit_code == 0 and " 0 created, 0 updated" in r.output
    dcc = json.loads(cli("registry", "export", "--format", "dcc-legacy", "--registry", "dcc-legacy").output)
    assert dcc["registry"] == json.loads(DCC_REGISTRY.read_text())["registry"]
    r = cli("registry", "import", "--format", "csv", "--registry", "dcc-legacy", "--mode", "replace", "-",
            input="name,identifier\nOnly One,did:key:z6MkOnly\n")
    assert r.exit_code == 0 and "1 created" in r.output and "deleted" in r.output
    assert "1 of 1" in cli("registry", "list", "--registry", "dcc-legacy").output
    r = cli("registry", "sources", "--add", "state", "--priority", "5", "--authority-id", "did:web:state.example")
    assert r.exit_code == 0 and r.output.splitlines()[0].startswith("local")
    assert "state  priority 5" in r.output


def test_keys(cli):
    r = cli("keys", "create", "--role", "admin", "--name", "alice")
    assert r.exit_code == 0
    token = r.output.splitlines()[0]
    assert token.startswith("ler_")
    assert "alice" in cli("keys", "list").output
    assert cli("keys", "create", "--role", "admin", "--name", "alice").exit_code == 2
    assert cli("keys", "revoke", "alice").exit_code == 0
    assert "alice" not in cli("keys", "list").output and "REVOKED" in cli("keys", "list", "--all").output
    assert cli("keys", "create", "--role", "root", "--name", "x").exit_code == 2


@pytest.mark.parametrize("args,fragment", [
    (("registry", "show", "nobody"), "no issuer or identifier 'nobody'"),
    (("registry", "suspend", "nobody", "--reason", "x"), "no issuer 'nobody'"),
    (("registry", "suspend", "nobody"), "Missing option '--reason'"),
    (("registry", "remove", "nobody", "--yes"), "no issuer 'nobody'"),
    (("registry", "add", "X", "-i", "did:key:a b"), "--identifier"),
    (("registry", "add", "X", "--registry", "nope"), "no registry 'nope'"),
    (("registry", "add", "X", "--valid-from", "soon", "-i", "did:key:z"), "--valid-from"),
    (("registry", "import", "--format", "xml", "f"), "Invalid value for '--format'"),
    (("registry", "import", "--format", "csv", "/nonexistent/file.csv"), "No such file"),
    (("registry", "import", "--format", "ler", "-"), "not valid JSON"),
    (("registry", "export", "--format", "csv", "--registry", "nope"), "no registry 'nope'"),
    (("keys", "revoke", "nobody"), "no api key 'nobody'"),
])
def test_errors_are_one_line_and_exit_2(cli, args, fragment):
    r = cli(*args, input="{")
    assert r.exit_code == 2, r.output
    assert fragment in r.output


def test_unreachable_database_exits_1(monkeypatch):
    monkeypatch.setenv("LER_DATABASE_URL", "postgresql://postgres@127.0.0.1:1/none")
    r = CliRunner().invoke(main, ["registry", "list"], catch_exceptions=False)
    assert r.exit_code == 1 and "cannot connect to the registry database" in r.output and "Traceback" not in r.output
    monkeypatch.setenv("LER_DATABASE_URL", "mysql://db/x")
    r = CliRunner().invoke(main, ["registry", "list"], catch_exceptions=False)
    assert r.exit_code == 2 and "unsupported database 'mysql'" in r.output


def test_default_database_url(monkeypatch, tmp_path):
    monkeypatch.delenv("LER_DATABASE_URL", raising=False)
    monkeypatch.delenv("LER_DATA_DIR", raising=False)
    assert default_database_url().endswith("/ler-verifier/registry.sqlite3")
    monkeypatch.setenv("LER_DATA_DIR", str(tmp_path))
    assert default_database_url() == f"sqlite+aiosqlite:///{tmp_path.resolve() / 'registry.sqlite3'}"
    assert default_database_url(Path("/srv/ler")) == "sqlite+aiosqlite:////srv/ler/registry.sqlite3"
    monkeypatch.setenv("LER_DATABASE_URL", "postgresql://u@db/registry")
    assert default_database_url(tmp_path) == "postgresql://u@db/registry"
