"""woocommerce connect requests keep the granted key until a task has verified it

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 16:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("woocommerce_connect_requests", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=32), server_default="started", nullable=False)
        )
        batch_op.add_column(sa.Column("sealed_grant", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("refusal", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("shop_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("old_key_id", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("old_key_status", sa.String(length=32), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_woocommerce_connect_requests_shop_id_shops"),
            "shops",
            ["shop_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index(
            batch_op.f("ix_woocommerce_connect_requests_merchant_id"), ["merchant_id"], unique=False
        )
    # Requests used before this revision were linked in their callback, as the code then did.
    op.execute(
        "UPDATE woocommerce_connect_requests SET status = 'connected' WHERE used_at IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("woocommerce_connect_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_woocommerce_connect_requests_merchant_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_woocommerce_connect_requests_shop_id_shops"), type_="foreignkey"
        )
        batch_op.drop_column("old_key_status")
        batch_op.drop_column("old_key_id")
        batch_op.drop_column("shop_id")
        batch_op.drop_column("refusal")
        batch_op.drop_column("sealed_grant")
        batch_op.drop_column("status")
