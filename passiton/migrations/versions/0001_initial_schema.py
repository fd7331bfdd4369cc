"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22 20:04:09.285435
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import passiton.core.models

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "shops",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "platform",
            sa.Enum(
                "shopify", "woocommerce", "fake", name="platform", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("domain", sa.String(length=255), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column(
            "status",
            sa.Enum("active", "uninstalled", name="shopstatus", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("credentials", sa.LargeBinary(), nullable=True),
        sa.Column("webhook_secret", sa.LargeBinary(), nullable=True),
        sa.Column(
            "reconciled_until", passiton.core.models.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("installed_at", passiton.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("uninstalled_at", passiton.core.models.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shops")),
        sa.UniqueConstraint("platform", "domain", name=op.f("uq_shops_platform_domain")),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", passiton.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", passiton.core.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name=op.f("fk_api_keys_shop_id_shops"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_keys_key_hash")),
    )
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_keys_shop_id"), ["shop_id"], unique=False)

    op.create_table(
        "customers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("platform_customer_id", sa.String(length=64), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("email_key", sa.String(length=320), nullable=True),
        sa.Column("first_name", sa.String(length=255), nullable=True),
        sa.Column("shipping_key", sa.String(length=512), nullable=True),
        sa.Column("phone_key", sa.String(length=32), nullable=True),
        sa.Column("referral_code", sa.String(length=64), nullable=False),
        sa.Column("points_pending", sa.BigInteger(), nullable=False),
        sa.Column("points_available", sa.BigInteger(), nullable=False),
        sa.Column("link_visits", sa.Integer(), nullable=False),
        sa.Column("created_at", passiton.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("redacted_at", passiton.core.models.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "points_available >= 0", name=op.f("ck_customers_available_not_negative")
        ),
        sa.CheckConstraint("points_pending >= 0", name=op.f("ck_customers_pending_not_negative")),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name=op.f("fk_customers_shop_id_shops"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
        sa.UniqueConstraint("referral_code", name=op.f("uq_customers_referral_code")),
        sa.UniqueConstraint("shop_id", "email_key", name=op.f("uq_customers_shop_id_email_key")),
        sa.UniqueConstraint(
            "shop_id",
            "platform_customer_id",
            name=op.f("uq_customers_shop_id_platform_customer_id"),
        ),
    )
    op.create_table(
        "data_exports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("requested_at", passiton.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_data_exports_shop_id_shops"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_exports")),
    )
    with op.batch_alter_table("data_exports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_data_exports_shop_id"), ["shop_id"], unique=False)

    op.create_table(
        "friend_offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("settings_version", sa.Integer(), nullable=False),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("store_ref", sa.String(length=255), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", passiton.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_friend_offers_shop_id_shops"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_friend_offers")),
    )
    with op.batch_alter_table("friend_offers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_friend_offers_shop_id"), ["shop_id"], unique=False)

    op.create_table(
        "order_refunds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("refund_id", sa.String(length=64), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_order_refunds_shop_id_shops"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_refunds")),
        sa.UniqueConstraint(
            "shop_id",
            "order_id",
            "refund_id",
            name=op.f("uq_order_refunds_shop_id_order_id_refund_id"),
        ),
    )
    op.create_table(
        "orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=True),
        sa.Column("email_key", sa.String(length=320), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("total", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("subtotal", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("paid", sa.Boolean(), nullable=False),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("known", sa.Boolean(), nullable=False),
        sa.Column(
            "state_updated_at", passiton.core.models.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("first_seen_at", passiton.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name=op.f("fk_orders_shop_id_shops"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
        sa.UniqueConstraint("shop_id", "order_id", name=op.f("uq_orders_shop_id_order_id")),
    )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_index("ix_orders_shop_customer", ["shop_id", "customer_id"], unique=False)
        batch_op.create_index("ix_orders_shop_email", ["shop_id", "email_key"], unique=False)

    op.create_table(
        "program_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", passiton.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_program_settings_shop_id_shops"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_settings")),
        sa.UniqueConstraint("shop_id", "version", name=op.f("uq_program_settings_shop_id_version")),
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "platform",
            sa.Enum(
                "shopify", "woocommerce", "fake", name="platform", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("shop_id", sa.Integer(), nullable=True),
        sa.Column("delivery_key", sa.String(length=255), nullable=False),
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.Column("received_at", passiton.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_webhook_deliveries_shop_id_shops"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_deliveries")),
        sa.UniqueConstraint(
            "platform", "delivery_key", name=op.f("uq_webhook_deliveries_platform_delivery_key")
        ),
    )
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_webhook_deliveries_shop_id"), ["shop_id"], unique=False
        )

    op.create_table(
        "friend_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "owed",
                "available",
                "assigned",
                "retiring",
                "retired",
                name="friendcodestatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("created_at", passiton.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("assigned_at", passiton.core.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["friend_offers.id"],
            name=op.f("fk_friend_codes_offer_id_friend_offers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_friend_codes_shop_id_shops"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_friend_codes")),
        sa.UniqueConstraint("shop_id", "code", name=op.f("uq_friend_codes_shop_id_code")),
    )
    with op.batch_alter_table("friend_codes", schema=None) as batch_op:
        batch_op.create_index("ix_friend_codes_offer_status", ["offer_id", "status"], unique=False)

    op.create_table(
        "reward_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("reward", "gift", name="rewardkind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("idem_key", sa.String(length=200), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "owed", "created", "failed", name="rewardcodestatus", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("store_ref", sa.String(length=255), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("created_at", passiton.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("fulfilled_at", passiton.core.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_reward_codes_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_reward_codes_shop_id_shops"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reward_codes")),
        sa.UniqueConstraint("shop_id", "code", name=op.f("uq_reward_codes_shop_id_code")),
        sa.UniqueConstraint("shop_id", "idem_key", name=op.f("uq_reward_codes_shop_id_idem_key")),
    )
    op.create_table(
        "referrals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("referrer_id", sa.Integer(), nullable=False),
        sa.Column("settings_version", sa.Integer(), nullable=False),
        sa.Column("friend_email", sa.String(length=320), nullable=True),
        sa.Column("friend_email_key", sa.String(length=320), nullable=True),
        sa.Column("friend_code_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "offered",
                "pending",
                "approved",
                "reversed",
                "review",
                "rejected",
                name="referralstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("order_id", sa.String(length=64), nullable=True),
        sa.Column("friend_customer_id", sa.String(length=64), nullable=True),
        sa.Column("order_subtotal", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("points_pending", sa.BigInteger(), nullable=False),
        sa.Column("points_approved", sa.BigInteger(), nullable=False),
        sa.Column("points_clawed_back", sa.BigInteger(), nullable=False),
        sa.Column("points_unrecovered", sa.BigInteger(), nullable=False),
        sa.Column("entry_seq", sa.Integer(), nullable=False),
        sa.Column("review_reason", sa.String(length=64), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("approve_after", passiton.core.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", passiton.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("converted_at", passiton.core.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("approved_at", passiton.core.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["friend_code_id"],
            ["friend_codes.id"],
            name=op.f("fk_referrals_friend_code_id_friend_codes"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["referrer_id"],
            ["customers.id"],
            name=op.f("fk_referrals_referrer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"], ["shops.id"], name=op.f("fk_referrals_shop_id_shops"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referrals")),
        sa.UniqueConstraint(
            "shop_id", "friend_email_key", name=op.f("uq_referrals_shop_id_friend_email_key")
        ),
        sa.UniqueConstraint("shop_id", "order_id", name=op.f("uq_referrals_shop_id_order_id")),
    )
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.create_index("ix_referrals_referrer", ["referrer_id"], unique=False)
        batch_op.create_index("ix_referrals_status_due", ["status", "approve_after"], unique=False)

    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "earn",
                "adjust",
                "approve",
                "clawback",
                "redeem",
                "redeem_return",
                name="entrykind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("pending_delta", sa.BigInteger(), nullable=False),
        sa.Column("available_delta", sa.BigInteger(), nullable=False),
        sa.Column("idem_key", sa.String(length=200), nullable=False),
        sa.Column("created_at", passiton.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_ledger_entries_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referrals.id"],
            name=op.f("fk_ledger_entries_referral_id_referrals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_ledger_entries_shop_id_shops"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entries")),
        sa.UniqueConstraint("shop_id", "idem_key", name=op.f("uq_ledger_entries_shop_id_idem_key")),
    )
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.create_index("ix_ledger_customer", ["customer_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_ledger_customer")

    op.drop_table("ledger_entries")
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.drop_index("ix_referrals_status_due")
        batch_op.drop_index("ix_referrals_referrer")

    op.drop_table("referrals")
    op.drop_table("reward_codes")
    with op.batch_alter_table("friend_codes", schema=None) as batch_op:
        batch_op.drop_index("ix_friend_codes_offer_status")

    op.drop_table("friend_codes")
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhook_deliveries_shop_id"))

    op.drop_table("webhook_deliveries")
    op.drop_table("program_settings")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_shop_email")
        batch_op.drop_index("ix_orders_shop_customer")

    op.drop_table("orders")
    op.drop_table("order_refunds")
    with op.batch_alter_table("friend_offers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_friend_offers_shop_id"))

    op.drop_table("friend_offers")
    with op.batch_alter_table("data_exports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_data_exports_shop_id"))

    op.drop_table("data_exports")
    op.drop_table("customers")
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_keys_shop_id"))

    op.drop_table("api_keys")
    op.drop_table("shops")
