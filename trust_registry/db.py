"""Database URLs and engines: SQLite (aiosqlite) for one machine, PostgreSQL (asyncpg) for several.

Settings (DESIGN.md "Embedded default"): ``LER_DATABASE_URL`` (an SQLAlchemy URL) wins; otherwise the
SQLite file ``registry.sqlite3`` in ``LER_DATA_DIR``, itself defaulting to the user data directory of
``ler-verifier`` (platformdirs).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from trust_registry.errors import ConfigError

APP_NAME = "ler-verifier"
SQLITE_FILE_NAME = "registry.sqlite3"
ENV_DATABASE_URL = "LER_DATABASE_URL"
ENV_DATA_DIR = "LER_DATA_DIR"

_ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg", "postgres": "postgresql+asyncpg"}


def default_database_url(data_dir: Path | None = None) -> str:
    """The registry database URL from the environment.

    :param data_dir: directory for the SQLite file; None reads ``LER_DATA_DIR`` and falls back to the
        platformdirs user data directory of ``ler-verifier``.
    :returns: ``LER_DATABASE_URL`` when set (non-empty), else ``sqlite+aiosqlite:///<dir>/registry.sqlite3``.
    """
    url = os.environ.get(ENV_DATABASE_URL, "").strip()
    if url:
        return url
    if data_dir is None:
        env_dir = os.environ.get(ENV_DATA_DIR, "").strip()
        data_dir = Path(env_dir) if env_dir else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    return f"sqlite+aiosqlite:///{Path(data_dir).expanduser().resolve() / SQLITE_FILE_NAME}"


def async_url(url: str) -> str:
    """Normalise a database URL to its async driver.

    ``sqlite:///f`` -> ``sqlite+aiosqlite:///f``; ``postgresql://...`` / ``postgres://...`` ->
    ``postgresql+asyncpg://...``; URLs already naming those drivers are returned unchanged.

    :raises ConfigError: unparseable URL, or a backend/driver other than SQLite/aiosqlite or
        PostgreSQL/asyncpg.
    """
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError, TypeError) as exc:
        raise ConfigError(f"{ENV_DATABASE_URL}: cannot parse database URL {_redact(url)!r}") from exc
    backend, _, driver = parsed.drivername.partition("+")
    wanted = _ASYNC_DRIVERS.get(backend)
    if wanted is None or (driver and f"{backend}+{driver}" != wanted):
        raise ConfigError(
            f"{ENV_DATABASE_URL}: unsupported database {parsed.drivername!r} in {_redact(url)!r}; "
            "use sqlite:///PATH or postgresql://USER@HOST/DB")
    return parsed.set(drivername=wanted).render_as_string(hide_password=False)


def create_engine(url: str, *, connect_timeout_s: float = 5.0, echo: bool = False) -> AsyncEngine:
    """An async engine for ``url`` with our connection settings.

    SQLite: the parent directory is created, WAL journal, foreign keys on, 5 s busy timeout.
    PostgreSQL: ``connect_timeout_s`` bounds connecting.

    :param url: any URL accepted by :func:`async_url`.
    :param connect_timeout_s: seconds to wait for a connection (PostgreSQL) or a lock (SQLite).
    :raises ConfigError: see :func:`async_url`.
    """
    full = make_url(async_url(url))
    if full.get_backend_name() == "sqlite":
        if full.database and full.database != ":memory:" and not full.database.startswith("file:"):
            Path(full.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(full, echo=echo, connect_args={"timeout": connect_timeout_s})
        event.listen(engine.sync_engine, "connect", _sqlite_on_connect)
        return engine
    return create_async_engine(full, echo=echo, connect_args={"timeout": connect_timeout_s},
                               pool_pre_ping=True)


def is_postgresql(engine_or_conn) -> bool:
    """:returns: True when the engine or connection talks to PostgreSQL."""
    return engine_or_conn.dialect.name == "postgresql"


def _sqlite_on_connect(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _redact(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - only used to build a message about an unparseable URL
        return "<unparseable>"
