"""Migrations: idempotent, concurrent-safe, and exactly the tables of trust_registry.schema."""

from __future__ import annotations

import asyncio
import sqlite3

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from tests.trust_registry.conftest import create_pg_database, drop_pg_database
from trust_registry.db import create_engine
from trust_registry.migrate import migrate
from trust_registry.schema import metadata


def _diff(sync_conn):
    ctx = MigrationContext.configure(sync_conn, opts={"compare_type": True})
    return compare_metadata(ctx, metadata)


async def test_migrated_schema_matches_the_tables(engine):
    async with engine.connect() as conn:
        assert await conn.run_sync(_diff) == []
        tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
        head = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar_one()
    assert tables == set(metadata.tables) | {"alembic_version"} and head == "0002"


async def test_migrate_is_idempotent_and_safe_concurrently(backend, tmp_path):
    url = (f"sqlite+aiosqlite:///{tmp_path / 'new' / 'r.sqlite3'}" if backend == "sqlite"
           else await create_pg_database(migrated=False))
    try:
        await asyncio.gather(*(migrate(url) for _ in range(4)))
        await migrate(url)
        engine = create_engine(url)
        try:
            async with engine.connect() as conn:
                assert (await conn.execute(text("SELECT version FROM registry_meta"))).scalar_one() == 0
                assert (await conn.execute(text("SELECT name FROM registries"))).scalars().all() == ["local"]
        finally:
            await engine.dispose()
    finally:
        if backend == "postgresql":
            await drop_pg_database(url)


async def test_a_sqlite_connection_does_not_wait_to_switch_the_journal_while_another_writes(tmp_path):
    """Switching a new file to WAL needs it to itself. While another connection holds a write transaction,
    a new connection goes on in the file's current mode instead of waiting out its busy timeout (which
    deadlocked concurrent first migrations); the next connection that finds the file free switches it."""
    path = tmp_path / "r.sqlite3"
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("CREATE TABLE t (x)")
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO t VALUES (1)")
    engine = create_engine(f"sqlite+aiosqlite:///{path}", connect_timeout_s=30)
    try:
        async with engine.connect() as conn:
            assert (await conn.execute(text("PRAGMA journal_mode"))).scalar_one() == "delete"
            assert (await conn.execute(text("SELECT count(*) FROM t"))).scalar_one() == 0  # reads go on
        writer.execute("COMMIT")
        writer.close()
        await engine.dispose()
        async with engine.connect() as conn:
            assert (await conn.execute(text("PRAGMA journal_mode"))).scalar_one() == "wal"
            assert (await conn.execute(text("SELECT count(*) FROM t"))).scalar_one() == 1
    finally:
        await engine.dispose()
