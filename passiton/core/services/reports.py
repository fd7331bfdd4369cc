"""Read-only reports for the merchant: the funnel, revenue, points, top referrers, listings."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Generic, TypeVar

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from passiton.core.models import Customer, LedgerEntry, LinkVisitDay, Referral, ReferralStatus
from passiton.core.rewards import points_value
from passiton.core.services.shops import current_settings

ORDERED = (
    ReferralStatus.PENDING,
    ReferralStatus.APPROVED,
    ReferralStatus.REVIEW,
    ReferralStatus.REVERSED,
    ReferralStatus.REJECTED,
)
"""Every state a referral can reach only through a friend's order."""
EARNING = (ReferralStatus.PENDING, ReferralStatus.APPROVED)
"""Referrals whose order counts as referred revenue: neither reversed, rejected nor in doubt."""


@dataclass(frozen=True)
class Funnel:
    """How far friends got: link visits → codes claimed → orders placed → credits approved.

    `ordered` counts every claimed referral whose friend's order reached us, whatever became of
    it; it splits, with no overlap, into `pending` (counts, hold period running), `approved`
    (counts, hold passed), `in_review` (waiting for the merchant), `reversed` (cancelled or
    refunded in full) and `rejected` (by the fraud rules or the merchant).
    """

    link_visits: int
    claimed: int
    ordered: int
    pending: int
    approved: int
    in_review: int
    reversed: int
    rejected: int

    @property
    def earning(self) -> int:
        """Orders that count for the program now: pending or approved."""
        return self.pending + self.approved


@dataclass(frozen=True)
class TopReferrer:
    customer_id: int
    name: str | None
    email: str | None
    referral_code: str
    referrals: int
    revenue: Decimal


@dataclass(frozen=True)
class DayPoint:
    day: date
    visits: int
    referrals: int
    revenue: Decimal


@dataclass(frozen=True)
class Stats:
    funnel: Funnel
    referred_revenue: Decimal
    conversion_rate: Decimal | None
    """Friend conversion: earning orders (pending or approved) / codes claimed, to four places;
    refunded, cancelled, rejected and in-review orders do not count. None before the first claim.
    """
    points_pending: int
    points_available: int
    points_outstanding_value: Decimal
    top_referrers: list[TopReferrer]
    series: list[DayPoint]


T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int


def shop_stats(session: Session, shop_id: int, today: date, days: int = 30) -> Stats:
    """Everything the dashboard shows, for one shop; the series covers `days` up to `today`."""
    _, settings = current_settings(session, shop_id)
    funnel = _funnel(session, shop_id)
    revenue = session.scalar(
        select(func.coalesce(func.sum(Referral.order_subtotal), 0)).where(
            Referral.shop_id == shop_id, Referral.status.in_(EARNING)
        )
    )
    pending, available = session.execute(
        select(
            func.coalesce(func.sum(Customer.points_pending), 0),
            func.coalesce(func.sum(Customer.points_available), 0),
        ).where(Customer.shop_id == shop_id)
    ).one()
    rate = None
    if funnel.claimed:
        rate = (Decimal(funnel.earning) / Decimal(funnel.claimed)).quantize(Decimal("0.0001"))
    return Stats(
        funnel=funnel,
        referred_revenue=_money(revenue),
        conversion_rate=rate,
        points_pending=int(pending),
        points_available=int(available),
        points_outstanding_value=points_value(settings, int(pending) + int(available)),
        top_referrers=top_referrers(session, shop_id),
        series=daily_series(session, shop_id, today, days),
    )


def _funnel(session: Session, shop_id: int) -> Funnel:
    visits = session.scalar(
        select(func.coalesce(func.sum(Customer.link_visits), 0)).where(Customer.shop_id == shop_id)
    )
    by_status = dict(
        session.execute(
            select(Referral.status, func.count())
            .where(Referral.shop_id == shop_id)
            .group_by(Referral.status)
        ).all()
    )
    return Funnel(
        link_visits=int(visits or 0),
        claimed=sum(by_status.values()),
        ordered=sum(n for status, n in by_status.items() if status in ORDERED),
        pending=by_status.get(ReferralStatus.PENDING, 0),
        approved=by_status.get(ReferralStatus.APPROVED, 0),
        in_review=by_status.get(ReferralStatus.REVIEW, 0),
        reversed=by_status.get(ReferralStatus.REVERSED, 0),
        rejected=by_status.get(ReferralStatus.REJECTED, 0),
    )


def top_referrers(session: Session, shop_id: int, limit: int = 5) -> list[TopReferrer]:
    """Referrers with the most earning referrals, then the most revenue."""
    count = func.count(Referral.id)
    revenue = func.coalesce(func.sum(Referral.order_subtotal), 0)
    rows = session.execute(
        select(Customer, count, revenue)
        .join(Referral, Referral.referrer_id == Customer.id)
        .where(Customer.shop_id == shop_id, Referral.status.in_(EARNING))
        .group_by(Customer.id)
        .order_by(count.desc(), revenue.desc(), Customer.id)
        .limit(limit)
    ).all()
    return [
        TopReferrer(
            customer_id=customer.id,
            name=customer.first_name,
            email=customer.email,
            referral_code=customer.referral_code,
            referrals=int(n),
            revenue=_money(total),
        )
        for customer, n, total in rows
    ]


