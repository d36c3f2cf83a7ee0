"""Fixtures: a fresh registry database per test on SQLite (temporary file) and on PostgreSQL
(a new database on 127.0.0.1:5432, ICU en-US collation, created and dropped through asyncpg), and a
real aiohttp test server with the admin and TRQP sub-applications mounted as the service will."""

from __future__ import annotations

import asyncio
import os
import uuid
from datetime import datetime, timezone
from pathlib import Path

import asyncpg
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from trust_registry.admin import create_admin_app, create_trqp_app
from trust_registry.db import create_engine
from trust_registry.keys import create_key
from trust_registry.migrate import migrate

PG = {"host": os.environ.get("LER_TEST_PG_HOST", "127.0.0.1"), "port": int(os.environ.get("LER_TEST_PG_PORT", "5432")),
      "user": os.environ.get("LER_TEST_PG_USER", "postgres")}
VECTORS = Path(os.environ.get("LER_VECTORS", Path(__file__).resolve().parents[3] / "shared" / "vectors"))
DCC_REGISTRY = VECTORS / "resources" / "dcc" / "sandbox-registry.json"
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)
_pg_state: dict = {}


def _pg_problem() -> str | None:
    """None when PostgreSQL answers; the reason otherwise (checked once per session)."""
    if "problem" not in _pg_state:
        async def probe():
            conn = await asyncpg.connect(database="postgres", timeout=3, **PG)
            await conn.close()
        try:
            asyncio.run(probe())
            _pg_state["problem"] = None
        except (OSError, asyncpg.PostgresError, asyncio.TimeoutError) as exc:
            _pg_state["problem"] = f"PostgreSQL at {PG['host']}:{PG['port']} is unreachable ({type(exc).__name__}: {exc})"
    return _pg_state["problem"]


async def _admin_conn():
    return await asyncpg.connect(database="postgres", timeout=5, **PG)


async def create_pg_database(migrated: bool = True) -> str:
    """A new database; when ``migrated`` a copy of a once-migrated template (still a fresh database)."""
    name = f"tr_{uuid.uuid4().hex[:16]}"
    conn = await _admin_conn()
    try:
        if migrated:
            template = await _template(conn)
            await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        else:
            await conn.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 LOCALE_PROVIDER icu "
                               f"ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'")
    finally:
        await conn.close()
    return f"postgresql+asyncpg://{PG['user']}@{PG['host']}:{PG['port']}/{name}"


async def drop_pg_database(url: str) -> None:
    conn = await _admin_conn()
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
    finally:
        await conn.close()


async def _template(conn) -> str:
    if "template" not in _pg_state:
        name = f"tr_template_{uuid.uuid4().hex[:12]}"
        await conn.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 LOCALE_PROVIDER icu "
                           f"ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'")
        await migrate(f"postgresql+asyncpg://{PG['user']}@{PG['host']}:{PG['port']}/{name}")
        _pg_state["template"] = name
    return _pg_state["template"]


def pytest_sessionfinish(session, exitstatus):
    template = _pg_state.get("template")
    if template:
        async def drop():
            conn = await _admin_conn()
            try:
                await conn.execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
            finally:
                await conn.close()
        asyncio.run(drop())


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request) -> str:
    """Run the test once per database backend (PostgreSQL skipped, with the reason, when unreachable)."""
    if request.param == "postgresql" and _pg_problem():
        pytest.skip(_pg_problem())
    return request.param


@pytest.fixture
async def db_url(backend, tmp_path):
    """URL of a fresh, migrated registry database."""
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'registry.sqlite3'}"
        await migrate(url)
        yield url
        return
    url = await create_pg_database()
    try:
        yield url
    finally:
        await drop_pg_database(url)


@pytest.fixture
async def engine(db_url):
    eng = create_engine(db_url)
    yield eng
    await eng.dispose()


@pytest.fixture
async def tokens(engine) -> dict:
    """Bearer tokens: ``admin`` (role admin), ``verify`` (role verify), ``revoked`` (admin, revoked)."""
    from trust_registry.keys import revoke_key
    out = {}
    async with engine.begin() as conn:
        for name, role in (("alice", "admin"), ("vera", "verify"), ("old", "admin")):
            _key, out[name] = await create_key(conn, name=name, role=role, actor="test")
        await revoke_key(conn, name_or_id="old", actor="test")
    return {"admin": out["alice"], "verify": out["vera"], "revoked": out["old"]}


@pytest.fixture
async def service(db_url):
    """A root app with the admin sub-app at /admin and TRQP at /trqp, served on a real port."""
    root = web.Application()
    root.add_subapp("/admin", create_admin_app(registry_url=db_url, max_body_bytes=20_000,
                                               max_import_bytes=2_000_000))
    root.add_subapp("/trqp", create_trqp_app(registry_url=db_url, authority_id="did:web:operator.example"))
    client = TestClient(TestServer(root))
    await client.start_server()
    yield client
    await client.close()


@pytest.fixture
def admin_headers(tokens) -> dict:
    return {"Authorization": f"Bearer {tokens['admin']}"}
