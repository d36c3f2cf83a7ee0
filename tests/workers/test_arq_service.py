"""The service with REDIS_URL: checks on real arq workers, the Redis result cache, deadlines, Redis down,
a worker killed mid-job, cancelled requests never reading another request's Redis reply, and bulk jobs in
Redis (shared by front ends, read only by the key that created them)."""

from __future__ import annotations

import asyncio
import copy
import random

import redis

from tests.core.credentials import issued_to, ob3_credential
from tests.service.conftest import running, service_settings
from tests.signing import new_key, sign_ldp
from tests.service.test_jobs import api_keys
from tests.workers.conftest import REDIS_URL, arq_client, cleanup, new_queue
from verifier.service import appkeys as K
from workers.verification import VerifyRequest
from verifier.options import VerifyOptions


async def verify(client, credential, **headers):
    resp = await client.post("/credentials/verify", json={"verifiableCredential": credential}, headers=headers)
    return resp.status, await resp.json()


async def test_checks_run_on_the_worker_and_results_are_shared(worker, queue, module_dir, signed_credential):
    async with arq_client(module_dir, queue) as first:
        status, body = await verify(first, signed_credential)
        assert status == 200 and body["verified"] is True and body["cached"] is False, body
        metrics = await (await first.get("/metrics")).text()
        assert 'ler_worker_job_seconds_count{check="proof"} 1.0' in metrics
        ready = await (await first.get("/readyz")).json()
        assert ready["checks"] == {"database": "ok", "redis": "ok", "workers": "ok"}
    async with arq_client(module_dir, queue) as second:  # another front end: the Redis cache answers
        status, body = await verify(second, signed_credential)
        assert body["cached"] is True and body["verified"] is True


async def test_concurrent_equal_work_and_nested_credentials(worker, queue, module_dir):
    key, holder = new_key(), new_key()
    creds = [sign_ldp(issued_to(ob3_credential(key.did, id=f"urn:uuid:{i:08d}-0000-4000-8000-000000000000"),
                                holder.did), key)
             for i in range(3)]
    vp = sign_ldp({"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"],
                   "holder": holder.did, "verifiableCredential": creds}, holder, purpose="authentication")
    async with arq_client(module_dir, queue) as client:
        answers = await asyncio.gather(*(client.post("/presentations/verify", json={"verifiablePresentation": vp})
                                         for _ in range(4)))
        bodies = [await a.json() for a in answers]
        assert all(b["verified"] is True for b in bodies), bodies[0]
        assert {r["credential"] for r in bodies[0]["results"] if "credential" in r} == {
            f"/verifiableCredential/{i}" for i in range(3)}


async def test_missed_deadline_is_indeterminate_never_a_pass(redis_ready, tmp_path, signed_credential):
    queue = new_queue()  # no worker listens on this queue
    try:
        async with arq_client(tmp_path, queue, verify_deadline_s=0.3) as client:
            status, body = await verify(client, signed_credential, Prefer="vc-api-status-codes")
            assert status == 422 and body["verified"] is False
            proof = next(r for r in body["results"] if r["check"] == "proof")
            assert proof["outcome"] == "indeterminate" and proof["problem"] == "DEADLINE_EXCEEDED"
            status, again = await verify(client, signed_credential)
            assert again["cached"] is False  # an undecided report is never cached
    finally:
        cleanup(queue)


async def test_readyz_fails_while_no_worker_is_alive(redis_ready, tmp_path):
    queue = new_queue()  # no worker polls this queue
    try:
        async with arq_client(tmp_path, queue) as client:
            resp = await client.get("/readyz")
            body = await resp.json()
            assert resp.status == 503 and resp.content_type == "application/problem+json"
            assert body["code"] == "SERVICE_UNAVAILABLE" and body["checks"]["workers"] == "none alive"
            assert "no arq worker alive" in body["detail"] and queue in body["detail"]
            redis.Redis.from_url(REDIS_URL).set(f"{queue}:health-check", b"stale", px=1)  # expires at once
            await asyncio.sleep(0.05)
            assert (await client.get("/readyz")).status == 503
    finally:
        cleanup(queue)


