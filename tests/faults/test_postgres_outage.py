"""Fault: the registry database (PostgreSQL) stops and starts again under a running front end (issue 9).

A private PostgreSQL cluster on a spare port. While it is down:

- a verify request with a known API key and ``requireTrustedIssuer: false`` is still answered and verified
  (the key's last answer stands; the registry is not needed for the verdict);
- with ``requireTrustedIssuer: true`` the answer is not verified and ``issuer_trust`` is indeterminate
  (fail closed: never trusted without the registry);
- a key never seen before gets 503 (it cannot be checked), ``/readyz`` says the database is unreachable.

After it starts again everything answers as before, with no restart of the front end.
"""

from __future__ import annotations

import asyncio
import json

import pytest

from tests.faults.servers import PrivatePostgres
from tests.service.conftest import running, service_settings
from trust_registry import create_key
from trust_registry.db import create_engine
from trust_registry.migrate import migrate


@pytest.fixture
def postgres():
    pg = PrivatePostgres().init()
    yield pg
    pg.destroy()


async def _keys(url: str) -> tuple[str, str]:
    await migrate(url)
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            _, seen = await create_key(conn, name="hr-system", role="verify", actor="test")
            _, unseen = await create_key(conn, name="marketplace", role="verify", actor="test")
    finally:
        await engine.dispose()
    return seen, unseen


async def _verify(client, credential, token: str, *, require_trusted: bool):
    return await client.post("/credentials/verify", headers={"Authorization": f"Bearer {token}"},
                             json={"verifiableCredential": credential,
                                   "options": {"requireTrustedIssuer": require_trusted}})


async def test_verification_goes_on_through_a_database_outage(tmp_path, postgres, signed_credential):
    seen, unseen = await _keys(postgres.url)
    settings = service_settings(tmp_path, database_url=postgres.url, key_cache_s=0.2)
    async with running(settings) as client:
        resp = await _verify(client, signed_credential, seen, require_trusted=False)
        assert resp.status == 200 and (await resp.json())["verified"] is True

        postgres.stop()
        await asyncio.sleep(0.5)  # past the key cache: the database would be asked
        resp = await _verify(client, signed_credential, seen, require_trusted=False)
        body = await resp.json()
        assert resp.status == 200, body
        assert body["verified"] is True
        trust = next(r for r in body["results"] if r["check"] == "issuer_trust")
        assert trust["outcome"] == "indeterminate" and "unavailable" in trust["detail"] and body["trusted"] is None
        assert "127.0.0.1" not in json.dumps(body) and "postgres" not in json.dumps(body)  # no database details leak

        resp = await _verify(client, signed_credential, seen, require_trusted=True)
        body = await resp.json()
        assert resp.status == 200 and body["verified"] is False and body["trusted"] is None

        resp = await _verify(client, signed_credential, unseen, require_trusted=False)
        assert resp.status == 503 and resp.content_type == "application/problem+json"
        ready = await client.get("/readyz")
        assert ready.status == 503 and (await ready.json())["checks"]["database"] == "unreachable"

        postgres.start()
        for _ in range(100):
            if (await client.get("/readyz")).status == 200:
                break
            await asyncio.sleep(0.1)
        assert (await client.get("/readyz")).status == 200
        resp = await _verify(client, signed_credential, unseen, require_trusted=True)
        body = await resp.json()
        assert resp.status == 200
        trust = next(r for r in body["results"] if r["check"] == "issuer_trust")
        # the registry answers again (it holds no issuer: trust not checked, but no longer "unavailable")
    assert "unavailable" not in trust["detail"] and "no trust registry is imported" in trust["detail"], trust
    assert body["verified"] is False
