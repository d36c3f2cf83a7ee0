"""Import and export: our format round-trips exactly (within and across backends), CSV round-trips,
the DCC legacy example imports and answers every DCC fixture of the shared corpus as listed."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from tests.trust_registry.conftest import (DCC_REGISTRY, NOW, VECTORS, _pg_problem, create_pg_database,
                                          drop_pg_database)
from trust_registry import audit
from trust_registry.db import create_engine
from trust_registry.dcc import dcc_issuer_id
from trust_registry.errors import Conflict, InvalidInput
from trust_registry.exchange import apply_import
from trust_registry.formats import export_as, parse_import
from trust_registry.issuers import create_issuer, get_issuer
from trust_registry.lookup import TrustRegistry
from trust_registry.migrate import migrate
from trust_registry.model import Authorization, Identifier, Issuer, Registry
from trust_registry.registries import create_registry

needs_vectors = pytest.mark.skipif(not DCC_REGISTRY.exists(),
                                   reason=f"shared vectors not found at {VECTORS} (set LER_VECTORS)")


async def seed(engine):
    async with engine.begin() as conn:
        await create_registry(conn, registry=Registry(name="state", priority=10, description="State system",
                                                      authority_id="did:web:state.example"), actor="t", now=NOW)
        await create_issuer(conn, issuer=Issuer(
            id="ecc", name="Example CC ✓", legal_name="Example Community College District", homepage="https://ecc.edu",
            logo_url="https://ecc.edu/logo.png", country="US", location="Springfield, IL", sector="community_college",
            external_ids={"ipeds": "123456", "ror": "https://ror.org/00x", "note": "has space"}, accreditor="HLC",
            notes="line one\nline two, with \"quotes\"", status="suspended", status_reason="review",
            identifiers=(Identifier(value="did:web:ecc.edu"),
                         Identifier(value="did:web:cdn.ecc.edu", match="did_web_host"),
                         Identifier(value="https://ecc.edu/issuer/", valid_from=NOW, valid_until=NOW + timedelta(days=3),
                                    status="revoked", status_reason="rotated",
                                    verification_methods=("https://ecc.edu/issuer/#k1", "https://ecc.edu/issuer/#k2"))),
            authorizations=(Authorization(credential_type="OpenBadgeCredential"),
                            Authorization(credential_type="ClrCredential", valid_from=NOW,
                                          valid_until=NOW + timedelta(days=365, microseconds=5)),
                            Authorization(valid_until=NOW))), actor="t", now=NOW)
        await create_issuer(conn, issuer=Issuer(id="u2", registry="state", name="State U",
                                                identifiers=(Identifier(value="did:key:z6MkState"),)), actor="t",
                            now=NOW + timedelta(seconds=1))
        await create_issuer(conn, issuer=Issuer(id="bare", name="No identifiers yet"), actor="t")


async def export_text(engine, fmt, **kw) -> str:
    async with engine.connect() as conn:
        return await export_as(conn, fmt, **kw)


async def import_text(engine, fmt, text, **kw):
    async with engine.begin() as conn:
        return await apply_import(conn, document=parse_import(fmt, text.encode()), actor="importer", **kw)


async def test_own_format_round_trips_exactly(engine, tmp_path):
    await seed(engine)
    first = await export_text(engine, "ler")
    target_url = f"sqlite+aiosqlite:///{tmp_path / 'copy.sqlite3'}"
    await migrate(target_url)
    target = create_engine(target_url)
    try:
        summary = await import_text(target, "ler", first)
        assert (summary.created, summary.updated, summary.unchanged) == (3, 0, 0)
        assert await export_text(target, "ler") == first
        again = await import_text(target, "ler", first)            # importing it again changes nothing
        assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
        assert await export_text(target, "ler") == first
    finally:
        await target.dispose()
    doc = json.loads(first)
    assert doc["format"] == "ler-verifier-trust-registry" and [r["name"] for r in doc["registries"]] == ["local", "state"]


async def test_own_format_round_trips_across_backends(engine, backend, tmp_path):
    """SQLite -> PostgreSQL and PostgreSQL -> SQLite give the same export."""
    if _pg_problem():
        pytest.skip(_pg_problem())
    await seed(engine)
    first = await export_text(engine, "ler")
    if backend == "sqlite":
        other_url = await create_pg_database()
    else:
        other_url = f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}"
        await migrate(other_url)
    other = create_engine(other_url)
    try:
        await import_text(other, "ler", first)
        assert await export_text(other, "ler") == first
    finally:
        await other.dispose()
        if backend == "sqlite":
            await drop_pg_database(other_url)


async def test_csv_round_trips(engine, tmp_path):
    await seed(engine)
    first = await export_text(engine, "csv")
    target_url = f"sqlite+aiosqlite:///{tmp_path / 'csv.sqlite3'}"
    await migrate(target_url)
    target = create_engine(target_url)
    try:
        await import_text(target, "csv", first)
        assert await export_text(target, "csv") == first
        async with target.connect() as conn:
            ecc = await get_issuer(conn, issuer_id="ecc")
        assert ecc.external_ids["note"] == "has space" and len(ecc.authorizations) == 3
        assert ecc.identifiers[2].verification_methods == ("https://ecc.edu/issuer/#k1", "https://ecc.edu/issuer/#k2")
    finally:
        await target.dispose()


async def test_import_audits_each_issuer_and_bumps_the_version_once(engine):
    await seed(engine)
    async with engine.connect() as conn:
        before = await audit.current_version(conn)
    text = await export_text(engine, "ler")
    doc = json.loads(text)
    next(i for i in doc["issuers"] if i["id"] == "ecc")["name"] = "Renamed"
    doc["issuers"] = [i for i in doc["issuers"] if i["id"] != "bare"]
    summary = await import_text(engine, "ler", json.dumps(doc), mode="replace", scope=["local"])
    assert (summary.updated, summary.unchanged, summary.deleted) == (1, 1, 1)
    assert summary.version == before + 1
    async with engine.connect() as conn:
        entries = await audit.list_audit(conn, limit=10)
    recent = [e for e in entries if e.registry_version == summary.version]
    assert sorted((e.action, e.entity_id, e.before is None, e.after is None) for e in recent) == [
        ("import", "bare", False, True), ("import", "ecc", False, False)]
    renamed = next(e for e in recent if e.entity_id == "ecc")
    assert renamed.before["name"] == "Example CC ✓" and renamed.after["name"] == "Renamed"
    assert renamed.after["created_at"] == renamed.before["created_at"]


@needs_vectors
async def test_dcc_legacy_example_imports(engine, db_url):
    raw = DCC_REGISTRY.read_bytes()
    source = json.loads(raw)["registry"]
    async with engine.begin() as conn:
        summary = await apply_import(conn, document=parse_import("dcc-legacy", raw), actor="t")
    assert summary.created == len(source) and summary.registries_created == ["dcc-legacy"]
    async with engine.begin() as conn:
        summary = await apply_import(conn, document=parse_import("dcc-legacy", raw), actor="t")
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, len(source))
    exported = json.loads(await export_text(engine, "dcc-legacy", registry="dcc-legacy"))
    assert exported["registry"] == source
    async with engine.connect() as conn:
        did = next(iter(source))
        stored = await get_issuer(conn, issuer_id=dcc_issuer_id("dcc-legacy", did))
    assert stored.name == source[did]["name"] and stored.homepage == source[did].get("url")


def _dcc_fixtures():
    manifest = VECTORS / "MANIFEST.json"
    if not manifest.exists():
        return []
    out = []
    for entry in json.loads(manifest.read_text()):
        if not entry["id"].startswith("dcc-"):
            continue
        path = VECTORS / entry["file"]
        issuer = entry.get("issuer")
        if path.suffix == ".json":
            cred = json.loads(path.read_text())
            cred = cred.get("verifiableCredential", [cred])[0] if "verifiableCredential" in cred else cred
            found = cred.get("issuer")
            issuer = found.get("id") if isinstance(found, dict) else found
        types = entry.get("types") or ["VerifiableCredential", "OpenBadgeCredential"]
        out.append((entry["id"], issuer, types))
    return out


@needs_vectors
async def test_every_dcc_fixture_is_trusted_exactly_when_listed(engine, db_url):
    source = json.loads(DCC_REGISTRY.read_text())["registry"]
    fixtures = _dcc_fixtures()
    assert fixtures, "no DCC fixtures in the manifest"
    async with engine.begin() as conn:
        await apply_import(conn, document=parse_import("dcc-legacy", DCC_REGISTRY.read_bytes()), actor="t")
    handle = await TrustRegistry.open(db_url, migrate_schema=False)
    try:
        snap = await handle.snapshot()
        wrong = []
        for fid, issuer, types in fixtures:
            d = snap.decide(issuer_id=issuer, credential_types=types, at=NOW)
            if d.trusted is not (issuer in source):
                wrong.append((fid, issuer, d.trusted))
        assert wrong == []
        listed = sum(1 for _, issuer, _ in fixtures if issuer in source)
        assert 0 < listed < len(fixtures)     # the corpus has both kinds
    finally:
        await handle.close()


@pytest.mark.parametrize("fmt,text,pointer", [
    ("ler", "{", ""),
    ("ler", "[]", ""),
    ("ler", '{"format": "other", "format_version": 1, "issuers": []}', "/format"),
    ("ler", '{"format": "ler-verifier-trust-registry", "format_version": 1, "issuers": [{"id": "a"}]}',
     "/issuers/0/name"),
    ("ler", '{"format": "ler-verifier-trust-registry", "format_version": 1, "issuers": '
            '[{"id": "a", "name": "A", "created_at": "yesterday"}]}', "/issuers/0/created_at"),
    ("ler", '{"format": "ler-verifier-trust-registry", "format_version": 1, "issuers": '
            '[{"id": "a", "name": "A"}, {"id": "a", "name": "B"}]}', "/issuers/1/id"),
    ("ler", '{"format": "ler-verifier-trust-registry", "format_version": 1, "issuers": '
            '[{"id": "a", "name": "A", "identifiers": [{"value": "did:key:z1"}]},'
            ' {"id": "b", "name": "B", "identifiers": [{"value": "did:key:z1"}]}]}', "/issuers/1/identifiers/0/value"),
    ("dcc-legacy", '{"registry": {"did:key:z1": {"location": "x"}}}', "/registry/did:key:z1/name"),
    ("dcc-legacy", '{"registry": {"did:key:z1": {"name": 5}}}', "/registry/did:key:z1/name"),
    ("dcc-legacy", '{"registry": {"a/b": {"name": 5}}}', "/registry/a~1b/name"),
    ("dcc-legacy", '{"registry": {"did:key:z\\u0000": {"name": "n"}}}', "/registry/did:key:z\x00"),
    ("dcc-legacy", '{"meta": {}}', "/registry"),
    ("csv", "name,colour\nA,red\n", "/columns/colour"),
    ("csv", "identifier\ndid:key:z1\n", "/columns/name"),
    ("csv", "name,identifier,valid_from\nA,did:key:z1,soon\n", "/rows/0/valid_from"),
    ("csv", "name,identifier,match\nA,did:key:z1,fuzzy\n", "/rows/0/match"),
    ("csv", "name,homepage\nA,ftp://x\n", "/rows/0/homepage"),
    ("csv", "issuer_id,name,country\nx,A,US\nx,A,CA\n", "/rows/1/country"),
    ("csv", "name,authorizations\nA,Type@2020-01-01T00:00:00Z\n", "/rows/0/authorizations"),
    ("csv", "name,external_ids\nA,ror\n", "/rows/0/external_ids"),
    ("csv", "name\nA,extra\n", "/rows/0"),
])
async def test_bad_import_files_name_the_field(engine, fmt, text, pointer):
    with pytest.raises(InvalidInput) as info:
        await import_text(engine, fmt, text)
    assert pointer in [e.pointer for e in info.value.errors], info.value.errors
    async with engine.connect() as conn:
        assert await audit.current_version(conn) == 0


async def test_import_refuses_identifiers_other_issuers_hold(engine):
    await seed(engine)
    text = "registry,issuer_id,name,identifier\nlocal,new,New,did:web:ECC.edu\n"
    with pytest.raises(Conflict) as info:
        await import_text(engine, "csv", text)
    assert info.value.pointer == "/rows/0/identifiers/0/value"


async def test_non_utf8_and_unknown_format(engine):
    with pytest.raises(InvalidInput):
        parse_import("csv", b"name\n\xff\xfe\n")
    with pytest.raises(InvalidInput):
        parse_import("xml", b"<a/>")
