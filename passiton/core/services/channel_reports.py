"""Which moment brings friends: link visits, claims and referred orders per share channel."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from passiton.core.channels import ShareChannel, channel_of
from passiton.core.models import LinkVisitChannelDay, Referral
from passiton.core.services.reports import ORDERED


@dataclass(frozen=True)
class ChannelCounts:
    channel: ShareChannel
    visits: int
    claims: int
    orders: int
    """Claims whose friend's order reached us, whatever became of it since (reports.ORDERED)."""


def channel_counts(session: Session, shop_id: int) -> list[ChannelCounts]:
    """Every channel that brought a visit or a claim to the shop, busiest first."""
    visits: dict[ShareChannel, int] = {}
    for stored, n in session.execute(
        select(LinkVisitChannelDay.channel, func.sum(LinkVisitChannelDay.visits))
        .where(LinkVisitChannelDay.shop_id == shop_id)
        .group_by(LinkVisitChannelDay.channel)
    ):
        # Stored values are parsed again: a value a later release wrote still lands somewhere.
        channel = channel_of(stored)
        visits[channel] = visits.get(channel, 0) + int(n or 0)
    claims: dict[ShareChannel, int] = {}
    orders: dict[ShareChannel, int] = {}
    for stored, status, n in session.execute(
        select(Referral.channel, Referral.status, func.count())
        .where(Referral.shop_id == shop_id)
        .group_by(Referral.channel, Referral.status)
    ):
        channel = channel_of(stored)
        claims[channel] = claims.get(channel, 0) + int(n)
        if status in ORDERED:
            orders[channel] = orders.get(channel, 0) + int(n)
    rows = [
        ChannelCounts(
            channel, visits.get(channel, 0), claims.get(channel, 0), orders.get(channel, 0)
        )
        for channel in ShareChannel
        if channel in visits or channel in claims
    ]
    # Busiest first; the enum's order breaks ties, so the table never reshuffles at random.
    order = list(ShareChannel)
    return sorted(rows, key=lambda r: (-r.orders, -r.claims, -r.visits, order.index(r.channel)))
