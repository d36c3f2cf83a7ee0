"""Faults on the hosts a verification reaches: a slow did:web host, a status host answering garbage
(issue 9 "Faults"). Real aiohttp servers on 127.0.0.1 behind a real front end.

Each answer is a 200 report within the fetch timeout, never a 500, never a crash: the check that
could not be decided is ``indeterminate`` (or ``failed``), never ``passed``, and ``verified`` is false.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import time

import pytest
from aiohttp import web

from tests.core.credentials import ob3_credential
from tests.core.test_did_web_end_to_end import did_document
from tests.service.conftest import running, service_settings
from tests.signing import new_key, sign_ldp
from tests.status.helpers import bitstring, bitstring_entry, bitstring_list, credential_with, sign_list

FETCH_TIMEOUT_S = 0.5


def _settings(tmp_path):
    return service_settings(tmp_path, allow_insecure_loopback=True, fetch_timeout_s=FETCH_TIMEOUT_S)


def _result(body: dict, check: str) -> dict:
    return next(r for r in body["results"] if r["check"] == check and not r.get("target"))


async def test_slow_did_web_host_is_indeterminate_within_the_timeout(tmp_path, server):
    key = new_key("P-256")
    did = f"did:web:{server.did_web_host}:slow"
    document = did_document(did, key)

    async def slow(_request):
        await asyncio.sleep(5)
        return web.json_response(document)

    server.route("/slow/did.json", slow)
    signed = sign_ldp(ob3_credential(did), key, suite="ecdsa-rdfc-2019", vm=f"{did}#key-1")
    async with running(_settings(tmp_path)) as client:
        started = time.monotonic()
        resp = await client.post("/credentials/verify", json={"verifiableCredential": signed})
        elapsed = time.monotonic() - started
        body = await resp.json()
    assert resp.status == 200, body
    assert body["verified"] is False
    proof = _result(body, "proof")
    assert proof["outcome"] == "indeterminate" and proof["problem"] == "RETRIEVAL_ERROR", proof
    assert "did not answer within 0.5 s" in proof["detail"]
    assert elapsed < 4.5, f"the answer waited {elapsed:.1f} s for a host that answers after 5 s"


GARBAGE = {
    "not json": (b"\x00\x01 this is not json", "application/json"),
    "html page": (b"<html><body>Status list moved</body></html>", "text/html"),
    "json array": (b"[1, 2, 3]", "application/json"),
    "truncated gzip": (gzip.compress(b'{"a": 1}')[:-5], "application/json"),
    "a credential that is not a list": (None, "application/json"),
    "unsigned list": (None, "application/json"),
}


@pytest.mark.parametrize("kind", sorted(GARBAGE))
async def test_status_host_answering_garbage_never_passes(tmp_path, server, kind):
    key = new_key()
    url = f"{server.base}/status/{kind.replace(' ', '-')}"
    raw, content_type = GARBAGE[kind]
    headers = {"Content-Encoding": "gzip"} if kind == "truncated gzip" else None
    if kind == "a credential that is not a list":
        raw = _json(sign_ldp(ob3_credential(key.did), key))
    elif kind == "unsigned list":
        raw = _json(bitstring_list(url, key.did, bitstring()))

    async def garbage(_request):
        return web.Response(body=raw, content_type=content_type, headers=headers)

    server.route(url.removeprefix(server.base), garbage)
    signed = sign_ldp(credential_with(key.did, bitstring_entry(url, 5)), key)
    async with running(_settings(tmp_path)) as client:
        resp = await client.post("/credentials/verify", json={"verifiableCredential": signed})
        body = await resp.json()
    assert resp.status == 200, body
    assert body["verified"] is False
    status = _result(body, "status")
    assert status["outcome"] in ("indeterminate", "failed"), status
    assert _result(body, "proof")["outcome"] == "passed"  # only the status could not be decided


async def test_a_good_status_host_still_verifies(tmp_path, server):
    """The control for the garbage cases: the same credential with a signed list verifies."""
    key = new_key()
    url = f"{server.base}/status/good"
    server.json("/status/good", sign_list(bitstring_list(url, key.did, bitstring()), key))
    signed = sign_ldp(credential_with(key.did, bitstring_entry(url, 5)), key)
    async with running(_settings(tmp_path)) as client:
        resp = await client.post("/credentials/verify", json={"verifiableCredential": signed})
        body = await resp.json()
    assert resp.status == 200 and body["verified"] is True, body


def _json(doc) -> bytes:
    return json.dumps(doc).encode()
