"""the merchant's webhook endpoints, their deliveries, and referral links owed to the store

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 20:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import passiton.core.models

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # New tables only: the version still serving never reads them. Nothing is backfilled:
    # no shop has an endpoint yet, and links of buyers enrolled before this version are not
    # written to the store (the metafield appears for buyers enrolled from now on).
    op.create_table(
        "hook_endpoints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("secret_sealed", sa.LargeBinary(), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("include_friend_email", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", passiton.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "secret_rotated_at", passiton.core.models.UTCDateTime(timezone=True), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_hook_endpoints_shop_id_shops"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hook_endpoints")),
    )
    op.create_index(op.f("ix_hook_endpoints_shop_id"), "hook_endpoints", ["shop_id"], unique=False)
    op.create_table(
        "hook_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("endpoint_id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.String(length=36), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("event_key", sa.String(length=200), nullable=False),
        sa.Column("event_type", sa.String(length=40), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "delivered",
                "failed",
                name="hookdeliverystatus",
                native_enum=False,
                create_constraint=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column(
            "next_attempt_at", passiton.core.models.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("created_at", passiton.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", passiton.core.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_hook_deliveries_customer_id_customers"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["endpoint_id"],
            ["hook_endpoints.id"],
            name=op.f("fk_hook_deliveries_endpoint_id_hook_endpoints"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_hook_deliveries_shop_id_shops"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hook_deliveries")),
        sa.UniqueConstraint("delivery_id", name=op.f("uq_hook_deliveries_delivery_id")),
        sa.UniqueConstraint(
            "endpoint_id", "event_key", name=op.f("uq_hook_deliveries_endpoint_id_event_key")
        ),
    )
    op.create_index(
        op.f("ix_hook_deliveries_customer_id"), "hook_deliveries", ["customer_id"], unique=False
    )
    op.create_index(
        "ix_hook_deliveries_shop_recent", "hook_deliveries", ["shop_id", "id"], unique=False
    )
    op.create_index(
        "ix_hook_deliveries_status_due",
        "hook_deliveries",
        ["status", "next_attempt_at"],
        unique=False,
    )
    op.create_table(
        "link_publications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "owed",
                "published",
                "failed",
                name="linkpublicationstatus",
                native_enum=False,
                create_constraint=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("created_at", passiton.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("published_at", passiton.core.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_link_publications_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_link_publications_shop_id_shops"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_publications")),
        sa.UniqueConstraint("customer_id", name=op.f("uq_link_publications_customer_id")),
    )
    op.create_index("ix_link_publications_status", "link_publications", ["status"], unique=False)


def downgrade() -> None:
    op.drop_table("link_publications")
    op.drop_table("hook_deliveries")
    op.drop_table("hook_endpoints")
