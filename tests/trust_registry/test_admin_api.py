"""The admin sub-application over a real socket: auth, CRUD, ETags, import/export, audit paging."""

from __future__ import annotations

import asyncio
import json

import pytest

from tests.trust_registry.conftest import DCC_REGISTRY

ISSUER = {"name": "Example CC", "id": "ecc", "homepage": "https://ecc.edu", "country": "US",
          "external_ids": {"ipeds": "123456"},
          "identifiers": [{"value": "did:web:ecc.edu"}, {"value": "https://ecc.edu/issuer", "match": "exact"}],
          "authorizations": [{"credential_type": "OpenBadgeCredential"}]}


async def problem(resp, status: int) -> dict:
    assert resp.status == status, await resp.text()
    assert resp.headers["Content-Type"].startswith("application/problem+json")
    body = await resp.json(content_type=None)
    assert body["status"] == status and body["type"].startswith("https://") and body["title"]
    return body


def names(body: dict) -> list[str]:
    return [e.get("pointer", e.get("parameter", e.get("header"))) for e in body.get("errors", [])]


@pytest.mark.parametrize("headers,status", [
    ({}, 401),
    ({"Authorization": "Basic YTpi"}, 401),
    ({"Authorization": "Bearer"}, 401),
    ({"Authorization": "Bearer nonsense"}, 401),
    ({"Authorization": "Bearer ler_0123456789abcdef_" + "A" * 43}, 401),
])
async def test_admin_routes_need_a_key(service, tokens, headers, status):
    body = await problem(await service.get("/admin/issuers", headers=headers), status)
    assert "Bearer" in (await service.get("/admin/issuers", headers=headers)).headers["WWW-Authenticate"]
    assert body["instance"] == "/admin/issuers"


async def test_verify_key_is_forbidden_revoked_key_is_unknown_admin_key_works(service, tokens):
    await problem(await service.get("/admin/issuers", headers={"Authorization": f"Bearer {tokens['verify']}"}), 403)
    await problem(await service.get("/admin/issuers", headers={"Authorization": f"Bearer {tokens['revoked']}"}), 401)
    resp = await service.get("/admin/issuers", headers={"Authorization": f"bearer {tokens['admin']}"})
    assert resp.status == 200 and (await resp.json())["total"] == 0


async def test_unknown_route_and_method_are_problems(service, admin_headers):
    await problem(await service.get("/admin/nowhere", headers=admin_headers), 404)
    body = await problem(await service.put("/admin/issuers", headers=admin_headers, json={}), 405)
    assert body["detail"]


async def test_issuer_lifecycle_with_etags(service, admin_headers):
    h = admin_headers
    resp = await service.post("/admin/issuers", json=ISSUER, headers=h)
    assert resp.status == 201, await resp.text()
    created, etag = await resp.json(), resp.headers["ETag"]
    assert resp.headers["Location"] == "/admin/issuers/ecc" and created["revision"] == int(etag.strip('"'))
    resp = await service.get("/admin/issuers/ecc", headers=h)
    assert resp.headers["ETag"] == etag and (await resp.json()) == created

    await problem(await service.patch("/admin/issuers/ecc", json={"name": "X"}, headers=h), 428)
    body = await problem(await service.patch("/admin/issuers/ecc", json={"name": "X"},
                                             headers={**h, "If-Match": '"999"'}), 412)
    assert "changed since" in body["detail"]
    await problem(await service.patch("/admin/issuers/ecc", json={"name": "X"}, headers={**h, "If-Match": f"W/{etag}"}),
                  412)
    resp = await service.patch("/admin/issuers/ecc", json={"name": "Example College", "legal_name": None,
                                                            "authorizations": []}, headers={**h, "If-Match": etag})
    assert resp.status == 200, await resp.text()
    updated, etag2 = await resp.json(), resp.headers["ETag"]
    assert updated["name"] == "Example College" and updated["authorizations"] == [] and etag2 != etag
    resp = await service.patch("/admin/issuers/ecc", json={"notes": "n"}, headers={**h, "If-Match": f'"1", {etag2}'})
    assert resp.status == 200
    etag3 = resp.headers["ETag"]

    resp = await service.post("/admin/issuers/ecc/suspend", json={"reason": "accreditation review"}, headers=h)
    assert resp.status == 200 and (await resp.json())["status"] == "suspended"
    resp = await service.post("/admin/issuers/ecc/reinstate", headers=h)
    assert resp.status == 200 and (await resp.json())["status"] == "active"
    await problem(await service.post("/admin/issuers/ecc/revoke", headers={**h, "If-Match": etag3}), 412)

    await problem(await service.delete("/admin/issuers/ecc", headers=h), 428)
    current = (await service.get("/admin/issuers/ecc", headers=h)).headers["ETag"]
    resp = await service.delete("/admin/issuers/ecc", headers={**h, "If-Match": current})
    assert resp.status == 204
    body = await problem(await service.get("/admin/issuers/ecc", headers=h), 404)
    assert names(body) == ["issuer_id"]


