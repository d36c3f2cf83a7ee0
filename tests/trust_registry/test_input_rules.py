"""Problems a new user found, each pinned down: bounded integer inputs, identifiers that must be DIDs or
http(s) URLs, CSV formula injection, database URL errors, and import errors reported once."""

from __future__ import annotations

import asyncio
import csv
import io
import json

import pytest
from click.testing import CliRunner

from tests.trust_registry.cli_main import main
from tests.trust_registry.conftest import NOW, _pg_problem, create_pg_database, drop_pg_database
from tests.trust_registry.test_admin_api import ISSUER, names, problem
from trust_registry import audit
from trust_registry.csvio import export_csv, neutralize_cell, parse_csv, restore_cell
from trust_registry.db import async_url
from trust_registry.errors import ConfigError, InvalidInput, RegistryUnavailable
from trust_registry.exchange import apply_import
from trust_registry.formats import export_as, parse_import
from trust_registry.identifiers import set_identifier_status, update_identifier
from trust_registry.issuers import create_issuer, get_issuer, list_issuers, set_issuer_status
from trust_registry.lookup import TrustRegistry
from trust_registry.model import MAX_AUDIT_ID, MAX_OFFSET, Identifier, Issuer, Registry
from trust_registry.normalize import identifier_problem
from trust_registry.registries import create_registry
from trust_registry.rows import insert_issuers, stamp_issuer

UNREACHABLE_PG = "postgresql://postgres:hunter2@127.0.0.1:1/none"
LEAKS = ("Traceback", "DBAPIError", "OverflowError", "SELECT", "[SQL", "unexpected error")


@pytest.fixture
def cli(backend, tmp_path, monkeypatch):
    """``ler-verifier ...`` against a fresh database (SQLite via LER_DATA_DIR, PostgreSQL via URL)."""
    monkeypatch.delenv("LER_DATABASE_URL", raising=False)
    monkeypatch.setenv("LER_DATA_DIR", str(tmp_path / "data"))
    url = asyncio.run(create_pg_database()) if backend == "postgresql" else None
    if url:
        monkeypatch.setenv("LER_DATABASE_URL", url)

    def invoke(*args, input=None):
        result = CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)
        for leak in LEAKS:
            assert leak not in result.output, result.output
        return result
    yield invoke
    if url:
        asyncio.run(drop_pg_database(url))


# 1. Integer options and query parameters are bounded --------------------------------------------------

HUGE = "99999999999999999999"


@pytest.mark.parametrize("args,option", [
    (("registry", "list", "--offset", HUGE), "--offset"),
    (("registry", "list", "--offset", str(MAX_OFFSET + 1)), "--offset"),
    (("registry", "list", "--limit", HUGE), "--limit"),
    (("registry", "audit", "--before", HUGE), "--before"),
    (("registry", "audit", "--before", str(MAX_AUDIT_ID + 1)), "--before"),
    (("registry", "audit", "--limit", HUGE), "--limit"),
    (("registry", "sources", "--add", "big", "--priority", HUGE), "--priority"),
    (("registry", "sources", "--add", "big", "--priority", "-" + HUGE), "--priority"),
])
def test_cli_integer_options_are_bounded(cli, args, option):
    r = cli(*args)
    assert r.exit_code == 2, r.output
    assert option in r.output and "not in the range" in r.output


def test_cli_integer_bounds_themselves_work(cli):
    assert cli("registry", "add", "A", "-i", "did:web:a.example").exit_code == 0
    r = cli("registry", "list", "--offset", str(MAX_OFFSET))
    assert r.exit_code == 0 and "0 of 1 issuer(s)" in r.output
    r = cli("registry", "audit", "--before", str(MAX_AUDIT_ID), "--json")
    assert r.exit_code == 0 and len(json.loads(r.output)) == 1
    r = cli("registry", "sources", "--add", "low", "--priority", "-1000000")
    assert r.exit_code == 0 and "low  priority -1000000" in r.output


@pytest.mark.parametrize("path,params,parameter", [
    ("/admin/issuers", {"offset": HUGE}, "offset"),
    ("/admin/issuers", {"offset": str(MAX_OFFSET + 1)}, "offset"),
    ("/admin/issuers", {"offset": "9" * 5000}, "offset"),
    ("/admin/issuers", {"offset": "1e3"}, "offset"),
    ("/admin/issuers", {"offset": " 1"}, "offset"),
    ("/admin/issuers", {"limit": "-" + HUGE}, "limit"),
    ("/admin/audit", {"before": HUGE}, "before"),
    ("/admin/audit", {"before": str(MAX_AUDIT_ID + 1)}, "before"),
    ("/admin/audit", {"limit": HUGE}, "limit"),
])
async def test_http_integer_parameters_are_bounded(service, admin_headers, path, params, parameter):
    body = await problem(await service.get(path, params=params, headers=admin_headers), 400)
    assert names(body) == [parameter] and parameter in body["detail"]


