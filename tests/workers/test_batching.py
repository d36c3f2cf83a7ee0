"""Distributed mode shares arq jobs between credentials and publishes results once (issue 10).

Real Redis, a real ``ler-verifier worker`` process, the real front end. What is observed is what Redis
was asked (its MONITOR stream, filtered to this test's queue), never our own counters.
"""

from __future__ import annotations

import asyncio
import copy
import threading
import time

import pytest
import redis

from tests.core.credentials import ob3_credential
from tests.signing import new_key, sign_ldp
from tests.workers.conftest import REDIS_URL, WorkerProcess, arq_client, cleanup, new_queue
from workers.dispatcher import ResultWaiter, done_channel, done_message, open_pool


class Monitor:
    """Every command Redis runs that names ``needle``, collected by a MONITOR connection in a thread."""

    def __init__(self, needle: str):
        self.needle = needle
        self.commands: list[str] = []
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        sentinel = f"ECHO {self.needle}:monitor-stop"
        with redis.Redis.from_url(REDIS_URL).monitor() as monitor:
            self._ready.set()
            for entry in monitor.listen():
                if entry["command"] == sentinel:  # everything before it is read, however far behind
                    return
                if self.needle in entry["command"]:
                    self.commands.append(entry["command"])

    def __enter__(self) -> "Monitor":
        self._thread.start()
        assert self._ready.wait(5), "MONITOR did not start"
        return self

    def __exit__(self, *exc) -> None:
        redis.Redis.from_url(REDIS_URL).echo(f"{self.needle}:monitor-stop")  # the thread stops when it reads it
        self._thread.join(timeout=10)
        assert not self._thread.is_alive(), "MONITOR did not reach the stop command"

    def count(self, prefix: str) -> int:
        return sum(1 for c in self.commands if c.startswith(prefix))


async def _verify(client, credential) -> dict:
    resp = await client.post("/credentials/verify", json={"verifiableCredential": credential,
                                                          "options": {"requireTrustedIssuer": False}})
    assert resp.status == 200, await resp.text()
    return await resp.json()


def _proof(body: dict) -> dict:
    return next(r for r in body["results"] if r["check"] == "proof")


@pytest.mark.parametrize("unit", ["request", "credential"])
async def test_concurrent_credentials_share_jobs_and_each_gets_its_own_verdict(redis_ready, tmp_path, unit):
    """Twelve credentials asked at once while no worker runs: the first goes alone (one job may be out),
    the eleven others wait for it and then share one job. Each still gets its own verdict."""
    key = new_key()
    good = [sign_ldp(ob3_credential(key.did, id=f"urn:uuid:{i:08d}-1111-4000-8000-000000000000"), key)
            for i in range(8)]
    tampered = []
    for i in range(4):
        doc = sign_ldp(ob3_credential(key.did, id=f"urn:uuid:{i:08d}-2222-4000-8000-000000000000"), key)
        doc = copy.deepcopy(doc)
        doc["credentialSubject"]["achievement"]["name"] = "Something never awarded"
        tampered.append(doc)
    queue = new_queue()
    worker = WorkerProcess(queue, tmp_path)
    try:
        async with arq_client(tmp_path, queue, dispatch_jobs_in_flight=1, dispatch_batch_wait_s=5.0,
                              verify_deadline_s=60.0, dispatch_unit=unit) as client:
            with Monitor(queue) as seen:
                asked = asyncio.gather(*(_verify(client, doc) for doc in good + tampered))
                await asyncio.sleep(0.3)  # every request is waiting on the queue (the others for at most 5 s)
                worker.start()
                bodies = await asyncio.wait_for(asked, 60)
    finally:
        worker.stop()
        cleanup(queue)
    assert [b["verified"] for b in bodies] == [True] * 8 + [False] * 4
    assert [_proof(b)["outcome"] for b in bodies] == ["passed"] * 8 + ["failed"] * 4
    assert seen.count(f"ZADD {queue} ") == 2, [c[:80] for c in seen.commands if c.startswith("ZADD")]