async def test_identifier_routes(service, admin_headers):
    h = admin_headers
    await service.post("/admin/issuers", json=ISSUER, headers=h)
    resp = await service.post("/admin/issuers/ecc/identifiers", json={"value": "did:key:z6MkNew",
                                                                      "valid_from": "2026-01-01T00:00:00+02:00"},
                              headers=h)
    assert resp.status == 201, await resp.text()
    ident, etag = await resp.json(), resp.headers["ETag"]
    assert ident["valid_from"] == "2025-12-31T22:00:00Z" and resp.headers["Location"] == f"/admin/identifiers/{ident['id']}"
    listed = await (await service.get("/admin/issuers/ecc/identifiers", headers=h)).json()
    assert [i["value"] for i in listed["items"]] == ["did:web:ecc.edu", "https://ecc.edu/issuer", "did:key:z6MkNew"]
    found = await (await service.get("/admin/identifiers", params={"value": "DID:web:ECC.edu"}, headers=h)).json()
    assert [i["issuer_id"] for i in found["items"]] == ["ecc"]
    resp = await service.patch(f"/admin/identifiers/{ident['id']}", json={"verification_methods": ["did:key:z6MkNew#a"]},
                               headers={**h, "If-Match": etag})
    assert resp.status == 200 and (await resp.json())["verification_methods"] == ["did:key:z6MkNew#a"]
    resp = await service.post(f"/admin/identifiers/{ident['id']}/suspend", json={"reason": "rotating"}, headers=h)
    assert (await resp.json())["status"] == "suspended"
    body = await problem(await service.post("/admin/issuers/ecc/identifiers", json={"value": "did:web:ECC.EDU"},
                                            headers=h), 409)
    assert names(body) == ["/value"]
    current = (await service.get(f"/admin/identifiers/{ident['id']}", headers=h)).headers["ETag"]
    assert (await service.delete(f"/admin/identifiers/{ident['id']}", headers={**h, "If-Match": current})).status == 204
    await problem(await service.get(f"/admin/identifiers/{ident['id']}", headers=h), 404)


async def test_concurrent_updates_one_wins_one_gets_412(service, admin_headers):
    h = admin_headers
    resp = await service.post("/admin/issuers", json=ISSUER, headers=h)
    etag = resp.headers["ETag"]
    results = await asyncio.gather(*[
        service.patch("/admin/issuers/ecc", json={"notes": f"admin {n}"}, headers={**h, "If-Match": etag})
        for n in range(4)])
    assert sorted(r.status for r in results) == [200, 412, 412, 412]
    for r in results:
        await r.read()


async def test_list_search_and_paging(service, admin_headers):
    h = admin_headers
    for n in range(5):
        await service.post("/admin/issuers", json={"name": f"College {n}", "identifiers": [{"value": f"did:key:z{n}"}]},
                           headers=h)
    page = await (await service.get("/admin/issuers", params={"limit": "2", "offset": "2"}, headers=h)).json()
    assert page["total"] == 5 and [i["name"] for i in page["items"]] == ["College 2", "College 3"]
    found = await (await service.get("/admin/issuers", params={"q": "DID:KEY:Z4"}, headers=h)).json()
    assert [i["name"] for i in found["items"]] == ["College 4"]


async def test_registries_import_export_audit_version(service, admin_headers, tokens):
    h = admin_headers
    resp = await service.post("/admin/registries", json={"name": "state", "priority": 5}, headers=h)
    assert resp.status == 201 and resp.headers["Location"] == "/admin/registries/state"
    regs = await (await service.get("/admin/registries", headers=h)).json()
    assert [r["name"] for r in regs["items"]] == ["local", "state"]
    etag = resp.headers["ETag"]
    resp = await service.patch("/admin/registries/state", json={"priority": -5}, headers={**h, "If-Match": etag})
    assert (await resp.json())["priority"] == -5
    csv_text = "name,identifier\nCSV College,did:key:zCsv\n"
    resp = await service.post("/admin/import", params={"format": "csv", "registry": "state"}, data=csv_text, headers=h)
    assert resp.status == 200 and (await resp.json())["created"] == 1
    exported = await service.get("/admin/export", params={"format": "ler"}, headers=h)
    assert exported.status == 200 and exported.headers["Content-Type"].startswith("application/json")
    doc = await exported.json()
    resp = await service.post("/admin/import", params={"format": "ler"}, data=json.dumps(doc), headers=h)
    assert (await resp.json())["unchanged"] == 1
    csv_out = await (await service.get("/admin/export", params={"format": "csv"}, headers=h)).text()
    assert "CSV College" in csv_out
    await problem(await service.get("/admin/export", params={"registry": "nope"}, headers=h), 404)
    version = (await (await service.get("/admin/version", headers=h)).json())["version"]
    assert version == 3

    seen, url = [], "/admin/audit?limit=2"
    while url:
        page = await (await service.get(url, headers=h)).json()
        seen.extend(page["items"])
        url = page["next"]
    assert [e["id"] for e in seen] == sorted((e["id"] for e in seen), reverse=True)
    writes = [(e["actor"], e["action"], e["entity"]) for e in seen if e["entity"] != "api_key"]
    assert writes == [("alice", "import", "issuer"), ("alice", "update", "registry"), ("alice", "create", "registry")]
    only = await (await service.get("/admin/audit", params={"entity": "registry", "entity_id": "state"}, headers=h)).json()
    assert len(only["items"]) == 2 and only["next"] is None


@pytest.mark.skipif(not DCC_REGISTRY.exists(), reason="shared vectors not found (set LER_VECTORS)")
async def test_dcc_import_over_http(service, admin_headers):
    resp = await service.post("/admin/import", params={"format": "dcc-legacy"}, data=DCC_REGISTRY.read_bytes(),
                              headers=admin_headers)
    summary = await resp.json()
    assert resp.status == 200 and summary["created"] > 30 and summary["registries_created"] == ["dcc-legacy"]
