"""Fault: a worker killed in the middle of a job (issue 9 "Faults"). A private redis-server on a spare
port, two real ``ler-verifier worker`` processes, a real front end and a did:web host on 127.0.0.1.

The first worker takes the job and hangs on the issuer's DID document; it is killed. The job is not
lost: a second worker takes it up once the first one's in-progress mark lapses, and the caller gets
the verified answer, within its deadline, with nobody restarting anything by hand.
"""

from __future__ import annotations

import asyncio
import shutil

import pytest
from aiohttp import web

from tests.core.credentials import ob3_credential
from tests.did.test_did_web import did_doc
from tests.faults.servers import free_port
from tests.service.conftest import running, service_settings
from tests.signing import new_key, sign_ldp
from tests.workers.conftest import WorkerProcess, new_queue
from tests.workers.test_redis_restart import _start_redis
from verifier.keys.multikey import multikey_from_public_key

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")


async def test_worker_killed_mid_job_is_retried_by_another(tmp_path, server):
    port, queue = free_port(), new_queue()
    url = f"redis://127.0.0.1:{port}/0"
    redis_server = _start_redis(port, tmp_path)
    key = new_key()
    did = f"did:web:{server.did_web_host}"
    document = did_doc(did, multikey_from_public_key(key.public))
    taken = asyncio.Event()

    async def did_json(_request):
        if not taken.is_set():  # the first worker hangs here until it is killed
            taken.set()
            await asyncio.sleep(30)
        return web.json_response(document)

    server.route("/.well-known/did.json", did_json)
    credential = sign_ldp(ob3_credential(did), key, vm=f"{did}#key-1")
    env = {"REDIS_URL": url, "LER_ALLOW_INSECURE_LOOPBACK": "true", "LER_WORKER_JOB_TIMEOUT_S": "2",
           "LER_FETCH_TIMEOUT_S": "20"}
    first = WorkerProcess(queue, tmp_path, **env).start()
    second = WorkerProcess(queue, tmp_path, **env)
    settings = service_settings(tmp_path, REDIS_URL=url, queue_name=queue, verify_deadline_s=15,
                                allow_insecure_loopback=True,
                                database_url=f"sqlite+aiosqlite:///{tmp_path / 'registry.sqlite3'}")
    try:
        async with running(settings) as client:
            request = asyncio.create_task(client.post("/credentials/verify", json={
                "verifiableCredential": credential, "options": {"requireTrustedIssuer": False}}))
            await asyncio.wait_for(taken.wait(), 10)
            first.kill()
            second.start()
            resp = await asyncio.wait_for(request, 20)
            body = await resp.json()
        assert resp.status == 200 and body["verified"] is True, body
        assert server.hits["/.well-known/did.json"] == 2  # the job ran again: not lost, not falsely passed
    finally:
        first.kill()
        second.stop()
        redis_server.terminate()
        redis_server.wait(timeout=10)