async def test_redis_down_is_503_and_readyz_fails(tmp_path, signed_credential):
    settings = service_settings(tmp_path, REDIS_URL="redis://127.0.0.1:1/0")
    async with running(settings) as client:
        resp = await client.get("/readyz")
        body = await resp.json()
        assert resp.status == 503 and body["checks"]["redis"] == "unreachable" and body["checks"]["database"] == "ok"
        status, body = await verify(client, signed_credential)
        assert status == 503 and body["code"] == "SERVICE_UNAVAILABLE" and "Redis" in body["detail"]
        assert (await client.get("/healthz")).status == 200


async def test_cancelled_requests_never_get_another_requests_reply(worker, queue, module_dir):
    """Cancel verifications at random moments (mid Redis command) under load; every finished answer must be
    about its own credential (the redis-py cancellation hazard, CVE-2023-28858/28859, fixed in 4.5.4+)."""
    key = new_key()
    creds = [sign_ldp(ob3_credential(key.did, id=f"urn:uuid:{i:08d}-1111-4000-8000-000000000000"), key)
             for i in range(24)]
    rng = random.Random(7)
    async with arq_client(module_dir, queue) as client:
        verifications = client.server.app[K.VERIFICATIONS]
        settings = client.server.app[K.SETTINGS]

        async def one(credential):
            request = VerifyRequest(document=credential, expect="credential",
                                    options=VerifyOptions(limits=settings.limits()))
            return credential["id"], (await verifications.verify(request)).body

        for _ in range(3):
            tasks = [asyncio.create_task(one(copy.deepcopy(c))) for c in creds]
            await asyncio.sleep(rng.uniform(0.001, 0.02))
            for task in rng.sample(tasks, len(tasks) // 2):
                task.cancel()
            done = await asyncio.gather(*tasks, return_exceptions=True)
            answers = [d for d in done if not isinstance(d, BaseException)]
            for wanted, body in answers:
                assert body["credential"]["id"] == wanted
        for credential in creds:  # after all that, every answer is still its own
            got, body = await one(credential)
            assert body["credential"]["id"] == got and body["verified"] is True


def test_redis_client_is_a_fixed_release():
    assert redis.__version__ == "5.3.1"


async def test_bulk_job_results_live_in_redis(worker, queue, module_dir, signed_credential):
    async with arq_client(module_dir, queue) as first, arq_client(module_dir, queue) as second:
        resp = await first.post("/verifications", json={"items": [{"verifiableCredential": signed_credential}] * 2})
        assert resp.status == 202
        location = resp.headers["Location"]
        for _ in range(300):
            job = await (await second.get(location)).json()  # any front end answers
            if job["status"] == "done":
                break
            await asyncio.sleep(0.02)
        assert job["progress"] == {"total": 2, "done": 2, "verified": 2}


async def test_bulk_job_in_redis_is_read_only_by_its_key(redis_ready, tmp_path, signed_credential):
    """Ownership is stored with the job in Redis: another front end applies it the same way."""
    queue = new_queue()
    try:
        async with arq_client(tmp_path, queue, rate_limit_per_s=0) as first, \
                arq_client(tmp_path, queue, rate_limit_per_s=0) as second:
            keys = await api_keys(tmp_path, ("alice", "verify"), ("bob", "verify"), ("ops", "admin"))
            first.server.app[K.AUTH].forget()
            second.server.app[K.AUTH].forget()
            resp = await first.post("/verifications", json={"verifiableCredential": signed_credential},
                                    headers=keys["alice"])
            assert resp.status == 202
            location = resp.headers["Location"]
            assert (await second.get(location, headers=keys["alice"])).status == 200
            assert (await second.get(location, headers=keys["bob"])).status == 404
            assert (await second.get(location, headers=keys["ops"])).status == 200
    finally:
        cleanup(queue)
