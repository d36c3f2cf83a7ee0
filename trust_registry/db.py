"""Database URLs and engines: SQLite (aiosqlite) for one machine, PostgreSQL (asyncpg) for several.

Settings (DESIGN.md "Embedded default"): ``LER_DATABASE_URL`` (an SQLAlchemy URL) wins; otherwise the
SQLite file ``registry.sqlite3`` in ``LER_DATA_DIR``, itself defaulting to the user data directory of
``ler-verifier`` (platformdirs).
"""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path

import platformdirs
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from trust_registry.errors import ConfigError, RegistryUnavailable

APP_NAME = "ler-verifier"
SQLITE_FILE_NAME = "registry.sqlite3"
ENV_DATABASE_URL = "LER_DATABASE_URL"
ENV_DATA_DIR = "LER_DATA_DIR"

_EXAMPLES = "use sqlite:///PATH or postgresql://USER@HOST/DB"
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

    :raises ConfigError: unparseable URL (or a port outside 1..65535), or a backend/driver other than
        SQLite/aiosqlite or PostgreSQL/asyncpg. The message names ``LER_DATABASE_URL`` and the value
        (password hidden).
    """
    if not isinstance(url, str) or not url.strip():
        raise ConfigError(f"{ENV_DATABASE_URL}: the database URL is empty; {_EXAMPLES}")
    try:
        parsed = make_url(url)
        port = parsed.port
    except (ArgumentError, ValueError, TypeError) as exc:
        raise ConfigError(f"{ENV_DATABASE_URL}: cannot parse database URL {redact_url(url)!r}; {_EXAMPLES}") from exc
    backend, _, driver = parsed.drivername.partition("+")
    wanted = _ASYNC_DRIVERS.get(backend)
    if wanted is None or (driver and f"{backend}+{driver}" != wanted):
        raise ConfigError(
            f"{ENV_DATABASE_URL}: unsupported database {parsed.drivername!r} in {redact_url(url)!r}; {_EXAMPLES}")
    if port is not None and not 0 < port <= 65535:
        raise ConfigError(f"{ENV_DATABASE_URL}: port {port} in {redact_url(url)!r} is not in 1..65535")
    return parsed.set(drivername=wanted).render_as_string(hide_password=False)


def create_engine(url: str, *, connect_timeout_s: float = 5.0, echo: bool = False) -> AsyncEngine:
    """An async engine for ``url`` with our connection settings.

    SQLite: the parent directory is created, WAL journal, foreign keys on, a busy timeout of
    ``connect_timeout_s``.
    PostgreSQL: ``connect_timeout_s`` bounds connecting.

    :param url: any URL accepted by :func:`async_url`.
    :param connect_timeout_s: seconds to wait for a connection (PostgreSQL) or a lock (SQLite).
    :raises ConfigError: see :func:`async_url`.
    :raises RegistryUnavailable: the directory of the SQLite file cannot be created.
    """
    full = make_url(async_url(url))
    if full.get_backend_name() == "sqlite":
        if full.database and full.database != ":memory:" and not full.database.startswith("file:"):
            folder = Path(full.database).expanduser().parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise RegistryUnavailable(f"cannot create the directory {str(folder)!r} of the registry database: "
                                          f"{exc.strerror or type(exc).__name__}") from exc
        engine = create_async_engine(full, echo=echo, connect_args={"timeout": connect_timeout_s})
        busy_ms = int(connect_timeout_s * 1000)
        event.listen(engine.sync_engine, "connect", lambda conn, record: _sqlite_on_connect(conn, busy_ms))
        return engine
    return create_async_engine(full, echo=echo, connect_args={"timeout": connect_timeout_s},
                               pool_pre_ping=True)


async def connect(engine: AsyncEngine) -> AsyncConnection:
    """Open a connection (the caller closes it), telling a bad URL from an unreachable database.

    :raises ConfigError: the driver refused a setting of the URL (e.g. an unknown query parameter).
    :raises RegistryUnavailable: the database cannot be reached, refused the login, or does not exist.
    """
    url = redact_url(engine.url.render_as_string(hide_password=True))
    try:
        return await engine.connect().start()
    except (TypeError, ValueError, OverflowError) as exc:  # raised by the driver's connect() for its arguments
        raise ConfigError(f"{ENV_DATABASE_URL}: the database driver refused {url!r}: {_first_line(exc)}") from exc
    except (SQLAlchemyError, OSError, TimeoutError) as exc:
        raise RegistryUnavailable(f"cannot connect to the registry database {url!r}: {describe_error(exc)}") from exc


def describe_error(exc: BaseException) -> str:
    """:returns: ``ErrorClass: first line of its message`` for a database failure, never SQL text (a
    :class:`DBAPIError` is described by the driver's own error, without SQLAlchemy's statement)."""
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        inner = exc.orig.__cause__ or exc.orig
        return f"{type(inner).__name__}: {_first_line(inner)}"
    if isinstance(exc, SQLAlchemyError):
        return type(exc).__name__
    return f"{type(exc).__name__}: {_first_line(exc)}" if str(exc) else type(exc).__name__


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0][:200] if lines else ""


def is_postgresql(engine_or_conn) -> bool:
    """:returns: True when the engine or connection talks to PostgreSQL."""
    return engine_or_conn.dialect.name == "postgresql"


def _sqlite_on_connect(dbapi_connection, busy_ms: int) -> None:
    """Foreign keys on, the WAL journal, and a busy timeout of ``busy_ms`` for everything after.

    Switching to WAL needs the file to itself. A connection that finds another one holding a lock does
    not wait for it (waiting there deadlocks against a writer that needs this connection's shared lock:
    concurrent first migrations of a new file waited out the whole busy timeout and failed); it goes on
    in the file's current mode, and the next connection that finds the file free switches it. The mode
    is persistent, and only a matter of speed.
    """
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=0")
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode != sqlite3.SQLITE_BUSY:
                raise
        cursor.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
    finally:
        cursor.close()


def redact_url(url: str, limit: int = 200) -> str:
    """:returns: ``url`` for a message: the password replaced by ``***``, control characters escaped
    (by the caller's ``!r``), cut after ``limit`` characters; works on unparseable text too."""
    try:
        shown = make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an unparseable URL: hide anything between "user:" and "@"
        shown = re.sub(r"(//[^/:@]*:)[^@/]*@", r"\1***@", str(url))
    return shown[:limit] + ("..." if len(shown) > limit else "")
