"""Health routes, request ids, ProblemDetails for routing errors and the catch-all, never a 500 for input."""

from __future__ import annotations

import copy
import json
import random

from tests.service.conftest import running, service_settings
from verifier.service import appkeys as K


async def test_healthz_and_readyz_embedded(client):
    resp = await client.get("/healthz")
    assert resp.status == 200 and (await resp.json()) == {"status": "ok"}
    resp = await client.get("/readyz")
    body = await resp.json()
    assert resp.status == 200, body
    assert body["checks"] == {"database": "ok", "redis": "not configured", "workers": "not configured"}


async def test_request_id_is_taken_or_generated(client):
    resp = await client.get("/healthz", headers={"X-Request-Id": "abc-123.x"})
    assert resp.headers["X-Request-Id"] == "abc-123.x"
    resp = await client.get("/healthz", headers={"X-Request-Id": "bad id\twith spaces"})
    assert resp.headers["X-Request-Id"] != "bad id\twith spaces" and len(resp.headers["X-Request-Id"]) == 24


async def test_unknown_route_and_wrong_method_are_problems(client):
    resp = await client.get("/nope")
    body = await resp.json()
    assert resp.status == 404 and resp.content_type == "application/problem+json" and body["code"] == "NOT_FOUND"
    assert body["requestId"] == resp.headers["X-Request-Id"]
    resp = await client.get("/credentials/verify")
    assert resp.status == 405 and (await resp.json())["code"] == "METHOD_NOT_ALLOWED"
    assert "POST" in resp.headers["Allow"]


async def test_unexpected_error_is_a_500_problem_without_traceback(client, signed_credential, caplog):
    async def boom(_request):
        raise RuntimeError("secret internals")

    client.server.app[K.VERIFICATIONS].verify = boom
    resp = await client.post("/credentials/verify", json={"verifiableCredential": signed_credential},
                             headers={"X-Request-Id": "req-500"})
    body = await resp.json()
    assert resp.status == 500 and body["code"] == "INTERNAL_ERROR" and body["requestId"] == "req-500"
    text = json.dumps(body)
    assert "secret internals" not in text and "Traceback" not in text
    logged = [r for r in caplog.records if r.levelname == "ERROR" and r.name == "verifier.service"]
    assert logged and logged[0].exc_info  # the traceback goes to the log, with the request id (JSON formatter)


def _mutations(doc: dict, rng: random.Random) -> list:
    """Structurally odd variants of a credential: each value replaced by other JSON types."""
    odd = [None, 0, -1, 1.5e308, "", "x" * 300, [], {}, [None], {"id": None}, True, "did:key:z", "\u0000"]
    out = []
    for key in list(doc):
        for value in rng.sample(odd, 4):
            variant = copy.deepcopy(doc)
            variant[key] = value
            out.append(variant)
    for key in list(doc):
        variant = copy.deepcopy(doc)
        del variant[key]
        out.append(variant)
    proof = doc["proof"]
    for key in list(proof):
        for value in rng.sample(odd, 3):
            variant = copy.deepcopy(doc)
            variant["proof"][key] = value
            out.append(variant)
    return out


async def test_no_input_gives_a_500(client, signed_credential):
    rng = random.Random(5)
    bodies = [{"verifiableCredential": v} for v in _mutations(signed_credential, rng)]
    bodies += [{"verifiableCredential": signed_credential, "options": o}
               for o in ({"checks": []}, {"checks": [None]}, {"challenge": None}, {"domain": "x" * 2000})]
    bodies += [None, 1, "s", [], {"verifiableCredential": None}, {"verifiableCredential": "a.b.c"},
               {"verifiableCredential": "eyJhbGciOiJub25lIn0.eyJ2YyI6e319."}]
    for body in bodies:
        for path in ("/credentials/verify", "/presentations/verify"):
            resp = await client.post(path, data=json.dumps(body), headers={"Content-Type": "application/json"})
            assert resp.status < 500, (path, body, await resp.text())
            assert "verified" in await resp.json() or resp.status >= 400


async def test_checks_run_in_the_process_pool(tmp_path, signed_credential):
    async with running(service_settings(tmp_path, cpu_workers=1)) as client:
        resp = await client.post("/credentials/verify", json={"verifiableCredential": signed_credential})
        assert (await resp.json())["verified"] is True


def test_json_log_lines_carry_the_request_id():
    import logging

    from verifier.service.logging import REQUEST_ID, JsonFormatter

    token = REQUEST_ID.set("rid-1")
    try:
        record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello %s", ("you",), None)
        record.status = 200
        line = json.loads(JsonFormatter().format(record))
    finally:
        REQUEST_ID.reset(token)
    assert line["message"] == "hello you" and line["request_id"] == "rid-1" and line["status"] == 200
