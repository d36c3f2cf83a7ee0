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
