"""TRQP v2 authorization queries (POST /trqp/authorization) against a real server."""

from __future__ import annotations

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from tests.trust_registry.test_admin_api import names, problem
from trust_registry.admin import create_trqp_app
from trust_registry.issuers import create_issuer
from trust_registry.lookup import TrustRegistry
from trust_registry.model import Authorization, Identifier, Issuer, Registry
from trust_registry.registries import create_registry


@pytest.fixture
async def seeded(engine):
    async with engine.begin() as conn:
        await create_registry(conn, registry=Registry(name="state", priority=5, authority_id="did:web:state.example"),
                              actor="t")
        await create_issuer(conn, issuer=Issuer(id="ecc", name="Example CC", identifiers=(
            Identifier(value="did:web:ecc.edu"),), authorizations=(Authorization(credential_type="OpenBadgeCredential"),)),
            actor="t")
        await create_issuer(conn, issuer=Issuer(id="su", registry="state", name="State U", status="suspended",
                                                identifiers=(Identifier(value="did:key:z6MkState"),)), actor="t")


def query(entity="did:web:ecc.edu", authority="did:web:operator.example", action="issue",
          resource="OpenBadgeCredential", **extra) -> dict:
    return {"entity_id": entity, "authority_id": authority, "action": action, "resource": resource, **extra}


async def test_authorized(service, seeded):
    resp = await service.post("/trqp/authorization", json=query(context={"time": "2026-03-01T00:00:00Z"}))
    assert resp.status == 200
    body = await resp.json()
    assert body == {"entity_id": "did:web:ecc.edu", "authority_id": "did:web:operator.example", "action": "issue",
                    "resource": "OpenBadgeCredential", "authorized": True, "time_requested": "2026-03-01T00:00:00Z",
                    "time_evaluated": "2026-03-01T00:00:00Z", "message": body["message"],
                    "context": {"time": "2026-03-01T00:00:00Z"}}
    assert "Example CC" in body["message"]


@pytest.mark.parametrize("q,authorized,fragment", [
    (query(resource="ClrCredential"), False, "not authorised"),
    (query(action="verify"), False, "not supported"),
    (query(entity="did:key:z6MkState", authority="state"), False, "suspended"),
    (query(entity="did:key:z6MkState", authority="did:web:state.example"), False, "suspended"),
    (query(entity="DID:web:ECC.edu", authority="local"), True, "listed"),
])
async def test_answers(service, seeded, q, authorized, fragment):
    resp = await service.post("/trqp/authorization", json=q)
    body = await resp.json()
    assert resp.status == 200 and body["authorized"] is authorized and fragment in body["message"]
    assert "time_evaluated" in body and "time_requested" not in body


@pytest.mark.parametrize("q,status,pointer", [
    (query(entity="did:web:nobody.edu"), 404, "/entity_id"),
    (query(entity="did:web:ecc.edu", authority="state"), 404, "/entity_id"),
    (query(authority="did:web:stranger.example"), 404, "/authority_id"),
    ({"entity_id": "did:web:ecc.edu"}, 422, "/authority_id"),
    (query(resource=5), 422, "/resource"),
    (query(context={"time": "yesterday"}), 422, "/context/time"),
    (query(context={"time": 5}), 422, "/context/time"),
    (query(context="now"), 422, "/context"),
])
async def test_problems(service, seeded, q, status, pointer):
    assert pointer in names(await problem(await service.post("/trqp/authorization", json=q), status))


async def test_oversized_and_not_json(service):
    await problem(await service.post("/trqp/authorization", json=query(resource="x" * 70_000)), 413)
    await problem(await service.post("/trqp/authorization", data="{", headers={"Content-Type": "application/json"}), 400)


async def test_shared_registry_handle_and_required_key(db_url, seeded, tokens):
    handle = await TrustRegistry.open(db_url, migrate_schema=False)
    root = web.Application()
    root.add_subapp("/trqp", create_trqp_app(registry=handle, authority_id="op", require_key=True))
    client = TestClient(TestServer(root))
    await client.start_server()
    try:
        await problem(await client.post("/trqp/authorization", json=query(authority="op")), 401)
        for token in (tokens["verify"], tokens["admin"]):
            resp = await client.post("/trqp/authorization", json=query(authority="op"),
                                     headers={"Authorization": f"Bearer {token}"})
            assert resp.status == 200 and (await resp.json())["authorized"] is True
        await problem(await client.post("/trqp/authorization", json=query(authority="op"),
                                        headers={"Authorization": f"Bearer {tokens['revoked']}"}), 401)
    finally:
        await client.close()
        await handle.close()


def test_factory_needs_one_source():
    with pytest.raises(ValueError):
        create_trqp_app()
