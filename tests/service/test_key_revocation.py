"""A revoked API key stops working within ``LER_KEY_CACHE_S`` in a running front end (issue 9)."""

from __future__ import annotations

import asyncio
import contextlib
from typing import AsyncIterator, Callable

from tests.service.conftest import running, service_settings
from trust_registry import create_key, revoke_key
from trust_registry.db import create_engine


@contextlib.asynccontextmanager
async def keyed_service(tmp_path, credential: dict, key_cache_s: float) -> AsyncIterator[tuple[Callable, Callable]]:
    """A running service with one verify key: ``(ask, revoke)``, where ``await ask()`` is the status of a verify
    request made with the key and ``await revoke()`` revokes it in the database."""
    settings = service_settings(tmp_path, key_cache_s=key_cache_s)
    async with running(settings) as client:
        engine = create_engine(settings.database_url)
        try:
            async with engine.begin() as conn:
                _, token = await create_key(conn, name="hr-system", role="verify", actor="test")

            async def ask() -> int:
                resp = await client.post("/credentials/verify", json={"verifiableCredential": credential},
                                         headers={"Authorization": f"Bearer {token}"})
                if resp.status == 401:
                    assert "revoked" in (await resp.json())["detail"]
                return resp.status

            async def revoke() -> None:
                async with engine.begin() as conn:
                    await revoke_key(conn, name_or_id="hr-system", actor="test")

            yield ask, revoke
        finally:
            await engine.dispose()


async def test_revoked_key_stops_working_within_the_key_cache_time(tmp_path, signed_credential):
    async with keyed_service(tmp_path, signed_credential, key_cache_s=0.3) as (ask, revoke):
        assert await ask() == 200
        await revoke()
        await asyncio.sleep(0.4)  # past LER_KEY_CACHE_S
        assert await ask() == 401


async def test_a_key_in_constant_use_is_refreshed_ahead_and_still_stops_within_the_key_cache_time(
        tmp_path, signed_credential):
    """Requests keep coming, so the key's answer is read again ahead of time in the background; that never
    lets a revoked key live past ``LER_KEY_CACHE_S`` after the last read that saw it live."""
    async with keyed_service(tmp_path, signed_credential, key_cache_s=0.4) as (ask, revoke):
        loop = asyncio.get_running_loop()
        until = loop.time() + 1.0
        while loop.time() < until:  # in constant use: answers refreshed ahead, never waited for
            assert await ask() == 200
            await asyncio.sleep(0.03)
        await revoke()
        revoked_at = loop.time()
        statuses = []
        while loop.time() < revoked_at + 1.2:
            statuses.append((loop.time() - revoked_at, await ask()))
            await asyncio.sleep(0.03)
    first_refusal = next(t for t, s in statuses if s == 401)
    assert first_refusal <= 0.4 + 0.3, statuses  # the key cache time, plus this loop's own step
    assert all(s == 401 for t, s in statuses if t >= first_refusal)
