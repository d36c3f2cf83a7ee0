"""The store of shared verifications (issue 12 "Share"): keyword-only functions taking a connection.

A share keeps a credential so that its public page (``GET /v/{id}``) can verify it again on every
view. The share id is an unguessable bearer capability made by the caller (``secrets.token_urlsafe``);
only its SHA-256 is stored. Functions never commit: the caller owns the transaction (STYLE.md rule 9).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from trust_registry.schema import shares


@dataclass(frozen=True)
class Share:
    """One stored share.

    :ivar document: the credential: a JSON object, or a compact VC-JWT string.
    :ivar show: the learner-facing fields opted in (names; empty: only the achievement and the issuer).
    :ivar created_at: when it was made (UTC).
    :ivar expires_at: when it stops being served (UTC), or None for never.
    :ivar owner: the id of the API key that made it, or None (open mode).
    """

    document: dict[str, Any] | str
    show: tuple[str, ...]
    created_at: datetime
    expires_at: datetime | None
    owner: str | None

    def expired(self, now: datetime) -> bool:
        """True once ``now`` (timezone-aware) is at or past :attr:`expires_at`."""
        return self.expires_at is not None and now >= self.expires_at


def share_digest(share_id: str) -> str:
    """The stored key of ``share_id``: SHA-256 of its UTF-8 bytes, lowercase hex."""
    return hashlib.sha256(share_id.encode("utf-8")).hexdigest()


async def insert_share(conn: AsyncConnection, *, share_id: str, share: Share) -> None:
    """Store ``share`` under ``share_id`` (the caller commits)."""
    await conn.execute(insert(shares).values(
        id_sha256=share_digest(share_id), document=share.document, show=list(share.show),
        created_at=share.created_at, expires_at=share.expires_at, owner=share.owner))


async def get_share(conn: AsyncConnection, *, share_id: str) -> Share | None:
    """The share stored under ``share_id``, or None."""
    row = (await conn.execute(select(shares).where(shares.c.id_sha256 == share_digest(share_id)))).first()
    if row is None:
        return None
    return Share(document=row.document, show=tuple(row.show or ()), created_at=row.created_at,
                 expires_at=row.expires_at, owner=row.owner)


async def delete_share(conn: AsyncConnection, *, share_id: str) -> bool:
    """Remove the share under ``share_id`` (the caller commits); True when one was removed."""
    result = await conn.execute(delete(shares).where(shares.c.id_sha256 == share_digest(share_id)))
    return result.rowcount > 0


#: how long an expired share is kept so that its page answers 410 Gone (not 404), days.
EXPIRED_KEPT_DAYS = 30


async def purge_expired(conn: AsyncConnection, *, now: datetime, kept_days: float = EXPIRED_KEPT_DAYS) -> int:
    """Remove shares that expired more than ``kept_days`` before ``now`` (the caller commits).

    Until then an expired share's page answers 410 Gone; afterwards 404, like an id never made.

    :returns: how many were removed.
    """
    result = await conn.execute(delete(shares).where(shares.c.expires_at < now - timedelta(days=kept_days)))
    return result.rowcount or 0
