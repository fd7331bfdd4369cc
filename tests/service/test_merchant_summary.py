"""The merchant's weekly summary: last week's referrals, revenue, points and review queue, once
per shop and week however often the job runs."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from passiton.app.database import Database
from passiton.core.events import OrderChanged
from passiton.core.models import EmailMessage, MessageKind, Shop
from passiton.core.services.dispatch import apply_events
from passiton.core.services.merchant_summary import queue_weekly_summaries, week_of
from tests.support.builders import T0, claim, make_referrer, order

# T0 is Sunday 2026-11-01; the week after it starts on Monday 2026-11-02.
NEXT_WEEK = datetime.fromisoformat("2026-11-04T06:41:00+00:00")


def set_contact(db: Database, shop_id: int, address: str) -> None:
    def write(session: object) -> None:
        shop = session.get_one(Shop, shop_id)  # type: ignore[attr-defined]
        shop.contact_email = address

    db.run(write)


def summaries(db: Database) -> list[EmailMessage]:
    with db.sessions() as session:
        return list(
            session.scalars(
                select(EmailMessage)
                .where(EmailMessage.kind == MessageKind.MERCHANT_SUMMARY)
                .order_by(EmailMessage.id)
            )
        )


def test_the_week_named_is_the_iso_week_before_the_run() -> None:
    name, start, end = week_of(NEXT_WEEK)

    assert name == "2026-W44"
    assert (start.isoformat(), end.isoformat()) == (
        "2026-10-26T00:00:00+00:00",
        "2026-11-02T00:00:00+00:00",
    )


def test_one_summary_per_shop_and_week_with_last_weeks_numbers(
    any_db: Database, shop_id: int
) -> None:
    set_contact(any_db, shop_id, "owner@anna-shop.example")
    anna = make_referrer(any_db, shop_id)
    code = claim(any_db, shop_id, anna, "fritz@example.com").code
    friends_order = OrderChanged(order(codes=(code,), email="fritz@example.com"))
    any_db.run(lambda s: apply_events(s, shop_id, [friends_order], T0))

    for _ in range(3):
        any_db.run(lambda s: queue_weekly_summaries(s, NEXT_WEEK))

    [summary] = summaries(any_db)
    assert summary.recipient == "owner@anna-shop.example"
    # The claim's created_at is the real clock's; the conversion is stamped T0.
    assert summary.context["week"] == "2026-W44"
    assert summary.context["orders"] == 1
    assert summary.context["revenue"] == "100.00"
    assert summary.context["points_outstanding"] == 1000
    assert summary.context["in_review"] == 0

    any_db.run(lambda s: queue_weekly_summaries(s, NEXT_WEEK + timedelta(days=7)))

    assert [s.context["week"] for s in summaries(any_db)] == ["2026-W44", "2026-W45"]


def test_a_shop_without_an_address_to_write_to_gets_none(any_db: Database, shop_id: int) -> None:
    any_db.run(lambda s: queue_weekly_summaries(s, NEXT_WEEK))

    assert summaries(any_db) == []
