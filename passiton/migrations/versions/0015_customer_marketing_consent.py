"""customers keep their e-mail marketing consent and when the store says it was given

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 19:55:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import passiton.core.models

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable, no backfill: consent is unknown (and so no marketing mail goes out) until the
    # store states it, by the next order's checkbox or a consent webhook. Nothing can be
    # inferred for existing rows, and the version still serving never writes the columns.
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("accepts_marketing", sa.Boolean(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "marketing_consent_at",
                passiton.core.models.UTCDateTime(timezone=True),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_column("marketing_consent_at")
        batch_op.drop_column("accepts_marketing")
