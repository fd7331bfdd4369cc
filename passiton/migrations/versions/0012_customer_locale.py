"""customers keep the language of their latest order, for pages addressed to them

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-03 17:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable, no backfill: a customer's language is unknown until their next order states
    # it, and pages fall back to the shop's language meanwhile. The version still serving
    # never writes the column.
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locale", sa.String(length=35), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_column("locale")
