"""e-mail: the outbox of owed messages, each shop's mail settings and its suppression list

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 19:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import passiton.core.models

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC = passiton.core.models.UTCDateTime


def upgrade() -> None:
    # New tables only: the version still serving never reads them, and nothing was ever sent
    # before them, so there is nothing to backfill.
    op.create_table(
        "email_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("recipient_digest", sa.String(length=64), nullable=False),
        sa.Column("locale", sa.String(length=35), nullable=True),
        sa.Column("context", sa.JSON(), nullable=False),
        sa.Column("idem_key", sa.String(length=64), nullable=False),
        sa.Column("marketing", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("send_after", UTC(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTC(timezone=True), nullable=False),
        sa.Column("lease_until", UTC(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("message_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.Column("sent_at", UTC(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_email_messages_shop_id_shops"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_messages")),
        sa.UniqueConstraint("message_id", name=op.f("uq_email_messages_message_id")),
        sa.UniqueConstraint("shop_id", "idem_key", name=op.f("uq_email_messages_shop_id_idem_key")),
    )
    op.create_index("ix_email_messages_due", "email_messages", ["status", "next_attempt_at"])
    op.create_index("ix_email_messages_shop_id_id", "email_messages", ["shop_id", "id"])
    op.create_index(
        "ix_email_messages_recipient", "email_messages", ["shop_id", "recipient_digest"]
    )
    op.create_table(
        "mail_settings",
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("sender_name", sa.String(length=100), nullable=False),
        sa.Column("reply_to", sa.String(length=320), nullable=False),
        sa.Column("disabled_kinds", sa.JSON(), nullable=False),
        sa.Column("invitations_transactional", sa.Boolean(), nullable=False),
        sa.Column("overrides", sa.JSON(), nullable=False),
        sa.Column("updated_at", UTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_mail_settings_shop_id_shops"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("shop_id", name=op.f("pk_mail_settings")),
    )
    op.create_table(
        "email_suppressions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_email_suppressions_shop_id_shops"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_suppressions")),
        sa.UniqueConstraint("shop_id", "digest", name=op.f("uq_email_suppressions_shop_id_digest")),
    )


def downgrade() -> None:
    op.drop_table("email_suppressions")
    op.drop_table("mail_settings")
    op.drop_index("ix_email_messages_recipient", table_name="email_messages")
    op.drop_index("ix_email_messages_shop_id_id", table_name="email_messages")
    op.drop_index("ix_email_messages_due", table_name="email_messages")
    op.drop_table("email_messages")
