"""POST /verifications: batches, progress, per-item results, signed callbacks with retries, limits, and
which API key may read a job."""

from __future__ import annotations

import asyncio
import copy
import hashlib
import hmac
import time
from datetime import datetime, timezone

import pytest
from aiohttp import web

from tests.service.conftest import running, service_settings
from trust_registry import ApiKey, create_key
from trust_registry.db import create_engine
from verifier.service import appkeys as K
from workers.jobs import check_signature, may_read

SECRET = "s3cret-for-tests"


class Receiver:
    """A local callback receiver (POST), failing the first ``fail_first`` deliveries with 500."""

    def __init__(self, fail_first: int = 0):
        self.fail_first = fail_first
        self.deliveries: list[tuple[dict, bytes]] = []
        self.got = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.deliveries.append((dict(request.headers), body))
        if len(self.deliveries) <= self.fail_first:
            return web.Response(status=500)
        self.got.set()
        return web.Response(status=204)

    async def __aenter__(self) -> "Receiver":
        app = web.Application()
        app.router.add_post("/hook", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}/hook"
        return self

    async def __aexit__(self, *exc) -> None:
        await self._runner.cleanup()


async def wait_done(client, location: str, timeout_s: float = 4.0) -> dict:
    for _ in range(int(timeout_s / 0.02)):
        resp = await client.get(location)
        body = await resp.json()
        if body["status"] != "running":
            return body
        await asyncio.sleep(0.02)
    raise TimeoutError(body)


async def test_batch_runs_and_reports_each_item(client, signed_credential):
    tampered = copy.deepcopy(signed_credential)
    tampered["name"] = "x"
    items = [{"verifiableCredential": signed_credential}, {"verifiableCredential": tampered},
             {"verifiableCredential": "a.b.c"}]
    resp = await client.post("/verifications", json={"items": items})
    created = await resp.json()
    assert resp.status == 202 and resp.headers["Location"] == f"/verifications/{created['id']}"
    job = await wait_done(client, resp.headers["Location"])
    assert job["status"] == "done" and job["progress"] == {"total": 3, "done": 3, "verified": 1}
    first, second, third = job["items"]
    assert first["verified"] is True and first["result"]["credential"]["issuer"] == signed_credential["issuer"]["id"]
    assert second["verified"] is False
    assert third["status"] == "error" and third["error"]["code"] == "PARSING_ERROR"


async def test_single_item_job(client, signed_credential):
    resp = await client.post("/verifications", json={"verifiableCredential": signed_credential})
    job = await wait_done(client, resp.headers["Location"])
    assert job["items"][0]["verified"] is True


@pytest.mark.parametrize("body, status, pointer", [
    ({"items": []}, 400, "/items"),
    ({"items": [{"verifiableCredential": {}}] * 4}, 413, "/items"),
    ({"items": [{"verifiableCredential": {}}], "callback_url": "https://10.0.0.1/hook"}, 400, "/callback_url"),
    ({"items": [{"verifiableCredential": {}}], "callback_url": 5}, 400, "/callback_url"),
    ({"items": [{"verifiableCredential": {}}], "callback_url": "https://127.1/"}, 400, "/callback_url"),
    ({"items": [{"verifiableCredential": {}}], "callback_url": "https://0x7f000001/"}, 400, "/callback_url"),
    ({"items": [{"verifiableCredential": {}}], "callback_url": "https://2130706433/"}, 400, "/callback_url"),
    ({"items": [{"verifiableCredential": {}}], "callback_url": "https://0177.0.0.1/"}, 400, "/callback_url"),
    ({"items": [{"verifiableCredential": {}}], "callback_url": "https://0x0a.1/hook"}, 400, "/callback_url"),
    ({"items": [{"verifiableCredential": {}}], "callback_url": "https://localhost/hook"}, 400, "/callback_url"),
    ({"items": [{"verifiableCredential": {}}], "callback_url": "https://999.1.1.1/"}, 400, "/callback_url"),
    ({"items": [{"verifiableCredential": {}}], "extra": 1}, 400, "/extra"),
])
async def test_bad_jobs_are_refused(make_client, body, status, pointer):
    client = await make_client(batch_max_items=3, callback_secret=SECRET)
    resp = await client.post("/verifications", json=body)
    problem = await resp.json()
    assert resp.status == status, problem
    assert pointer in [e["pointer"] for e in problem["errors"]]


