"""Counting referral-link visits per shop and day, for the dashboard's funnel over time."""

from __future__ import annotations

from datetime import date

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from passiton.core.models import LinkVisitDay


def record_visit(session: Session, shop_id: int, day: date) -> None:
    """Add one visit to the shop's count for `day`, creating the day's row on first visit."""
    # One atomic upsert: concurrent first visits of a day must not race on the unique row.
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(LinkVisitDay).values(shop_id=shop_id, day=day, visits=1)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[LinkVisitDay.shop_id, LinkVisitDay.day],
            set_={"visits": LinkVisitDay.visits + 1},
        )
    )