async def test_http_integer_bounds_themselves_work(service, admin_headers):
    h = admin_headers
    assert (await service.post("/admin/issuers", json=ISSUER, headers=h)).status == 201
    resp = await service.get("/admin/issuers", params={"offset": str(MAX_OFFSET)}, headers=h)
    assert resp.status == 200 and (await resp.json())["items"] == []
    resp = await service.get("/admin/audit", params={"before": str(MAX_AUDIT_ID), "entity": "issuer"}, headers=h)
    assert resp.status == 200 and [e["entity_id"] for e in (await resp.json())["items"]] == ["ecc"]


@pytest.mark.parametrize("priority,status", [(1e20, 422), (10**20, 422), (-10**7, 422), (2**31, 422), (5.0, 201)])
async def test_http_priority_is_bounded_and_integral(service, admin_headers, priority, status):
    resp = await service.post("/admin/registries", json={"name": "state", "priority": priority}, headers=admin_headers)
    if status == 201:
        assert resp.status == 201 and (await resp.json())["priority"] == 5
        resp = await service.patch("/admin/registries/state", json={"priority": 7.0},
                                   headers={**admin_headers, "If-Match": "*"})
        assert resp.status == 200 and (await resp.json())["priority"] == 7
        return
    assert names(await problem(resp, status)) == ["/priority"]


async def test_store_refuses_out_of_range_paging(engine):
    async with engine.connect() as conn:
        with pytest.raises(InvalidInput) as caught:
            await list_issuers(conn, offset=2**70)
        assert caught.value.errors[0].pointer == "offset"
        with pytest.raises(InvalidInput) as caught:
            await audit.list_audit(conn, before_id=2**70)
        assert caught.value.errors[0].pointer == "before"
    async with engine.begin() as conn:
        with pytest.raises(InvalidInput) as caught:
            await create_registry(conn, registry=Registry(name="big", priority=2**40), actor="t")
        assert caught.value.errors[0].pointer == "/priority"


# 2. An identifier is a DID or an absolute http(s) URL ------------------------------------------------

GOOD_IDENTIFIERS = ["did:web:example.edu", "did:web:example.edu%3A8443", "did:web:example.edu:issuers:1",
                    "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", "did:example:123", "did:ex::a",
                    "did:jwk:eyJrdHkiOiJPS1AifQ", "DID:web:Example.EDU", "https://example.edu", "http://example.edu/i",
                    "HTTPS://Example.EDU/issuer?x=1#me", "https://[::1]:8443/issuer", "https://exämple.edu/ä"]
BAD_IDENTIFIERS = ["notadid", "", "did:", "did:web", "did:web:", "did:WEB:example.edu", "did:web:a:", "did:web:a/b",
                   "did:web:a#key-1", "did:web:a?x", "did:web:a%zz", "did:wéb:a", "did:web:é.edu", "did:key:a b",
                   "did:key:a\x01b", "did:key:a\u200bb", "did:key:a\tb", "did:key:a\nb", "https://", "https:///path",
                   "https:example.edu", "//example.edu", "/issuer", "ftp://example.edu", "urn:uuid:1234",
                   "mailto:a@example.edu", "https://exa mple.edu", "https://example.edu/\x7f", "https://a.edu:99999/",
                   "https://a.edu/<script>", "javascript:alert(1)", " did:web:a.edu"]


@pytest.mark.parametrize("value", GOOD_IDENTIFIERS)
def test_identifier_rule_accepts(value):
    assert identifier_problem(value) is None


@pytest.mark.parametrize("value", BAD_IDENTIFIERS)
def test_identifier_rule_refuses_with_a_sentence(value):
    problem_text = identifier_problem(value)
    assert problem_text and "identifier" in problem_text
    assert "\x01" not in problem_text and "\n" not in problem_text  # control characters are escaped


