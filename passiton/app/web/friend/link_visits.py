"""Counting referral-link visits per shop and day, and per channel, for the dashboard."""

from __future__ import annotations

from datetime import date

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from passiton.core.channels import ShareChannel
from passiton.core.models import LinkVisitChannelDay, LinkVisitDay


def record_visit(
    session: Session, shop_id: int, day: date, channel: ShareChannel = ShareChannel.DIRECT
) -> None:
    """Add one visit to the shop's count for `day` and its channel's, creating rows as needed."""
    # One atomic upsert each: concurrent first visits of a day must not race on the unique row.
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(LinkVisitDay).values(shop_id=shop_id, day=day, visits=1)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[LinkVisitDay.shop_id, LinkVisitDay.day],
            set_={"visits": LinkVisitDay.visits + 1},
        )
    )
    by_channel = insert(LinkVisitChannelDay).values(
        shop_id=shop_id, day=day, channel=channel.value, visits=1
    )
    session.execute(
        by_channel.on_conflict_do_update(
            index_elements=[
                LinkVisitChannelDay.shop_id,
                LinkVisitChannelDay.day,
                LinkVisitChannelDay.channel,
            ],
            set_={"visits": LinkVisitChannelDay.visits + 1},
        )
    )
