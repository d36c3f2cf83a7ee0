"""Apply the packaged Alembic migrations programmatically (no alembic.ini needed)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.util.exc import CommandError
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from trust_registry.db import async_url, connect, create_engine, describe_error, is_postgresql
from trust_registry.errors import RegistryUnavailable

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# pg_advisory_xact_lock key serialising concurrent migrations (any 64-bit constant of ours).
_PG_LOCK_KEY = 0x4C45525F54525553


#: How long a SQLite migration waits for another process's write lock, seconds.
MIGRATION_LOCK_WAIT_S = 60.0


async def migrate(url: str, *, revision: str = "head") -> None:
    """Bring the registry schema at ``url`` to ``revision`` (creates the SQLite file if needed).

    Safe to call from several processes at once: PostgreSQL takes an advisory lock, SQLite an
    immediate write lock, for the whole (transactional) upgrade.

    :param url: database URL (see :func:`trust_registry.db.async_url`).
    :param revision: Alembic revision to upgrade to.
    :raises RegistryUnavailable: the database cannot be reached or the upgrade failed.
    :raises ConfigError: unusable URL.
    """
    # Concurrent SQLite starters queue on the write lock, each waiting for the ones before it: allow for
    # that (PostgreSQL's advisory lock waits by itself; its connect timeout stays short).
    sqlite = make_url(async_url(url)).get_backend_name() == "sqlite"
    engine = create_engine(url, connect_timeout_s=MIGRATION_LOCK_WAIT_S if sqlite else 5.0)
    try:
        await migrate_engine(engine, revision=revision)
    finally:
        await engine.dispose()


async def migrate_engine(engine: AsyncEngine, *, revision: str = "head") -> None:
    """As :func:`migrate`, on an engine the caller owns.

    :raises ConfigError: the driver refused a setting of the URL.
    :raises RegistryUnavailable: the database cannot be reached, or the upgrade failed.
    """
    conn = await connect(engine)
    try:
        if is_postgresql(conn):
            await conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
        else:
            await conn.exec_driver_sql("BEGIN IMMEDIATE")
        await conn.run_sync(_upgrade, revision)
        await conn.commit()
    except (SQLAlchemyError, OSError, TimeoutError, CommandError) as exc:
        raise RegistryUnavailable(f"cannot migrate the registry database: {describe_error(exc)}") from exc
    finally:
        try:
            await conn.close()
        except (SQLAlchemyError, OSError):  # a broken connection: the error above says why
            pass


def _upgrade(sync_conn, revision: str) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = sync_conn
    command.upgrade(cfg, revision)