async def test_one_unreadable_item_does_not_fail_the_batch(make_client, signed_credential):
    """Issue 9: each item gets its own result; only a malformed envelope fails the batch."""
    client = await make_client(batch_max_items=200)
    items = [{"verifiableCredential": signed_credential}] * 200
    items[7] = {"verifiableCredential": "not-a-compact-jws"}
    items[42] = {"verifiableCredential": {}, "options": {"bogus": 1}}
    items[99] = ["not", "an", "object"]
    resp = await client.post("/verifications", json={"items": items})
    assert resp.status == 202, await resp.text()
    job = await wait_done(client, resp.headers["Location"], timeout_s=120)
    assert job["progress"] == {"total": 200, "done": 200, "verified": 197}
    errors = {i["index"]: i["error"] for i in job["items"] if i["status"] == "error"}
    assert set(errors) == {7, 42, 99}
    assert errors[7]["code"] == "PARSING_ERROR" and errors[7]["pointer"] == "/items/7/verifiableCredential"
    assert errors[42]["pointer"] == "/items/42/options/bogus"
    assert errors[99]["pointer"] == "/items/99" and "got an array" in errors[99]["detail"]
    assert all(i["verified"] is True for i in job["items"] if i["index"] not in errors)


async def test_numeric_callback_host_is_judged_as_its_address(tmp_path):
    from verifier.errors import FetchError
    from workers.jobs import check_callback_url, numeric_host

    assert numeric_host("2130706433") == numeric_host("0177.0.0.1") == numeric_host("127.1") == "127.0.0.1"
    assert numeric_host("hooks.example") is None and numeric_host("cafe.de") is None
    settings = service_settings(tmp_path)
    await check_callback_url("https://0x08080808/hook", settings)  # 8.8.8.8: public
    with pytest.raises(FetchError, match="non-public|loopback"):
        await check_callback_url("https://0xa9.0xfe.0xa9.0xfe/", settings)  # 169.254.169.254


async def test_unknown_job_is_404(client):
    resp = await client.get("/verifications/0123456789abcdef01234567")
    assert resp.status == 404 and (await resp.json())["code"] == "NOT_FOUND"


async def test_callback_without_secret_is_refused(client, signed_credential):
    resp = await client.post("/verifications", json={"verifiableCredential": signed_credential,
                                                     "callback_url": "https://hooks.example/x"})
    assert resp.status == 400


