"""A revoked API key stops working within ``LER_KEY_CACHE_S`` in a running front end (issue 9)."""

from __future__ import annotations

import asyncio

from tests.service.conftest import running, service_settings
from trust_registry import create_key, revoke_key
from trust_registry.db import create_engine


async def test_revoked_key_stops_working_within_the_key_cache_time(tmp_path, signed_credential):
    settings = service_settings(tmp_path, key_cache_s=0.3)
    async with running(settings) as client:
        engine = create_engine(settings.database_url)
        try:
            async with engine.begin() as conn:
                _, token = await create_key(conn, name="hr-system", role="verify", actor="test")
            headers = {"Authorization": f"Bearer {token}"}
            body = {"verifiableCredential": signed_credential}
            assert (await client.post("/credentials/verify", json=body, headers=headers)).status == 200
            async with engine.begin() as conn:
                await revoke_key(conn, name_or_id="hr-system", actor="test")
            await asyncio.sleep(0.4)  # past LER_KEY_CACHE_S
            resp = await client.post("/credentials/verify", json=body, headers=headers)
            assert resp.status == 401 and "revoked" in (await resp.json())["detail"]
        finally:
            await engine.dispose()


async def test_a_key_in_constant_use_is_refreshed_ahead_and_still_stops_within_the_key_cache_time(
        tmp_path, signed_credential):
    """Requests keep coming, so the key's answer is read again ahead of time in the background; that never
    lets a revoked key live past ``LER_KEY_CACHE_S`` after the last read that saw it live."""
    settings = service_settings(tmp_path, key_cache_s=0.4)
    async with running(settings) as client:
        engine = create_engine(settings.database_url)
        try:
            async with engine.begin() as conn:
                _, token = await create_key(conn, name="busy-hr-system", role="verify", actor="test")
            headers = {"Authorization": f"Bearer {token}"}

            async def status() -> int:
                resp = await client.post("/credentials/verify", json={"verifiableCredential": signed_credential},
                                         headers=headers)
                return resp.status

            loop = asyncio.get_running_loop()
            until = loop.time() + 1.0
            while loop.time() < until:  # in constant use: answers refreshed ahead, never waited for
                assert await status() == 200
                await asyncio.sleep(0.03)
            async with engine.begin() as conn:
                await revoke_key(conn, name_or_id="busy-hr-system", actor="test")
            revoked_at = loop.time()
            statuses = []
            while loop.time() < revoked_at + 1.2:
                statuses.append((loop.time() - revoked_at, await status()))
                await asyncio.sleep(0.03)
            first_refusal = next(t for t, s in statuses if s == 401)
            assert first_refusal <= 0.4 + 0.3, statuses  # the key cache time, plus this loop's own step
            assert all(s == 401 for t, s in statuses if t >= first_refusal)
        finally:
            await engine.dispose()
