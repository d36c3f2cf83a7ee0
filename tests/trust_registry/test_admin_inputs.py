"""Every bad admin input is a 4xx ProblemDetails naming the field, never a 500."""

from __future__ import annotations

import io
import json
import random

import pytest

from tests.trust_registry.test_admin_api import ISSUER, names, problem

DEEP = {"name": "A", "notes": json.loads("[" * 40 + "]" * 40)}

# (body, status, pointer that must be named)
CREATE_CASES = [
    ({}, 422, "/name"),
    ({"name": 5}, 422, "/name"),
    ({"name": ""}, 422, "/name"),
    ({"name": "x" * 501}, 422, "/name"),
    ({"name": None}, 422, "/name"),
    ({"name": "A", "colour": "red"}, 422, "/colour"),
    ({"name": "A", "id": "bad id"}, 422, "/id"),
    ({"name": "A", "id": 7}, 422, "/id"),
    ({"name": "A", "registry": "Bad Name"}, 422, "/registry"),
    ({"name": "A", "registry": "nope"}, 422, "/registry"),
    ({"name": "A", "status": "paused"}, 422, "/status"),
    ({"name": "A", "homepage": "javascript:alert(1)"}, 422, "/homepage"),
    ({"name": "A", "logo_url": "https://"}, 422, "/logo_url"),
    ({"name": "A", "external_ids": {"ror": 5}}, 422, "/external_ids/ror"),
    ({"name": "A", "external_ids": {"Bad Key": "x"}}, 422, "/external_ids/Bad Key"),
    ({"name": "A", "external_ids": []}, 422, "/external_ids"),
    ({"name": "A", "identifiers": "did:key:z"}, 422, "/identifiers"),
    ({"name": "A", "identifiers": [{}]}, 422, "/identifiers/0/value"),
    ({"name": "A", "identifiers": [{"value": ""}]}, 422, "/identifiers/0/value"),
    ({"name": "A", "identifiers": [{"value": "did:key:a b"}]}, 422, "/identifiers/0/value"),
    ({"name": "A", "identifiers": [{"value": "did:key:z", "valid_from": "tomorrow"}]}, 422, "/identifiers/0/valid_from"),
    ({"name": "A", "identifiers": [{"value": "did:key:z", "valid_from": "2026-01-01"}]}, 422,
     "/identifiers/0/valid_from"),
    ({"name": "A", "identifiers": [{"value": "did:key:z", "valid_from": "9999-12-31T23:00:00-05:00"}]}, 422,
     "/identifiers/0/valid_from"),
    ({"name": "A", "identifiers": [{"value": "did:key:z", "valid_from": "2026-02-30T00:00:00Z"}]}, 422,
     "/identifiers/0/valid_from"),
    ({"name": "A", "identifiers": [{"value": "did:key:z", "valid_from": "2026-01-02T00:00:00Z",
                                    "valid_until": "2026-01-01T00:00:00Z"}]}, 422, "/identifiers/0/valid_until"),
    ({"name": "A", "identifiers": [{"value": "did:key:z", "match": "fuzzy"}]}, 422, "/identifiers/0/match"),
    ({"name": "A", "identifiers": [{"value": "did:web:x.edu:p", "match": "did_web_host"}]}, 422, "/identifiers/0/value"),
    ({"name": "A", "identifiers": [{"value": "did:key:z", "verification_methods": "did:key:z#a"}]}, 422,
     "/identifiers/0/verification_methods"),
    ({"name": "A", "identifiers": [{"value": "did:key:z", "verification_methods": ["a", "a"]}]}, 422,
     "/identifiers/0/verification_methods"),
    ({"name": "A", "identifiers": [{"value": "did:key:z", "status": "gone"}]}, 422, "/identifiers/0/status"),
    ({"name": "A", "identifiers": [{"value": "did:key:z", "extra": 1}]}, 422, "/identifiers/0/extra"),
    ({"name": "A", "identifiers": [{"value": "did:key:z"}, {"value": "did:key:z"}]}, 422, "/identifiers/1/value"),
    ({"name": "A", "identifiers": [{"value": "did:key:z"}] * 101}, 422, "/identifiers"),
    ({"name": "A", "authorizations": [{"credential_type": ""}]}, 422, "/authorizations/0/credential_type"),
    ({"name": "A", "authorizations": [{"credential_type": 3}]}, 422, "/authorizations/0/credential_type"),
    ({"name": "A", "authorizations": [{"valid_from": "2026-01-02T00:00:00Z", "valid_until": "2026-01-01T00:00:00Z"}]},
     422, "/authorizations/0/valid_until"),
    ({"name": "A\u0000"}, 422, "/name"),
    ({"name": "A", "notes": "x\u0000y"}, 422, "/notes"),
    ({"name": "A", "external_ids": {"ok\u0000": "x"}}, 422, "/external_ids/ok\u0000"),
    (DEEP, 422, "/notes/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0"),
    ([], 422, ""),
    ("just a string", 422, ""),
]


