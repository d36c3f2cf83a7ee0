"""The OpenAPI document stays true: real responses of every route validate against it; /metrics content
and who may read it."""

from __future__ import annotations

import asyncio
import copy
import gzip
import json
import re

import pytest

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.service.conftest import running, service_settings
from tests.service.test_jobs import api_keys
from verifier.checks import CHECKS
from verifier.service import appkeys as K
from verifier.service.handlers.meta import openapi_document

DOC = openapi_document()  # as served: openapi.json with the admin API (openapi_admin.json) merged in
_REGISTRY = Registry().with_resource("urn:ler:openapi", Resource.from_contents(DOC, default_specification=DRAFT202012))


def _schema_for(path: str, method: str, status: int, media: str) -> dict:
    responses = DOC["paths"][path][method]["responses"]
    response = responses[str(status)]
    return response["content"][media]["schema"]


def _validate(path: str, method: str, status: int, media: str, body) -> None:
    schema = _schema_for(path, method, status, media)
    ref = schema["$ref"].replace("#", "urn:ler:openapi#", 1) if "$ref" in schema else None
    validator = Draft202012Validator({"$ref": ref} if ref else schema, registry=_REGISTRY,
                                     format_checker=FormatChecker())
    errors = sorted(validator.iter_errors(body), key=str)
    assert not errors, f"{method.upper()} {path} {status}: {errors[0].message} at {list(errors[0].absolute_path)}"


async def _check(resp, path: str, method: str) -> dict | str:
    media = resp.content_type
    body = await resp.json() if "json" in media else await resp.text()
    _validate(path, method, resp.status, media, body)
    return body


def test_document_is_openapi_3_1_and_refs_resolve():
    assert DOC["openapi"].startswith("3.1")
    text = json.dumps(DOC)
    for name in DOC["components"]["schemas"]:
        assert f'"#/components/schemas/{name}"' in text or name in ("NotReady",)
    for path_item in DOC["paths"].values():
        for op in path_item.values():
            for response in op["responses"].values():
                for content in response.get("content", {}).values():
                    Draft202012Validator.check_schema(content["schema"])


async def test_real_responses_match_the_document(tmp_path, signed_credential):
    settings = service_settings(tmp_path, batch_max_items=2, rate_limit_per_s=0)
    async with running(settings) as client:
        vc = {"verifiableCredential": signed_credential}
        await _check(await client.post("/credentials/verify", json=vc), "/credentials/verify", "post")
        cached = await _check(await client.post("/credentials/verify", json=vc), "/credentials/verify", "post")
        assert cached["cached"] is True
        tampered = copy.deepcopy(signed_credential)
        tampered["name"] = "x"
        resp = await client.post("/credentials/verify", json={"verifiableCredential": tampered},
                                 headers={"Prefer": "vc-api-status-codes"})
        assert resp.status == 422
        await _check(resp, "/credentials/verify", "post")
        for body in ({"verifiableCredential": signed_credential, "options": {"x": 1}}, {"nothing": 1}):
            resp = await client.post("/credentials/verify", json=body)
            assert resp.status == 400
            await _check(resp, "/credentials/verify", "post")
        resp = await client.post("/credentials/verify", data="x", headers={"Content-Type": "text/plain"})
        await _check(resp, "/credentials/verify", "post")
        selected = await _check(await client.post("/credentials/verify", json={**vc, "options": {"checks": ["validity"]}}),
                                "/credentials/verify", "post")
        assert selected["requiredChecks"] == ["proof", "validity"] and len(selected["checks"]) == len(CHECKS)
        for path in ("/credentials/verify", "/verifications"):
            for coding, status in (("gzip", 400), ("br, gzip", 415)):
                resp = await client.post(path, data=json.dumps(vc).encode(),
                                         headers={"Content-Type": "application/json", "Content-Encoding": coding})
                assert resp.status == status
                await _check(resp, path, "post")
            other = {**vc, "options": {"checks": ["parse"]}}  # not the cached report: the hit count stays 1
            resp = await client.post(path, data=gzip.compress(json.dumps(other).encode()),
                                     headers={"Content-Type": "application/json", "Content-Encoding": "gzip"})
            assert resp.status in (200, 202)
            await _check(resp, path, "post")
        vp = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"],
              "verifiableCredential": [signed_credential]}
        body = await _check(await client.post("/presentations/verify", json={"presentation": vp}),
                            "/presentations/verify", "post")
        assert body["credentials"]
        resp = await client.post("/verifications", json={"items": [vc, {"verifiableCredential": "a.b.c"}]})
        accepted = await _check(resp, "/verifications", "post")
        resp = await client.post("/verifications", json={"items": [vc] * 3})
        assert resp.status == 413
        await _check(resp, "/verifications", "post")
        for _ in range(200):
            resp = await client.get(f"/verifications/{accepted['id']}")
            job = await _check(resp, "/verifications/{job_id}", "get")
            if job["status"] == "done":
                break
            await asyncio.sleep(0.02)
        await _check(await client.get("/verifications/ffffffffffffffffffffffff"), "/verifications/{job_id}", "get")
        await _check(await client.get("/healthz"), "/healthz", "get")
        await _check(await client.get("/readyz"), "/readyz", "get")
        await _check(await client.get("/openapi.json"), "/openapi.json", "get")
        metrics = await _check(await client.get("/metrics"), "/metrics", "get")
    assert 'ler_http_requests_total{method="POST",route="/credentials/verify",status="200"}' in metrics
    assert 'ler_http_request_duration_seconds_count{outcome="not_verified",route="/credentials/verify"}' in metrics
    assert 'ler_cache_requests_total{result="hit"} 1.0' in metrics
    assert 'ler_checks_total{check="proof",outcome="failed"}' in metrics
    assert "ler_queue_depth 0.0" in metrics
    assert 'ler_async_jobs_total{state="accepted"}' in metrics


