"""What privacy requests leave behind: data exports, redaction digests, key collisions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from passiton.core.models.base import Base, utcnow


class DataExport(Base):
    """A customer's data, gathered for a privacy data request, for the merchant to hand over."""

    __tablename__ = "data_exports"

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)


class Redaction(Base):
    """One identifier of a redacted person, as a keyed hash: what outlives `customers/redact`.

    Only an HMAC of the e-mail key or the platform customer id (`core/suppression.py`), never
    the identifier itself: the rows let the new-customers-only rule recognise the person
    again without keeping anything that names them.
    """

    __tablename__ = "redactions"
    __table_args__ = (UniqueConstraint("shop_id", "digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(ForeignKey("shops.id", ondelete="CASCADE"))
    digest: Mapped[str] = mapped_column(String(64))
    redacted_at: Mapped[datetime] = mapped_column(default=utcnow)


class EmailKeyCollision(Base):
    """A row whose e-mail key, re-computed by a stricter normaliser, was already another row's.

    Written by migration 0007 instead of failing it: the row lost its key (it is no longer
    found by address) and the merchant decides whether the two are one person. Ids only, no
    address: the pair stays readable after either person is redacted.
    """

    __tablename__ = "email_key_collisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int | None] = mapped_column(
        ForeignKey("shops.id", ondelete="CASCADE"), default=None, index=True
    )
    table_name: Mapped[str] = mapped_column(String(64))
    row_id: Mapped[int] = mapped_column(BigInteger)
    kept_row_id: Mapped[int] = mapped_column(BigInteger)
    found_at: Mapped[datetime] = mapped_column(default=utcnow)
