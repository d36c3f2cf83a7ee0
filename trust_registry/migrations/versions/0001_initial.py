"""Initial registry schema: registries, issuers, identifiers, authorizations, audit log, API keys.

Revision ID: 0001
Revises:
Create Date: 2026-01-01
"""

from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    meta = op.create_table(
        "registry_meta",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_registry_meta"),
    )
    regs = op.create_table(
        "registries",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("priority", sa.Integer, nullable=False),
        sa.Column("description", sa.Text),
        sa.Column("authority_id", sa.String(2048)),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_registries"),
    )
    op.create_table(
        "issuers",
        sa.Column("id", sa.String(128), nullable=False),
        sa.Column("registry", sa.String(64), nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("legal_name", sa.String(500)),
        sa.Column("homepage", sa.String(2048)),
        sa.Column("logo_url", sa.String(2048)),
        sa.Column("country", sa.String(100)),
        sa.Column("location", sa.String(500)),
        sa.Column("sector", sa.String(100)),
        sa.Column("external_ids", sa.JSON, nullable=False),
        sa.Column("accreditor", sa.String(500)),
        sa.Column("notes", sa.Text),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("status_reason", sa.Text),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_issuers"),
        sa.ForeignKeyConstraint(["registry"], ["registries.name"], name="fk_issuers_registry_registries"),
    )
    op.create_index("ix_issuers_registry", "issuers", ["registry"])
    op.create_table(
        "identifiers",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("issuer_id", sa.String(128), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("normalized", sa.Text, nullable=False),
        sa.Column("lookup_key", sa.String(64), nullable=False),
        sa.Column("match", sa.String(16), nullable=False),
        sa.Column("verification_methods", sa.JSON, nullable=False),
        sa.Column("valid_from", TS),
        sa.Column("valid_until", TS),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("status_reason", sa.Text),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_identifiers"),
        sa.ForeignKeyConstraint(["issuer_id"], ["issuers.id"], ondelete="CASCADE",
                                name="fk_identifiers_issuer_id_issuers"),
        sa.UniqueConstraint("issuer_id", "lookup_key", name="uq_identifiers_issuer_id_lookup_key"),
    )
    op.create_index("ix_identifiers_issuer_id", "identifiers", ["issuer_id"])
    op.create_index("ix_identifiers_lookup_key", "identifiers", ["lookup_key"])
    op.create_table(
        "authorizations",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("issuer_id", sa.String(128), nullable=False),
        sa.Column("credential_type", sa.String(512)),
        sa.Column("valid_from", TS),
        sa.Column("valid_until", TS),
        sa.PrimaryKeyConstraint("id", name="pk_authorizations"),
        sa.ForeignKeyConstraint(["issuer_id"], ["issuers.id"], ondelete="CASCADE",
                                name="fk_authorizations_issuer_id_issuers"),
    )
    op.create_index("ix_authorizations_issuer_id", "authorizations", ["issuer_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("entity", sa.String(32), nullable=False),
        sa.Column("entity_id", sa.String(200), nullable=False),
        sa.Column("registry_version", sa.BigInteger, nullable=False),
        sa.Column("before", sa.JSON),
        sa.Column("after", sa.JSON),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_entity_entity_id", "audit_log", ["entity", "entity_id"])
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("secret_sha256", sa.String(64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("revoked_at", TS),
        sa.PrimaryKeyConstraint("id", name="pk_api_keys"),
    )
    op.create_index("ix_api_keys_name", "api_keys", ["name"])
    now = datetime.now(timezone.utc)
    if op.get_bind().dialect.name == "sqlite":
        now = now.replace(tzinfo=None)
    op.bulk_insert(meta, [{"id": 1, "version": 0}])
    op.bulk_insert(regs, [{"name": "local", "priority": 0, "description": "Entries kept by this operator",
                           "authority_id": None, "created_at": now, "updated_at": now, "revision": 1}])


def downgrade() -> None:
    for table in ("api_keys", "audit_log", "authorizations", "identifiers", "issuers", "registries",
                  "registry_meta"):
        op.drop_table(table)