@pytest.mark.parametrize("args,fragment", [
    (("registry", "add", "X", "-i", "notadid"), "--identifier: identifier 'notadid' is not a DID"),
    (("registry", "add", "X", "-i", "did:key:a\x01b"), "--identifier: identifier 'did:key:a\\x01b' contains"),
    (("registry", "add", "X", "-i", "did:key:a\u2028b"), "--identifier"),
    (("registry", "add", "X", "-i", "did:key:ok", "-i", "ftp://x.edu"), "--identifier: identifier 'ftp://x.edu'"),
    (("registry", "add", "X", "-i", "did:key:ok", "--did-web-host", "example.edu"), "--did-web-host"),
    (("registry", "sources", "--add", "state", "--authority-id", "state"), "--authority-id: authority_id 'state'"),
])
def test_cli_refuses_identifiers_that_are_not_dids_or_urls(cli, args, fragment):
    r = cli(*args)
    assert r.exit_code == 2, r.output
    assert fragment in r.output
    assert "0 of 0" in cli("registry", "list").output


@pytest.mark.parametrize("value", ["notadid", "did:key:a\x01b", "did:key:a\u200bb", "did:WEB:x.edu", "ftp://x.edu",
                                   "https://", "did:web:x.edu#k"])
async def test_admin_api_refuses_identifiers_naming_the_field(service, admin_headers, value):
    h = admin_headers
    body = await problem(await service.post("/admin/issuers", json={"name": "A", "identifiers": [
        {"value": "did:key:ok"}, {"value": value}]}, headers=h), 422)
    assert names(body) == ["/identifiers/1/value"]
    assert (await service.post("/admin/issuers", json=ISSUER, headers=h)).status == 201
    body = await problem(await service.post("/admin/issuers/ecc/identifiers", json={"value": value}, headers=h), 422)
    assert names(body) == ["/value"]
    ident = (await (await service.get("/admin/issuers/ecc", headers=h)).json())["identifiers"][0]["id"]
    body = await problem(await service.patch(f"/admin/identifiers/{ident}", json={"value": value},
                                             headers={**h, "If-Match": "*"}), 422)
    assert names(body) == ["/value"]
    body = await problem(await service.post("/admin/registries", json={"name": "state", "authority_id": value},
                                            headers=h), 422)
    assert names(body) == ["/authority_id"]


async def test_admin_api_refuses_control_characters_in_pinned_methods(service, admin_headers):
    body = await problem(await service.post("/admin/issuers", json={"name": "A", "identifiers": [
        {"value": "did:key:z", "verification_methods": ["did:key:z#a\x01"]}]}, headers=admin_headers), 422)
    assert names(body) == ["/identifiers/0/verification_methods/0"]


@pytest.mark.parametrize("fmt,raw,pointer", [
    ("ler", {"format": "ler-verifier-trust-registry", "format_version": 1, "issuers": [
        {"id": "a", "name": "A", "identifiers": [{"value": "did:key:ok"}]},
        {"id": "b", "name": "B", "identifiers": [{"value": "did:key:ok2"}, {"value": "notadid"}]}]},
     "/issuers/1/identifiers/1/value"),
    ("ler", {"format": "ler-verifier-trust-registry", "format_version": 1, "issuers": [],
             "registries": [{"name": "state", "authority_id": "state"}]}, "/registries/0/authority_id"),
    ("csv", "name,identifier\nA,did:key:ok\nB,notadid\n", "/rows/1/identifier"),
    ("csv", "name,identifier\nA,did:key:ok\nA,did:key:a\x01b\n", "/rows/1/identifier"),
    ("csv", "name,identifier,verification_methods\nA,did:key:ok,did:key:ok#\x01\n", "/rows/0/verification_methods"),
    ("dcc-legacy", {"registry": {"did:key:ok": {"name": "A"}, "notadid": {"name": "B"}}}, "/registry/notadid"),
    ("dcc-legacy", {"registry": {"did:web:x.edu/a": {"name": "B"}}}, "/registry/did:web:x.edu~1a"),
])
def test_importers_report_bad_identifiers_with_their_place(fmt, raw, pointer):
    data = raw.encode() if isinstance(raw, str) else json.dumps(raw).encode()
    with pytest.raises(InvalidInput) as caught:
        parse_import(fmt, data)
    assert [e.pointer for e in caught.value.errors] == [pointer]


async def test_import_over_http_names_the_row(service, admin_headers):
    resp = await service.post("/admin/import", params={"format": "csv"}, data=b"name,identifier\nA,not a did\n",
                              headers=admin_headers)
    assert names(await problem(resp, 422)) == ["/rows/0/identifier"]


