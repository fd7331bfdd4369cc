"""where referral links were shared from: a channel on each referral, visits per channel and day

Revision ID: 0019
Revises: 0016
Create Date: 2026-12-03 20:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Additive: the release still serving inserts referrals without a channel, and the server
    # default fills it. Every referral made before links carried a channel came from a link
    # without one, which is what "direct" means, so the default is also the true backfill.
    with op.batch_alter_table("referrals") as batch:
        batch.add_column(
            sa.Column("channel", sa.String(length=16), server_default="direct", nullable=False)
        )
    op.create_table(
        "link_visit_channel_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("visits", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_link_visit_channel_days_shop_id_shops"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_visit_channel_days")),
        sa.UniqueConstraint(
            "shop_id", "day", "channel", name=op.f("uq_link_visit_channel_days_shop_id_day_channel")
        ),
    )


def downgrade() -> None:
    op.drop_table("link_visit_channel_days")
    with op.batch_alter_table("referrals") as batch:
        batch.drop_column("channel")
