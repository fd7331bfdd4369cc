"""shops keep the store's language, time zone and contact e-mail as the store states them

Revision ID: 0009
Revises: 0005
Create Date: 2026-12-03 16:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import passiton.core.models

revision: str = "0009"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Server defaults backfill the rows that exist: they keep English, UTC and their stored
    # currency until the shop-facts task asks their store (facts_refreshed_at stays NULL).
    with op.batch_alter_table("shops", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("locale", sa.String(length=35), server_default="en", nullable=False)
        )
        batch_op.add_column(
            sa.Column("timezone", sa.String(length=64), server_default="UTC", nullable=False)
        )
        batch_op.add_column(
            sa.Column("contact_email", sa.String(length=255), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "facts_refreshed_at",
                passiton.core.models.UTCDateTime(timezone=True),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("shops", schema=None) as batch_op:
        batch_op.drop_column("facts_refreshed_at")
        batch_op.drop_column("contact_email")
        batch_op.drop_column("timezone")
        batch_op.drop_column("locale")
