"""webhook deliveries carry their events until the task queue applies them

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 20:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import passiton.core.models

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("events", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column("applied_at", passiton.core.models.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(
            "ix_webhook_deliveries_unapplied", ["applied_at", "received_at"], unique=False
        )
    # Deliveries recorded before this revision were applied in the request that recorded them;
    # without this the sweep would take every one of them for a lost task.
    op.execute("UPDATE webhook_deliveries SET applied_at = received_at")


def downgrade() -> None:
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_webhook_deliveries_unapplied")
        batch_op.drop_column("applied_at")
        batch_op.drop_column("events")