def daily_series(session: Session, shop_id: int, today: date, days: int) -> list[DayPoint]:
    """Link visits and claims per day, and referred revenue per day of conversion, oldest first.

    Days are bucketed here rather than in SQL because SQLite and PostgreSQL disagree on date
    functions; the window is bounded, so the rows are few.
    """
    first = today - timedelta(days=days - 1)
    since = datetime.combine(first, time.min, tzinfo=UTC)
    claims: dict[date, int] = {}
    for created_at in session.scalars(
        select(Referral.created_at).where(Referral.shop_id == shop_id, Referral.created_at >= since)
    ):
        claims[created_at.date()] = claims.get(created_at.date(), 0) + 1
    revenue: dict[date, Decimal] = {}
    for converted_at, subtotal in session.execute(
        select(Referral.converted_at, Referral.order_subtotal).where(
            Referral.shop_id == shop_id,
            Referral.status.in_(EARNING),
            Referral.converted_at >= since,
        )
    ):
        if converted_at is not None:
            day = converted_at.date()
            revenue[day] = revenue.get(day, Decimal(0)) + (subtotal or Decimal(0))
    visits = dict(
        session.execute(
            select(LinkVisitDay.day, LinkVisitDay.visits).where(
                LinkVisitDay.shop_id == shop_id, LinkVisitDay.day >= first
            )
        ).all()
    )
    return [
        DayPoint(
            day=d,
            visits=int(visits.get(d, 0)),
            referrals=claims.get(d, 0),
            revenue=_money(revenue.get(d, 0)),
        )
        for d in (first + timedelta(days=i) for i in range(days))
    ]


def search_referrals(
    session: Session, shop_id: int, query: str, offset: int, limit: int
) -> Page[Referral]:
    """Referrals newest first, matching `query` on friend e-mail, order id or exact status."""
    statement = select(Referral).where(Referral.shop_id == shop_id)
    text = query.strip()
    if text:
        statement = statement.where(_referral_match(text))
    return _page(session, statement.order_by(Referral.id.desc()), offset, limit)


def _referral_match(text: str) -> ColumnElement[bool]:
    pattern = "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    clauses: list[ColumnElement[bool]] = [
        func.lower(Referral.friend_email).like(pattern, escape="\\"),
        func.lower(Referral.order_id).like(pattern, escape="\\"),
    ]
    if text.lower() in {s.value for s in ReferralStatus}:
        clauses.append(Referral.status == ReferralStatus(text.lower()))
    return or_(*clauses)


def ledger_page(session: Session, shop_id: int, offset: int, limit: int) -> Page[LedgerRow]:
    """Ledger entries newest first, each with its customer's code and e-mail."""
    statement = (
        select(LedgerEntry, Customer.referral_code, Customer.email)
        .join(Customer, Customer.id == LedgerEntry.customer_id)
        .where(LedgerEntry.shop_id == shop_id)
        .order_by(LedgerEntry.id.desc())
    )
    total = session.scalar(
        select(func.count()).select_from(LedgerEntry).where(LedgerEntry.shop_id == shop_id)
    )
    rows = session.execute(statement.offset(offset).limit(limit)).all()
    return Page(items=[LedgerRow(e, code, email) for e, code, email in rows], total=int(total or 0))


@dataclass(frozen=True)
class LedgerRow:
    entry: LedgerEntry
    referral_code: str
    email: str | None


def all_referrals(session: Session, shop_id: int, batch: int = 500) -> Iterator[Referral]:
    """Every referral of the shop, oldest first, fetched in batches (for exports)."""
    statement = select(Referral).where(Referral.shop_id == shop_id).order_by(Referral.id)
    yield from session.scalars(statement.execution_options(yield_per=batch))


def all_ledger_rows(session: Session, shop_id: int, batch: int = 500) -> Iterator[LedgerRow]:
    """Every ledger entry of the shop with its customer, oldest first (for exports)."""
    statement = (
        select(LedgerEntry, Customer.referral_code, Customer.email)
        .join(Customer, Customer.id == LedgerEntry.customer_id)
        .where(LedgerEntry.shop_id == shop_id)
        .order_by(LedgerEntry.id)
        .execution_options(yield_per=batch)
    )
    for entry, code, email in session.execute(statement):
        yield LedgerRow(entry, code, email)


def _page(session: Session, statement: Select[Referral], offset: int, limit: int) -> Page[Referral]:
    total = session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    items = list(session.scalars(statement.offset(offset).limit(limit)))
    return Page(items=items, total=int(total or 0))


def _money(value: object) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))