async def test_a_new_jobs_result_arrives_with_its_message_and_is_not_read_back(worker, queue, module_dir):
    key = new_key()
    async with arq_client(module_dir, queue) as client:
        await _verify(client, sign_ldp(ob3_credential(key.did), key))
        doc = sign_ldp(ob3_credential(key.did, id="urn:uuid:77777777-0000-4000-8000-000000000000"), key)
        with Monitor(queue) as seen:
            started = time.monotonic()
            body = await _verify(client, doc)
            elapsed = time.monotonic() - started
    assert body["verified"] is True
    assert seen.count(f"PUBLISH {queue}:done ") == 1
    published = next(c for c in seen.commands if c.startswith(f"PUBLISH {queue}:done "))
    assert '"outcome":"passed"' in published, "the done message carries the results"
    # the stored result is read only when the message is missed, after ResultWaiter.fallback_poll_s (a
    # loaded machine may take that long to verify; each such wait allows one read)
    allowed = int(elapsed / ResultWaiter(None, "").fallback_poll_s)
    assert seen.count(f"GET arq:result:{queue}") <= allowed, seen.commands


async def test_the_same_request_asked_at_once_is_one_unit_of_work(worker, queue, module_dir):
    key = new_key()
    doc = sign_ldp(ob3_credential(key.did, id="urn:uuid:99999999-0000-4000-8000-000000000000"), key)
    async with arq_client(module_dir, queue) as client:
        await _verify(client, sign_ldp(ob3_credential(key.did), key))
        with Monitor(queue) as seen:
            bodies = await asyncio.gather(*(_verify(client, doc) for _ in range(5)))
    assert [b["verified"] for b in bodies] == [True] * 5
    assert seen.count(f"ZADD {queue} ") == 1, seen.commands
    assert seen.count(f"PUBLISH {queue}:done ") == 1


async def test_per_credential_units_share_the_same_credentials_work(worker, queue, module_dir):
    """``LER_DISPATCH_UNIT=credential``: the front end runs the pipeline and sends each credential's checks;
    the same credential asked different questions at once is one unit."""
    key = new_key()
    doc = sign_ldp(ob3_credential(key.did, id="urn:uuid:88888888-0000-4000-8000-000000000000"), key)
    async with arq_client(module_dir, queue, dispatch_unit="credential") as client:
        await _verify(client, sign_ldp(ob3_credential(key.did), key))
        with Monitor(queue) as seen:
            # different options (the report differs), the same proof and status work
            bodies = await asyncio.gather(*(
                client.post("/credentials/verify", json={"verifiableCredential": doc,
                                                         "options": {"requireTrustedIssuer": False,
                                                                     "checks": checks}})
                for checks in (["proof"], ["proof", "validity"], ["proof", "parse"], ["proof", "status"],
                               ["proof", "issuer_key"])))
            verdicts = [(await b.json())["verified"] for b in bodies]
    assert verdicts == [True] * 5
    assert seen.count(f"ZADD {queue} ") == 1, seen.commands


async def test_a_result_published_before_anyone_waits_is_kept_for_the_ticket(redis_ready):
    pool = open_pool(REDIS_URL, "ler-test-ticket")
    waiter = ResultWaiter(pool, done_channel("ler-test-ticket"))
    await waiter.start()
    try:
        await asyncio.wait_for(waiter._subscribed.wait(), 5)
        with waiter.expect("ler-test-ticket:u:1") as ticket:
            await pool.publish(done_channel("ler-test-ticket"),
                               done_message("ler-test-ticket:u:1", {"units": [{"results": []}]}))
            await asyncio.sleep(0.2)  # delivered before the wait starts
            stored = await ticket.wait(1.0, read_first=False)
        assert stored == {"s": True, "r": {"units": [{"results": []}]}}
        assert waiter._events == {} and waiter._delivered == {}
    finally:
        await waiter.close()
        await pool.aclose(close_connection_pool=True)
