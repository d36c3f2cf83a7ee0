"""API keys: roles ``verify`` and ``admin``, stored as SHA-256 of a random 32-byte secret.

A token reads ``ler_<key id>_<secret>``: the id finds the row, the secret's SHA-256 is compared in
constant time (:func:`hmac.compare_digest`). The token is shown once, at creation. Creating and revoking
keys is audited (entity ``api_key``, no secret in the log) but does not change the registry version.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from trust_registry import audit
from trust_registry.codec import format_dt
from trust_registry.errors import Conflict, FieldError, InvalidInput, NotFound
from trust_registry.schema import api_keys

ROLES = ("verify", "admin")
TOKEN_PREFIX = "ler_"
_TOKEN = re.compile(r"^ler_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._@:-]{0,99}$")


@dataclass(frozen=True)
class ApiKey:
    """A stored key (never its secret).

    :ivar id: 16 hex characters, part of the token. :ivar name: who holds it (audit ``actor``).
    :ivar role: ``verify`` or ``admin`` (admin may also verify). :ivar revoked_at: None while live.
    """

    id: str
    name: str
    role: str
    created_at: datetime
    created_by: str
    revoked_at: datetime | None = None

    def allows(self, role: str) -> bool:
        """:returns: True when this key may act in ``role`` (``admin`` implies ``verify``)."""
        return self.revoked_at is None and (self.role == role or self.role == "admin")

    def to_json(self) -> dict:
        """:returns: JSON-ready data without any secret."""
        return {"id": self.id, "name": self.name, "role": self.role, "created_at": format_dt(self.created_at),
                "created_by": self.created_by, "revoked_at": format_dt(self.revoked_at)}


async def create_key(conn: AsyncConnection, *, name: str, role: str, actor: str,
                     now: datetime | None = None) -> tuple[ApiKey, str]:
    """Create a key.

    :param name: 1-100 characters, letters, digits, space and ``._@:-``; unique among live keys.
    :param role: ``verify`` or ``admin``.
    :returns: ``(key, token)``; the token is not stored and cannot be shown again.
    :raises InvalidInput: bad name or role. :raises Conflict: a live key has this name.
    """
    errors = []
    if not isinstance(name, str) or not _NAME.match(name):
        errors.append(FieldError("/name", "name must be 1-100 letters, digits, spaces or ._@:- "
                                          "starting with a letter or digit"))
    if role not in ROLES:
        errors.append(FieldError("/role", f"role must be one of {', '.join(ROLES)}"))
    if errors:
        raise InvalidInput(errors)
    if await _live_by_name(conn, name) is not None:
        raise Conflict(f"a live API key named {name!r} exists; revoke it first", pointer="/name")
    key_id, secret = secrets.token_hex(8), base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")
    now = audit.utc_now(now)
    key = ApiKey(id=key_id, name=name, role=role, created_at=now, created_by=actor)
    await conn.execute(api_keys.insert(), [{"id": key_id, "name": name, "role": role, "secret_sha256": _digest(secret),
                                            "created_at": now, "created_by": actor, "revoked_at": None}])
    await audit.record(conn, at=now, actor=actor, action="create", entity="api_key", entity_id=key_id,
                       version=await audit.current_version(conn), after=key.to_json())
    return key, f"{TOKEN_PREFIX}{key_id}_{secret}"


async def list_keys(conn: AsyncConnection, *, include_revoked: bool = False) -> list[ApiKey]:
    """:returns: keys ordered by name then creation time."""
    stmt = select(api_keys).order_by(api_keys.c.name, api_keys.c.created_at)
    if not include_revoked:
        stmt = stmt.where(api_keys.c.revoked_at.is_(None))
    return [_from_row(r) for r in (await conn.execute(stmt)).mappings()]


async def revoke_key(conn: AsyncConnection, *, name_or_id: str, actor: str, now: datetime | None = None) -> ApiKey:
    """Revoke the live key with this name (or id).

    :raises NotFound: no live key by that name or id.
    """
    row = await _live_by_name(conn, name_or_id)
    if row is None:
        row = (await conn.execute(select(api_keys).where(api_keys.c.id == name_or_id,
                                                         api_keys.c.revoked_at.is_(None)))).mappings().first()
    if row is None:
        raise NotFound("api_key", name_or_id)
    before = _from_row(row)
    now = audit.utc_now(now)
    await conn.execute(update(api_keys).where(api_keys.c.id == before.id).values(revoked_at=now))
    after = replace(before, revoked_at=now)
    await audit.record(conn, at=now, actor=actor, action="revoke", entity="api_key", entity_id=before.id,
                       version=await audit.current_version(conn), before=before.to_json(), after=after.to_json())
    return after


async def authenticate_token(conn: AsyncConnection, *, token: str) -> ApiKey | None:
    """The live key a bearer token belongs to.

    :returns: the key, or None for a malformed, unknown or revoked token.
    """
    m = _TOKEN.match(token) if isinstance(token, str) else None
    if m is None:
        return None
    row = (await conn.execute(select(api_keys).where(api_keys.c.id == m.group(1)))).mappings().first()
    expected = row["secret_sha256"] if row is not None else "0" * 64
    if not hmac.compare_digest(_digest(m.group(2)), expected) or row is None or row["revoked_at"] is not None:
        return None
    return _from_row(row)


def token_cache_key(token: str) -> str:
    """:returns: a cache key for ``token`` that does not keep the token itself in memory."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


async def _live_by_name(conn: AsyncConnection, name: str):
    return (await conn.execute(select(api_keys).where(api_keys.c.name == name, api_keys.c.revoked_at.is_(None))
                               )).mappings().first()


def _from_row(r) -> ApiKey:
    return ApiKey(id=r["id"], name=r["name"], role=r["role"], created_at=r["created_at"],
                  created_by=r["created_by"], revoked_at=r["revoked_at"])
