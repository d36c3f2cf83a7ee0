"""The registry's tables (SQLAlchemy Core), portable between SQLite and PostgreSQL.

The Alembic migrations in ``trust_registry/migrations/versions`` create exactly these tables; a test
compares the two. Times are stored as timezone-aware UTC (:class:`UtcDateTime`).
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (JSON, BigInteger, Column, DateTime, ForeignKey, Index, Integer, MetaData, String,
                        Table, Text, UniqueConstraint)
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)


class UtcDateTime(TypeDecorator):
    """A timezone-aware UTC ``datetime`` on every backend (SQLite stores no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the registry store; use timezone-aware UTC")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


# Autoincrementing 64-bit keys: SQLite only autoincrements INTEGER PRIMARY KEY.
BigId = BigInteger().with_variant(Integer(), "sqlite")

registry_meta = Table(
    "registry_meta", metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("version", BigInteger, nullable=False),
)

registries = Table(
    "registries", metadata,
    Column("name", String(64), primary_key=True),
    Column("priority", Integer, nullable=False),
    Column("description", Text),
    Column("authority_id", String(2048)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("revision", Integer, nullable=False),
)

issuers = Table(
    "issuers", metadata,
    Column("id", String(128), primary_key=True),
    Column("registry", String(64), ForeignKey("registries.name"), nullable=False, index=True),
    Column("name", String(500), nullable=False),
    Column("legal_name", String(500)),
    Column("homepage", String(2048)),
    Column("logo_url", String(2048)),
    Column("country", String(100)),
    Column("location", String(500)),
    Column("sector", String(100)),
    Column("external_ids", JSON, nullable=False),
    Column("accreditor", String(500)),
    Column("notes", Text),
    Column("status", String(16), nullable=False),
    Column("status_reason", Text),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("revision", Integer, nullable=False),
)

identifiers = Table(
    "identifiers", metadata,
    Column("id", String(64), primary_key=True),
    Column("issuer_id", String(128), ForeignKey("issuers.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("position", Integer, nullable=False),  # order within the issuer
    Column("value", Text, nullable=False),
    Column("normalized", Text, nullable=False),
    # SHA-256 (hex) of ``normalized``: an index that is exact on every collation and any length.
    Column("lookup_key", String(64), nullable=False, index=True),
    Column("match", String(16), nullable=False),
    Column("verification_methods", JSON, nullable=False),
    Column("valid_from", UtcDateTime),
    Column("valid_until", UtcDateTime),
    Column("status", String(16), nullable=False),
    Column("status_reason", Text),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("revision", Integer, nullable=False),
    UniqueConstraint("issuer_id", "lookup_key"),
)

authorizations = Table(
    "authorizations", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("issuer_id", String(128), ForeignKey("issuers.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("credential_type", String(512)),
    Column("valid_from", UtcDateTime),
    Column("valid_until", UtcDateTime),
)

audit_log = Table(
    "audit_log", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("at", UtcDateTime, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(32), nullable=False),
    Column("entity", String(32), nullable=False),
    Column("entity_id", String(200), nullable=False),
    Column("registry_version", BigInteger, nullable=False),
    Column("before", JSON),
    Column("after", JSON),
    Index("ix_audit_log_entity_entity_id", "entity", "entity_id"),
)

api_keys = Table(
    "api_keys", metadata,
    Column("id", String(32), primary_key=True),
    Column("name", String(200), nullable=False, index=True),
    Column("role", String(16), nullable=False),
    Column("secret_sha256", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("revoked_at", UtcDateTime),
)

# Shared verifications (issue 12 "Share"): a credential kept so its public page can re-verify it. The
# share id is a bearer capability: only its SHA-256 is stored, so a copy of the database names no page.
shares = Table(
    "shares", metadata,
    Column("id_sha256", String(64), primary_key=True),
    Column("document", JSON, nullable=False),  # the credential: a JSON object, or a compact JWT string
    Column("show", JSON, nullable=False),      # the learner-facing fields opted in (list of names)
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime),
    Column("owner", String(32)),               # the API key id that created it (None in open mode)
)
