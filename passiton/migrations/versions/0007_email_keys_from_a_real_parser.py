"""e-mail keys re-computed by the parser-based normaliser; collisions are recorded

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-03 17:00:00
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

import passiton.core.models
from passiton.core.identity import email_key

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, column holding the key, column holding the address as given or None, scoped by shop,
# key unique in its scope). Keys are re-computed from the address where we kept it, else from
# the old key itself (the new rules only ever merge what the old ones told apart).
_KEYED = (
    ("customers", "email_key", "email", True, True),
    ("referrals", "friend_email_key", "friend_email", True, True),
    ("orders", "email_key", None, True, False),
    ("merchants", "email_key", "email", False, True),
    ("login_failures", "email_key", None, False, False),
)


def upgrade() -> None:
    op.create_table(
        "email_key_collisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shop_id", sa.Integer(), nullable=True),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("row_id", sa.BigInteger(), nullable=False),
        sa.Column("kept_row_id", sa.BigInteger(), nullable=False),
        sa.Column("found_at", passiton.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["shop_id"],
            ["shops.id"],
            name=op.f("fk_email_key_collisions_shop_id_shops"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_key_collisions")),
    )
    with op.batch_alter_table("email_key_collisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_email_key_collisions_shop_id"), ["shop_id"], unique=False
        )
    connection = op.get_bind()
    for table, key_column, address_column, by_shop, unique in _KEYED:
        _rekey(connection, table, key_column, address_column, by_shop, unique)


def _rekey(
    connection: Any,
    table: str,
    key_column: str,
    address_column: str | None,
    by_shop: bool,
    unique: bool,
) -> None:
    columns = ["id", key_column]
    columns += [address_column] if address_column else []
    columns += ["shop_id"] if by_shop else []
    rows = connection.execute(
        sa.text(
            f"SELECT {', '.join(columns)} FROM {table} "  # noqa: S608 - names from _KEYED
            f"WHERE {key_column} IS NOT NULL ORDER BY id"
        )
    ).mappings()
    groups: dict[tuple[Any, str], list[tuple[int, str]]] = {}
    for row in rows:
        given = row[address_column] if address_column else None
        new = email_key(given or row[key_column]) or row[key_column]
        groups.setdefault((row["shop_id"] if by_shop else None, new), []).append(
            (row["id"], row[key_column])
        )
    changes: list[dict[str, Any]] = []
    collisions: list[dict[str, Any]] = []
    for (shop_id, new), members in groups.items():
        if not unique or len(members) == 1:
            changes += [{"id": i, "key": new} for i, old in members if old != new]
            continue
        # Several rows now reach one mailbox: the one already holding the key (else the
        # oldest) keeps it; the others lose their key and are recorded for the merchant.
        kept = next((m for m in members if m[1] == new), members[0])
        changes += [{"id": kept[0], "key": new}] if kept[1] != new else []
        for row_id, _ in members:
            if row_id != kept[0]:
                changes.append({"id": row_id, "key": None})
                collisions.append({"shop": shop_id, "table": table, "row": row_id, "kept": kept[0]})
    update = sa.text(f"UPDATE {table} SET {key_column} = :key WHERE id = :id")  # noqa: S608
    if table == "merchants":
        # A merchant's key cannot be empty: a colliding account keeps its old key, flagged.
        changes = [change for change in changes if change["key"] is not None]
    elif unique and changes:
        # Every changing row lets go of its key first, so that a key moving to another row
        # never meets the row that held it (unique constraints are checked per statement).
        connection.execute(update, [{"id": change["id"], "key": None} for change in changes])
        changes = [change for change in changes if change["key"] is not None]
    if changes:
        connection.execute(update, changes)
    if collisions:
        connection.execute(
            sa.text(
                "INSERT INTO email_key_collisions (shop_id, table_name, row_id, kept_row_id, "
                "found_at) VALUES (:shop, :table, :row, :kept, CURRENT_TIMESTAMP)"
            ),
            collisions,
        )


def downgrade() -> None:
    # The old keys are not kept: they only told apart spellings of one mailbox.
    with op.batch_alter_table("email_key_collisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_email_key_collisions_shop_id"))
    op.drop_table("email_key_collisions")