@pytest.mark.parametrize("body,status,pointer", CREATE_CASES)
async def test_bad_issuer_bodies(service, admin_headers, body, status, pointer):
    body_json = await problem(await service.post("/admin/issuers", json=body, headers=admin_headers), status)
    assert pointer in names(body_json), body_json


@pytest.mark.parametrize("raw,status", [
    ('{"name": "\\ud800"}', 400),           # lone surrogate: not Unicode text
    ('{"name": "A",}', 400),
    ("{", 400),
    ("", 400),
    ("NaN", 422),
    ("null", 422),
    ('{"name": "A"} trailing', 400),
    ("1" * 5000, 400),                     # beyond Python's int digit limit
    ("[" * 11_000 + "]" * 11_000, 413),    # over the 20 kB cap first
    ("[" * 5000 + "]" * 5000, 400),        # too deep for the JSON parser
])
async def test_bad_json_text(service, admin_headers, raw, status):
    resp = await service.post("/admin/issuers", data=raw.encode("utf-8", "surrogatepass"),
                              headers={**admin_headers, "Content-Type": "application/json"})
    body = await problem(resp, status)
    if status == 422:
        assert names(body) in (["/name"], [""])


async def test_bad_media_type_and_encoding(service, admin_headers):
    body = await problem(await service.post("/admin/issuers", data="name=A",
                                            headers={**admin_headers, "Content-Type": "application/x-www-form-urlencoded"}), 415)
    assert names(body) == ["Content-Type"]
    await problem(await service.post("/admin/issuers", data=b'{"name": "\xff"}',
                                     headers={**admin_headers, "Content-Type": "application/json"}), 400)


async def test_body_that_does_not_decode_under_its_content_encoding(service, admin_headers):
    resp = await service.post("/admin/issuers", data=b"this is not gzip",
                              headers={**admin_headers, "Content-Type": "application/json", "Content-Encoding": "gzip"})
    body = await problem(resp, 400)
    assert "Content-Encoding" in body["detail"]


async def test_unpaired_surrogates_are_refused(service, admin_headers):
    for raw in (b'{"name": "x", "external_ids": {"\\udfff": "a"}}', b'{"name": "\\ud800"}'):
        resp = await service.post("/admin/issuers", data=raw,
                                  headers={**admin_headers, "Content-Type": "application/json"})
        body = await problem(resp, 400)
        assert "surrogate" in body["detail"]


async def test_oversized_bodies(service, admin_headers):
    big = {"name": "A", "notes": "x" * 30_000}
    await problem(await service.post("/admin/issuers", json=big, headers=admin_headers), 413)

    async def chunks():  # no Content-Length: the cap applies while reading
        for _ in range(30):
            yield b" " * 1000
    resp = await service.post("/admin/issuers", data=chunks(),
                              headers={**admin_headers, "Content-Type": "application/json"})
    await problem(resp, 413)
    await problem(await service.post("/admin/import", params={"format": "csv"}, data=io.BytesIO(b"name\n" + b"x" * 2_100_000),
                                     headers=admin_headers), 413)


async def test_duplicates_are_conflicts_naming_the_field(service, admin_headers):
    h = admin_headers
    assert (await service.post("/admin/issuers", json=ISSUER, headers=h)).status == 201
    body = await problem(await service.post("/admin/issuers", json=ISSUER, headers=h), 409)
    assert names(body) == ["/id"]
    other = {"name": "Other", "identifiers": [{"value": "did:key:zOk"}, {"value": "HTTPS://ECC.edu/issuer"}]}
    body = await problem(await service.post("/admin/issuers", json=other, headers=h), 409)
    assert names(body) == ["/identifiers/1/value"] and "ecc" in body["detail"]
    body = await problem(await service.post("/admin/registries", json={"name": "local"}, headers=h), 409)
    assert names(body) == ["/name"]


@pytest.mark.parametrize("body,pointer", [
    ({}, ""),
    ({"name": None}, "/name"),
    ({"id": "other"}, "/id"),
    ({"registry": "local"}, "/registry"),
    ({"identifiers": []}, "/identifiers"),
    ({"status": "deleted"}, "/status"),
    ({"authorizations": [{"credential_type": "A", "window": 1}]}, "/authorizations/0/window"),
])
async def test_bad_patch_bodies(service, admin_headers, body, pointer):
    await service.post("/admin/issuers", json=ISSUER, headers=admin_headers)
    resp = await service.patch("/admin/issuers/ecc", json=body, headers={**admin_headers, "If-Match": "*"})
    assert pointer in names(await problem(resp, 422))