async def test_not_ready_matches_the_document(tmp_path):
    async with running(service_settings(tmp_path, REDIS_URL="redis://127.0.0.1:1/0")) as client:
        resp = await client.get("/readyz")
        assert resp.status == 503
        await _check(resp, "/readyz", "get")


async def test_metrics_need_an_admin_key_once_keys_exist(tmp_path):
    async with running(service_settings(tmp_path, rate_limit_per_s=0)) as client:
        assert (await client.get("/metrics")).status == 200  # no key configured: open, like the verify routes
        keys = await api_keys(tmp_path, ("hr-system", "verify"), ("ops", "admin"))
        client.server.app[K.AUTH].forget()
        resp = await client.get("/metrics")
        assert resp.status == 401 and "Bearer" in resp.headers["WWW-Authenticate"]
        await _check(resp, "/metrics", "get")
        resp = await client.get("/metrics", headers=keys["hr-system"])
        assert resp.status == 403
        await _check(resp, "/metrics", "get")
        resp = await client.get("/metrics", headers={"Authorization": "Bearer ler_nope"})
        assert resp.status == 401
        resp = await client.get("/metrics", headers=keys["ops"])
        assert resp.status == 200
        text = await _check(resp, "/metrics", "get")
        assert 'ler_http_requests_total{method="GET",route="/metrics",status="401"} 2.0' in text


async def test_public_metrics_setting_keeps_metrics_open(tmp_path):
    async with running(service_settings(tmp_path, metrics_public=True)) as client:
        await api_keys(tmp_path, ("ops", "admin"))
        client.server.app[K.AUTH].forget()
        assert (await client.post("/credentials/verify", json={})).status == 401  # keys exist
        resp = await client.get("/metrics")
        assert resp.status == 200 and "ler_http_requests_total" in await resp.text()


@pytest.mark.parametrize("body, path, schema, valid", [
    ({"verifiableCredential": "not-a-compact-jws"}, "/credentials/verify", "VerifyCredentialRequest", False),
    ({"verifiableCredential": "a.b.c"}, "/credentials/verify", "VerifyCredentialRequest", True),
    ({"verifiablePresentation": {}, "presentation": {}}, "/presentations/verify", "VerifyPresentationRequest", False),
    ({}, "/presentations/verify", "VerifyPresentationRequest", False),
    ({"verifiablePresentation": "x y"}, "/presentations/verify", "VerifyPresentationRequest", False),
])
async def test_request_rules_in_the_document_are_the_servers(client, body, path, schema, valid):
    """Issue 9: what the document refuses the server refuses with 400, naming the member (and the reverse)."""
    validator = Draft202012Validator({"$ref": f"#/components/schemas/{schema}", "components": DOC["components"]})
    assert validator.is_valid(body) is valid
    resp = await client.post(path, json=body)
    if valid:
        assert resp.status != 400 or (await resp.json())["code"] == "PARSING_ERROR"  # well-formed, unreadable JWT
    else:
        assert resp.status == 400, await resp.text()


async def test_every_answer_carries_the_documented_request_id(client):
    pattern = DOC["components"]["headers"]["XRequestId"]["schema"]["pattern"]
    for headers in ({}, {"X-Request-Id": "abc-123"}, {"X-Request-Id": "bad id!"}):
        resp = await client.get("/healthz", headers=headers)
        rid = resp.headers["X-Request-Id"]
        assert re.fullmatch(pattern, rid)
        assert (rid == "abc-123") == (headers.get("X-Request-Id") == "abc-123")
    for path_item in DOC["paths"].values():
        for op in path_item.values():
            for response in op["responses"].values():
                assert response["headers"]["X-Request-Id"] == {"$ref": "#/components/headers/XRequestId"}