async def test_callback_is_signed_and_retried(tmp_path, signed_credential):
    settings = service_settings(tmp_path, callback_secret=SECRET, allow_insecure_loopback=True,
                                callback_retry_base_s=0.05)
    async with Receiver(fail_first=2) as receiver, running(settings) as client:
        resp = await client.post("/verifications", json={"items": [{"verifiableCredential": signed_credential}],
                                                         "callback_url": receiver.url})
        job_id = (await resp.json())["id"]
        await asyncio.wait_for(receiver.got.wait(), 10)
        assert len(receiver.deliveries) == 3
        headers, body = receiver.deliveries[-1]
        signature = headers["X-LER-Signature"]
        t = int(signature.split(",")[0].removeprefix("t="))
        assert abs(t - time.time()) < 30
        expected = hmac.new(SECRET.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(signature, f"t={t},v1={expected}")
        assert check_signature(SECRET, signature, body, now=time.time())
        assert not check_signature(SECRET, signature, body, now=time.time() + 301)  # a replay, later
        assert not check_signature(SECRET, signature, body + b" ", now=time.time())
        assert not check_signature("other-secret", signature, body, now=time.time())
        assert {h["X-LER-Delivery"] for h, _ in receiver.deliveries} == {job_id}  # one idempotency key
        assert b'"verified": true' in body
        for _ in range(100):
            job = await (await client.get(f"/verifications/{job_id}")).json()
            if job["callback"]["state"] == "delivered":
                break
            await asyncio.sleep(0.02)
        assert job["callback"] == {"url": receiver.url, "state": "delivered", "attempts": 3}


async def api_keys(tmp_path, *roles_by_name: tuple[str, str]) -> dict[str, dict[str, str]]:
    """Create API keys in the test registry; returns name -> Authorization header."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'registry.sqlite3'}")
    out = {}
    try:
        async with engine.begin() as conn:
            for name, role in roles_by_name:
                _, token = await create_key(conn, name=name, role=role, actor="test")
                out[name] = {"Authorization": f"Bearer {token}"}
    finally:
        await engine.dispose()
    return out


async def test_a_job_is_read_only_by_its_key_or_an_admin_key(tmp_path, signed_credential):
    async with running(service_settings(tmp_path, rate_limit_per_s=0)) as client:
        keys = await api_keys(tmp_path, ("alice", "verify"), ("bob", "verify"), ("ops", "admin"))
        client.server.app[K.AUTH].forget()
        resp = await client.post("/verifications", json={"verifiableCredential": signed_credential},
                                 headers=keys["alice"])
        assert resp.status == 202
        location = resp.headers["Location"]
        mine = await client.get(location, headers=keys["alice"])
        assert mine.status == 200
        assert "owner" not in await mine.json()  # the creating key's id is not shown
        other = await client.get(location, headers=keys["bob"])
        problem = await other.json()
        unknown = await (await client.get("/verifications/ffffffffffffffffffffffff", headers=keys["bob"])).json()
        assert other.status == 404 and problem["code"] == "NOT_FOUND"
        assert problem["detail"].replace(location.rsplit("/", 1)[1], "ID") == \
            unknown["detail"].replace("ffffffffffffffffffffffff", "ID")  # the same answer as for no such job
        assert (await client.get(location)).status == 401
        assert (await client.get(location, headers=keys["ops"])).status == 200
        by_admin = await client.post("/verifications", json={"verifiableCredential": signed_credential},
                                     headers=keys["ops"])
        assert (await client.get(by_admin.headers["Location"], headers=keys["alice"])).status == 404


async def test_open_mode_jobs_stay_readable_without_a_key(client, signed_credential):
    resp = await client.post("/verifications", json={"verifiableCredential": signed_credential})
    job = await wait_done(client, resp.headers["Location"])
    assert job["status"] == "done" and "owner" not in job


async def test_job_created_in_open_mode_is_admin_only_once_keys_exist(tmp_path, signed_credential):
    async with running(service_settings(tmp_path, rate_limit_per_s=0)) as client:
        resp = await client.post("/verifications", json={"verifiableCredential": signed_credential})
        location = resp.headers["Location"]
        keys = await api_keys(tmp_path, ("alice", "verify"), ("ops", "admin"))
        client.server.app[K.AUTH].forget()
        assert (await client.get(location, headers=keys["alice"])).status == 404
        assert (await client.get(location, headers=keys["ops"])).status == 200


def test_may_read():
    now = datetime.now(timezone.utc)
    alice = ApiKey("a" * 16, "alice", "verify", now, "test")
    ops = ApiKey("c" * 16, "ops", "admin", now, "test")
    assert may_read(None, "a" * 16) and may_read(None, None)  # open mode
    assert may_read(alice, "a" * 16) and not may_read(alice, "b" * 16) and not may_read(alice, None)
    assert may_read(ops, "a" * 16) and may_read(ops, None)