async def test_unknown_ids_are_404_naming_the_parameter(service, admin_headers):
    h = {**admin_headers, "If-Match": "*"}
    for method, path, body in [("GET", "/admin/issuers/nope", None), ("PATCH", "/admin/issuers/nope", {"name": "x"}),
                               ("DELETE", "/admin/issuers/nope", None), ("POST", "/admin/issuers/nope/suspend", {}),
                               ("GET", "/admin/issuers/nope/identifiers", None),
                               ("POST", "/admin/issuers/nope/identifiers", {"value": "did:key:z"})]:
        body_json = await problem(await service.request(method, path, json=body, headers=h), 404)
        assert names(body_json) == ["issuer_id"], (method, path)
    for method, path, body in [("GET", "/admin/identifiers/nope", None),
                               ("PATCH", "/admin/identifiers/nope", {"status": "active"}),
                               ("DELETE", "/admin/identifiers/nope", None),
                               ("POST", "/admin/identifiers/nope/revoke", None)]:
        body_json = await problem(await service.request(method, path, json=body, headers=h), 404)
        assert names(body_json) == ["identifier_id"], (method, path)
    body_json = await problem(await service.get("/admin/registries/nope", headers=h), 404)
    assert names(body_json) == ["name"]


@pytest.mark.parametrize("path,params,parameter", [
    ("/admin/issuers", {"limit": "0"}, "limit"),
    ("/admin/issuers", {"limit": "abc"}, "limit"),
    ("/admin/issuers", {"limit": "99999999999999999999"}, "limit"),
    ("/admin/issuers", {"offset": "-1"}, "offset"),
    ("/admin/issuers", {"status": "zzz"}, "status"),
    ("/admin/issuers", {"q": "x" * 501}, "q"),
    ("/admin/issuers", {"q": "a\u0000b"}, "q"),
    ("/admin/audit", {"before": "0"}, "before"),
    ("/admin/audit", {"entity": "planet"}, "entity"),
    ("/admin/identifiers", {}, "value"),
    ("/admin/export", {"format": "xml"}, "format"),
])
async def test_bad_query_parameters(service, admin_headers, path, params, parameter):
    body = await problem(await service.get(path, params=params, headers=admin_headers), 400)
    assert names(body) == [parameter]


@pytest.mark.parametrize("params,data,status,name", [
    ({"format": "xml"}, b"", 400, "format"),
    ({"mode": "wipe"}, b"", 400, "mode"),
    ({"format": "dcc-legacy"}, b"{}", 422, "/registry"),
    ({"format": "ler"}, b"\xff\xfe", 422, ""),
    ({"format": "csv"}, b"name,bogus\nA,B\n", 422, "/columns/bogus"),
])
async def test_bad_imports(service, admin_headers, params, data, status, name):
    body = await problem(await service.post("/admin/import", params=params, data=data, headers=admin_headers), status)
    assert name in names(body)


async def test_garbage_never_yields_a_500(service, admin_headers):
    rng = random.Random(4)
    await service.post("/admin/issuers", json=ISSUER, headers=admin_headers)
    ident = (await (await service.get("/admin/issuers/ecc", headers=admin_headers)).json())["identifiers"][0]["id"]
    targets = [("POST", "/admin/issuers"), ("PATCH", "/admin/issuers/ecc"), ("POST", "/admin/issuers/ecc/suspend"),
               ("POST", "/admin/issuers/ecc/identifiers"), ("PATCH", f"/admin/identifiers/{ident}"),
               ("POST", "/admin/registries"), ("PATCH", "/admin/registries/local"), ("POST", "/admin/import"),
               ("POST", "/admin/import?format=csv"), ("POST", "/admin/import?format=dcc-legacy"),
               ("DELETE", "/admin/issuers/%00"), ("GET", "/admin/issuers/..%2F..")]
    samples = [b"", b"null", b"{}", b"[]", b'{"name": {"$ne": 1}}', b'{"name": "A", "identifiers": [null]}',
               b'{"name": "A", "authorizations": [[]]}', b'{"value": []}', b'{"priority": true}',
               b'{"name": "A", "external_ids": {"": ""}}', b'{"reason": 5}', b'{"priority": 1e400}',
               b'{"name": "A", "identifiers": [{"value": "did:web:\\u00e9.edu", "match": "did_web_host"}]}']
    samples += [bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300))) for _ in range(20)]
    for method, path in targets:
        for data in samples:
            for ctype in ("application/json", "text/csv"):
                resp = await service.request(method, path, data=data,
                                             headers={**admin_headers, "Content-Type": ctype, "If-Match": "*"})
                assert resp.status < 500, (method, path, data, await resp.text())
                await resp.read()
