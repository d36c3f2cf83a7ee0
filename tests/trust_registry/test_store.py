"""Store functions on SQLite and PostgreSQL: CRUD, revisions, duplicates, audit rows, versions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.trust_registry.conftest import NOW
from trust_registry import audit
from trust_registry.errors import Conflict, InvalidInput, NotFound, PreconditionFailed
from trust_registry.identifiers import (add_identifier, delete_identifier, find_identifiers, get_identifier,
                                        set_identifier_status, update_identifier)
from trust_registry.issuers import (create_issuer, delete_issuer, get_issuer, list_issuers, set_issuer_status,
                                    update_issuer)
from trust_registry.model import Authorization, Identifier, Issuer, Registry
from trust_registry.registries import create_registry, delete_registry, list_registries, update_registry
from trust_registry.schema import identifiers, issuers


def example(**kw) -> Issuer:
    base = dict(name="Example Community College", id="ecc", legal_name="Example CC District",
                homepage="https://example.edu/", country="US", sector="community_college",
                external_ids={"ipeds": "123456", "ror": "https://ror.org/00example"},
                identifiers=(Identifier(value="did:web:example.edu"),
                             Identifier(value="https://example.edu/issuers/1")),
                authorizations=(Authorization(credential_type="OpenBadgeCredential"),))
    base.update(kw)
    return Issuer(**base)


async def test_create_get_list_update_delete_issuer(engine):
    async with engine.begin() as conn:
        created = await create_issuer(conn, issuer=example(), actor="alice", now=NOW)
    assert created.id == "ecc" and created.revision == 1 and created.created_at == NOW
    assert all(i.id and i.issuer_id == "ecc" for i in created.identifiers)
    async with engine.connect() as conn:
        got = await get_issuer(conn, issuer_id="ecc")
        page, total = await list_issuers(conn, q="EXAMPLE.EDU")
    assert got == created
    assert total == 1 and page[0].id == "ecc"
    async with engine.begin() as conn:
        updated = await update_issuer(conn, issuer_id="ecc", changes={"name": "Example College", "notes": "renamed"},
                                      actor="alice", expected_revision=1, now=NOW + timedelta(days=1))
    assert updated.name == "Example College" and updated.revision == 2 and updated.created_at == NOW
    async with engine.begin() as conn:
        await delete_issuer(conn, issuer_id="ecc", actor="alice", expected_revision=2)
    async with engine.connect() as conn:
        with pytest.raises(NotFound):
            await get_issuer(conn, issuer_id="ecc")
        assert (await conn.execute(select(func.count()).select_from(identifiers))).scalar_one() == 0


async def test_every_write_is_audited_and_bumps_the_version(engine):
    steps = []
    async with engine.begin() as conn:
        steps.append(await create_issuer(conn, issuer=example(), actor="alice"))
    async with engine.begin() as conn:
        steps.append(await update_issuer(conn, issuer_id="ecc", changes={"country": "CA"}, actor="bob"))
    async with engine.begin() as conn:
        steps.append(await set_issuer_status(conn, issuer_id="ecc", status="suspended", reason="audit", actor="carol"))
    ident_id = steps[0].identifiers[0].id
    async with engine.begin() as conn:
        steps.append(await update_identifier(conn, identifier_id=ident_id, changes={"valid_from": NOW}, actor="dan"))
    async with engine.begin() as conn:
        steps.append(await set_identifier_status(conn, identifier_id=ident_id, status="revoked", reason="key lost",
                                                 actor="erin"))
    async with engine.begin() as conn:
        steps.append(await add_identifier(conn, issuer_id="ecc", identifier=Identifier(value="did:key:z6MkNew"),
                                          actor="fay"))
    async with engine.begin() as conn:
        steps.append(await delete_identifier(conn, identifier_id=ident_id, actor="gus"))
    async with engine.begin() as conn:
        steps.append(await create_registry(conn, registry=Registry(name="state", priority=5), actor="hal"))
    async with engine.begin() as conn:
        steps.append(await update_registry(conn, name="state", changes={"priority": 7}, actor="ivy"))
    async with engine.begin() as conn:
        await delete_registry(conn, name="state", actor="jo")
    async with engine.begin() as conn:
        await delete_issuer(conn, issuer_id="ecc", actor="kim")
    async with engine.connect() as conn:
        entries = list(reversed(await audit.list_audit(conn, limit=100)))
        version = await audit.current_version(conn)
    assert [(e.actor, e.action, e.entity) for e in entries] == [
        ("alice", "create", "issuer"), ("bob", "update", "issuer"), ("carol", "suspend", "issuer"),
        ("dan", "update", "identifier"), ("erin", "revoke", "identifier"), ("fay", "create", "identifier"),
        ("gus", "delete", "identifier"), ("hal", "create", "registry"), ("ivy", "update", "registry"),
        ("jo", "delete", "registry"), ("kim", "delete", "issuer")]
    assert [e.registry_version for e in entries] == list(range(1, 12)) and version == 11
    assert entries[0].before is None and entries[0].after["name"] == "Example Community College"
    assert entries[1].before["country"] == "US" and entries[1].after["country"] == "CA"
    assert entries[2].after["status"] == "suspended" and entries[2].after["status_reason"] == "audit"
    assert entries[4].before["status"] == "active" and entries[4].after["status"] == "revoked"
    assert entries[-1].after is None and entries[-1].before["id"] == "ecc"


async def test_a_failed_write_leaves_no_audit_row_and_no_version(engine):
    async with engine.begin() as conn:
        await create_issuer(conn, issuer=example(), actor="alice")
    with pytest.raises(PreconditionFailed) as info:
        async with engine.begin() as conn:
            await update_issuer(conn, issuer_id="ecc", changes={"name": "X"}, actor="bob", expected_revision=99)
    assert info.value.current_revision == 1
    async with engine.connect() as conn:
        assert await audit.current_version(conn) == 1
        assert len(await audit.list_audit(conn)) == 1
        assert (await get_issuer(conn, issuer_id="ecc")).name == "Example Community College"


async def test_the_store_never_commits_behind_the_callers_back(engine):
    async with engine.connect() as conn:
        await create_issuer(conn, issuer=example(), actor="alice")
        await conn.rollback()
    async with engine.connect() as conn:
        assert (await conn.execute(select(func.count()).select_from(issuers))).scalar_one() == 0
        assert await audit.current_version(conn) == 0


async def test_identifier_revision_is_also_the_issuers(engine):
    async with engine.begin() as conn:
        issuer = await create_issuer(conn, issuer=example(), actor="a")
        ident = await update_identifier(conn, identifier_id=issuer.identifiers[0].id, changes={"status": "suspended"},
                                        actor="a", expected_revision=issuer.identifiers[0].revision)
        again = await get_issuer(conn, issuer_id="ecc")
    assert ident.revision == again.revision == 2
    with pytest.raises(PreconditionFailed):
        async with engine.begin() as conn:
            await update_identifier(conn, identifier_id=ident.id, changes={"status": "active"}, actor="a",
                                    expected_revision=1)


@pytest.mark.parametrize("dup", ["did:web:example.edu", "did:web:EXAMPLE.EDU", "HTTPS://Example.Edu/issuers/1"])
async def test_an_identifier_is_listed_once_per_registry(engine, dup):
    async with engine.begin() as conn:
        await create_issuer(conn, issuer=example(), actor="a")
    with pytest.raises(Conflict) as info:
        async with engine.begin() as conn:
            await create_issuer(conn, issuer=example(id="other", identifiers=(Identifier(value="did:key:z1"),
                                                                               Identifier(value=dup))), actor="a")
    assert info.value.pointer == "/identifiers/1/value"
    with pytest.raises(Conflict):
        async with engine.begin() as conn:
            await create_issuer(conn, issuer=example(), actor="a")
    async with engine.begin() as conn:  # another registry may list the same identifier
        await create_registry(conn, registry=Registry(name="state"), actor="a")
        await create_issuer(conn, issuer=example(id="other", registry="state"), actor="a")
        assert len(await find_identifiers(conn, value="did:web:Example.EDU")) == 2


async def test_case_and_trailing_slash_make_different_identifiers(engine):
    values = ["did:key:z6MkAbc", "did:key:z6Mkabc", "did:web:example.edu:Issuers", "did:web:example.edu:issuers",
              "https://example.edu/a", "https://example.edu/a/", "https://example.edu/A"]
    async with engine.begin() as conn:
        await create_issuer(conn, issuer=example(identifiers=tuple(Identifier(value=v) for v in values)), actor="a")
    async with engine.connect() as conn:
        for v in values:
            found = await find_identifiers(conn, value=v)
            assert [f.value for f in found] == [v]


@pytest.mark.parametrize("issuer,pointer", [
    (example(name="  "), "/name"),
    (example(status="paused"), "/status"),
    (example(identifiers=(Identifier(value="did:web:a.edu", match="did_web_host"), Identifier(value="x", match="fuzzy"))),
     "/identifiers/1/match"),
    (example(identifiers=(Identifier(value="did:web:a.edu:path", match="did_web_host"),)), "/identifiers/0/value"),
    (example(identifiers=(Identifier(value="did:web:a.edu"), Identifier(value="did:web:A.EDU"))), "/identifiers/1/value"),
    (example(identifiers=(Identifier(value="did:key:z", valid_from=NOW, valid_until=NOW),)), "/identifiers/0/valid_until"),
    (example(authorizations=(Authorization(valid_from=NOW, valid_until=NOW - timedelta(1)),)),
     "/authorizations/0/valid_until"),
])
async def test_semantic_rules_name_the_field(engine, issuer, pointer):
    with pytest.raises(InvalidInput) as info:
        async with engine.begin() as conn:
            await create_issuer(conn, issuer=issuer, actor="a")
    assert pointer in [e.pointer for e in info.value.errors]


async def test_unknown_registry_and_ids(engine):
    with pytest.raises(NotFound) as info:
        async with engine.begin() as conn:
            await create_issuer(conn, issuer=example(registry="nope"), actor="a")
    assert info.value.pointer == "/registry"
    async with engine.begin() as conn:
        for call in (update_issuer(conn, issuer_id="x", changes={"name": "n"}, actor="a"),
                     delete_issuer(conn, issuer_id="x", actor="a"),
                     get_identifier(conn, identifier_id="x"),
                     add_identifier(conn, issuer_id="x", identifier=Identifier(value="did:key:z"), actor="a")):
            with pytest.raises(NotFound):
                await call


async def test_registries_by_priority_and_delete_only_when_empty(engine):
    async with engine.begin() as conn:
        await create_registry(conn, registry=Registry(name="imported", priority=50), actor="a")
        await create_registry(conn, registry=Registry(name="early", priority=-1), actor="a")
        assert [r.name for r in await list_registries(conn)] == ["early", "local", "imported"]
        await create_issuer(conn, issuer=example(registry="imported"), actor="a")
    with pytest.raises(Conflict):
        async with engine.begin() as conn:
            await delete_registry(conn, name="imported", actor="a")
    with pytest.raises(Conflict):
        async with engine.begin() as conn:
            await create_registry(conn, registry=Registry(name="early"), actor="a")


async def test_search_is_case_insensitive_and_escapes_wildcards(engine):
    async with engine.begin() as conn:
        await create_issuer(conn, issuer=example(), actor="a")
        await create_issuer(conn, issuer=example(id="u1", name="State University 100%",
                                                 identifiers=(Identifier(value="did:key:zU"),)), actor="a")
        assert [i.id for i in (await list_issuers(conn, q="university"))[0]] == ["u1"]
        assert [i.id for i in (await list_issuers(conn, q="100%"))[0]] == ["u1"]
        assert (await list_issuers(conn, q="%"))[1] == 1
        assert (await list_issuers(conn, q="_"))[1] == 0
        page, total = await list_issuers(conn, limit=1, offset=1)
        assert total == 2 and [i.id for i in page] == ["u1"]