async def test_identifiers_stored_before_the_rule_can_still_be_managed(engine):
    legacy = Issuer(id="old", name="Old", identifiers=(Identifier(value="legacy-id"),))
    async with engine.begin() as conn:
        await insert_issuers(conn, [stamp_issuer(legacy, version=1, now=NOW)])
    async with engine.begin() as conn:
        await set_issuer_status(conn, issuer_id="old", status="suspended", reason="review", actor="t")
        ident = (await get_issuer(conn, issuer_id="old")).identifiers[0]
        await set_identifier_status(conn, identifier_id=ident.id, status="revoked", reason="gone", actor="t")
        with pytest.raises(InvalidInput) as caught:
            await update_identifier(conn, identifier_id=ident.id, changes={"value": "still-not-a-did"}, actor="t")
        assert caught.value.errors[0].pointer == "/value"


# 3. CSV export neutralises formulas; the import undoes exactly that ----------------------------------

TRICKY = ["=HYPERLINK(\"https://evil.example\",\"click\")", "+1", "-2", "@SUM(A1)", "\tTab", "\rCR",
          "'=quoted already", "''+two quotes", "'plain quote", "''", "'", "ok", "a=b", "x-y", "-", "=", "'-"]


@pytest.mark.parametrize("value", TRICKY)
def test_neutralize_and_restore_are_inverse(value):
    cell = neutralize_cell(value)
    assert restore_cell(cell) == value
    assert not cell or cell[0] not in "=+-@\t\r"


def _tricky_issuer(n: int, value: str) -> Issuer:
    return Issuer(id=f"i{n}", name=value if value.strip() else "x", legal_name=value, notes=value,
                  location=value, sector=value, accreditor=value, country=value, status_reason=value or None,
                  external_ids={"k": value} if value.strip() and "=" not in value[:1] else {},
                  identifiers=(Identifier(value=f"did:key:z{n}", status_reason=value or None),))


def test_csv_export_neutralises_formulas_and_round_trips():
    items = [_tricky_issuer(n, v) for n, v in enumerate(v for v in TRICKY if v == v.strip() or v[0] in "\t\r")]
    text = export_csv(items)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    for row in rows[1:]:
        for cell in row:
            assert not cell or cell[0] not in "=+-@\t\r", cell
    assert "'=HYPERLINK(" in text
    parsed = parse_csv(text).issuers
    for want, got in zip(items, parsed, strict=True):
        for name in ("name", "legal_name", "notes", "location", "sector", "accreditor", "country", "status_reason"):
            assert getattr(got, name) == getattr(want, name), (name, getattr(want, name))
        assert dict(got.external_ids) == dict(want.external_ids)
        assert got.identifiers[0].status_reason == want.identifiers[0].status_reason


def test_csv_import_of_a_hand_written_file_keeps_ordinary_quotes():
    parsed = parse_csv("name,notes,legal_name\n'Tis College,'=1+1,''@x\n").issuers[0]
    assert (parsed.name, parsed.notes, parsed.legal_name) == ("'Tis College", "=1+1", "'@x")


async def test_csv_round_trip_through_the_database_changes_nothing(engine):
    async with engine.begin() as conn:
        await create_issuer(conn, issuer=Issuer(
            id="evil", name="=HYPERLINK(\"https://evil.example\",\"x\")", notes="@cmd", legal_name="-10+20",
            accreditor="'=kept", identifiers=(Identifier(value="did:web:evil.example", status_reason="+reason"),)),
            actor="t")
    async with engine.connect() as conn:
        first = await export_as(conn, "csv")
    assert "'=HYPERLINK" in first and "'@cmd" in first and "''=kept" in first
    async with engine.begin() as conn:
        summary = await apply_import(conn, document=parse_import("csv", first.encode()), actor="t")
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 1)
    async with engine.connect() as conn:
        assert await export_as(conn, "csv") == first
        stored = await get_issuer(conn, issuer_id="evil")
    assert stored.name.startswith("=HYPERLINK") and stored.accreditor == "'=kept"


# 4. Database URL errors: ConfigError (malformed / unsupported) vs RegistryUnavailable (unreachable) ----

@pytest.mark.parametrize("url,fragment", [
    ("garbage", "'garbage'"),
    ("mysql://x", "unsupported database 'mysql'"),
    ("postgresql+psycopg2://u@h/db", "unsupported database 'postgresql+psycopg2'"),
    ("postgresql://u:hunter2@h:notaport/db", "postgresql://u:***@h:notaport/db"),
    ("postgresql://u@127.0.0.1:99999/db", "port 99999"),
    ("", "empty"),
])
def test_config_error_names_the_setting_and_the_value(url, fragment):
    with pytest.raises(ConfigError) as caught:
        async_url(url)
    assert "LER_DATABASE_URL" in str(caught.value) and fragment in str(caught.value)
    assert "hunter2" not in str(caught.value)


