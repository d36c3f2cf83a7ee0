"""API keys: hashed storage, authentication, revocation, audit."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from trust_registry import audit
from trust_registry.errors import Conflict, InvalidInput, NotFound
from trust_registry.keys import authenticate_token, create_key, list_keys, revoke_key
from trust_registry.lookup import TrustRegistry
from trust_registry.schema import api_keys


async def test_create_authenticate_revoke(engine):
    async with engine.begin() as conn:
        key, token = await create_key(conn, name="ops team", role="admin", actor="cli:root")
    assert token.startswith(f"ler_{key.id}_") and len(token) == 4 + 16 + 1 + 43
    async with engine.connect() as conn:
        stored = (await conn.execute(select(api_keys))).mappings().one()
        assert token.split("_", 2)[2] not in str(dict(stored)) and len(stored["secret_sha256"]) == 64
        assert (await authenticate_token(conn, token=token)) == key
        assert await authenticate_token(conn, token=token[:-1] + ("A" if token[-1] != "A" else "B")) is None
        assert await authenticate_token(conn, token=token.replace(key.id, "0" * 16)) is None
        assert await authenticate_token(conn, token="") is None
        assert await authenticate_token(conn, token=None) is None
    async with engine.begin() as conn:
        revoked = await revoke_key(conn, name_or_id="ops team", actor="cli:root")
    assert revoked.revoked_at is not None and not revoked.allows("admin")
    async with engine.connect() as conn:
        assert await authenticate_token(conn, token=token) is None
        assert await list_keys(conn) == []
        assert [k.name for k in await list_keys(conn, include_revoked=True)] == ["ops team"]
        entries = await audit.list_audit(conn, entity="api_key")
        assert [e.action for e in entries] == ["revoke", "create"]
        assert token not in str([e.to_json() for e in entries])
        assert await audit.current_version(conn) == 0          # keys are not registry data


async def test_roles_names_and_rotation(engine):
    async with engine.begin() as conn:
        verify, _ = await create_key(conn, name="portal", role="verify", actor="t")
        assert verify.allows("verify") and not verify.allows("admin")
        with pytest.raises(Conflict):
            await create_key(conn, name="portal", role="admin", actor="t")
        with pytest.raises(InvalidInput) as info:
            await create_key(conn, name=" bad", role="root", actor="t")
        assert [e.pointer for e in info.value.errors] == ["/name", "/role"]
        await revoke_key(conn, name_or_id=verify.id, actor="t")
        again, _ = await create_key(conn, name="portal", role="verify", actor="t")   # rotation after revoking
        assert again.id != verify.id
        with pytest.raises(NotFound):
            await revoke_key(conn, name_or_id="nobody", actor="t")


async def test_registry_handle_caches_answers(engine, db_url):
    async with engine.begin() as conn:
        _, token = await create_key(conn, name="svc", role="verify", actor="t")
    handle = await TrustRegistry.open(db_url, migrate_schema=False, key_cache_ttl_s=60)
    uncached = await TrustRegistry.open(db_url, migrate_schema=False, key_cache_ttl_s=0)
    try:
        assert (await handle.authenticate(token)).name == "svc"
        assert await handle.authenticate("ler_bogus") is None
        async with engine.begin() as conn:
            await revoke_key(conn, name_or_id="svc", actor="t")
        assert (await handle.authenticate(token)).name == "svc"     # cached for key_cache_ttl_s
        assert await uncached.authenticate(token) is None
    finally:
        await handle.close()
        await uncached.close()
