"""merchant session generation

Revision ID: 0008
Revises: 0005
Create Date: 2026-12-03 16:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A server default backfills existing merchants with 0 (the generation every cookie issued
    # before this release lacks, so they are signed out once) and keeps the previous release,
    # which does not know the column, able to insert merchants while both serve.
    with op.batch_alter_table("merchants") as batch:
        batch.add_column(
            sa.Column("session_generation", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("merchants") as batch:
        batch.drop_column("session_generation")
