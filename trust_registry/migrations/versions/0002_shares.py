"""Shared verifications: the ``shares`` table (issue 12 "Share").

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "shares",
        sa.Column("id_sha256", sa.String(64), nullable=False),
        sa.Column("document", sa.JSON, nullable=False),
        sa.Column("show", sa.JSON, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS),
        sa.Column("owner", sa.String(32)),
        sa.PrimaryKeyConstraint("id_sha256", name="pk_shares"),
    )


def downgrade() -> None:
    op.drop_table("shares")