@pytest.mark.parametrize("url", ["garbage", "mysql://x", "postgresql://u@127.0.0.1:99999/db",
                                 "postgresql://u@127.0.0.1:1/db?no_such_option=1"])
async def test_open_raises_config_error_for_a_bad_url(url):
    with pytest.raises(ConfigError) as caught:
        await TrustRegistry.open(url)
    assert "LER_DATABASE_URL" in caught.value.detail


async def test_open_raises_registry_unavailable_for_an_unreachable_database(tmp_path):
    with pytest.raises(RegistryUnavailable) as caught:
        await TrustRegistry.open(UNREACHABLE_PG, connect_timeout_s=2)
    assert "127.0.0.1:1" in caught.value.detail and "hunter2" not in caught.value.detail
    (tmp_path / "file").write_text("")
    with pytest.raises(RegistryUnavailable):
        await TrustRegistry.open(f"sqlite:///{tmp_path / 'file' / 'sub' / 'registry.sqlite3'}")
    lazy = await TrustRegistry.open(UNREACHABLE_PG, migrate_schema=False, connect_timeout_s=2)
    try:
        with pytest.raises(RegistryUnavailable):
            await lazy.snapshot()
        with pytest.raises(RegistryUnavailable):
            await lazy.authenticate("ler_x")
    finally:
        await lazy.close()


async def test_open_of_a_missing_postgresql_database_is_unavailable():
    if _pg_problem():
        pytest.skip(_pg_problem())
    url = await create_pg_database()
    await drop_pg_database(url)
    with pytest.raises(RegistryUnavailable) as caught:
        await TrustRegistry.open(url)
    assert "does not exist" in caught.value.detail


@pytest.mark.parametrize("url,code,fragment", [
    ("garbage", 2, "LER_DATABASE_URL: cannot parse database URL 'garbage'"),
    ("mysql://x", 2, "LER_DATABASE_URL: unsupported database 'mysql'"),
    ("postgresql://u@127.0.0.1:99999/db", 2, "LER_DATABASE_URL: port 99999"),
    ("postgresql://u@127.0.0.1:1/db?no_such_option=1", 2, "no_such_option"),
    (UNREACHABLE_PG, 1, "cannot connect to the registry database"),
])
def test_cli_database_url_errors_are_one_line(monkeypatch, url, code, fragment):
    monkeypatch.setenv("LER_DATABASE_URL", url)
    for args in (["registry", "list"], ["keys", "list"]):
        r = CliRunner().invoke(main, args, catch_exceptions=False)
        assert r.exit_code == code, r.output
        assert r.output.count("\n") == 1 and r.output.startswith("Error: ") and fragment in r.output, r.output
        assert "hunter2" not in r.output and not any(leak in r.output for leak in LEAKS)


def test_cli_unusable_data_dir_exits_1(monkeypatch, tmp_path):
    monkeypatch.delenv("LER_DATABASE_URL", raising=False)
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("LER_DATA_DIR", str(tmp_path / "file" / "data"))
    r = CliRunner().invoke(main, ["registry", "list"], catch_exceptions=False)
    assert r.exit_code == 1 and r.output.count("\n") == 1 and "cannot create the directory" in r.output, r.output


# 5. One bad file, each problem reported once ---------------------------------------------------------

@pytest.mark.parametrize("raw,pointers", [
    ({}, ["/format", "/format_version", "/issuers"]),
    ({"format": "x"}, ["/format", "/format_version", "/issuers"]),
    ({"format": "ler-verifier-trust-registry", "format_version": 1,
      "issuers": [{"identifiers": [{}]}, {}]}, ["/issuers/0/id", "/issuers/0/identifiers/0/value", "/issuers/0/name",
                                                 "/issuers/1/id", "/issuers/1/name"]),
])
def test_ler_import_reports_each_problem_once(raw, pointers):
    with pytest.raises(InvalidInput) as caught:
        parse_import("ler", json.dumps(raw).encode())
    got = [e.pointer for e in caught.value.errors]
    assert sorted(got) == sorted(pointers) and len(set(caught.value.errors)) == len(caught.value.errors)


def test_cli_ler_import_message_is_not_repeated(cli):
    r = cli("registry", "import", "--format", "ler", "-", input="{}")
    assert r.exit_code == 2
    for field in ("format", "format_version", "issuers"):
        assert r.output.count(f"'{field}' is required") == 1, r.output


async def test_http_ler_import_problem_is_not_repeated(service, admin_headers):
    body = await problem(await service.post("/admin/import", data=b"{}", headers=admin_headers), 422)
    assert sorted(names(body)) == ["/format", "/format_version", "/issuers"]
