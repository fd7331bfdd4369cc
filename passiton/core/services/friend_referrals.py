"""A friend's one referral per shop: finding it, and creating it when two requests may race.

The unique (shop, friend e-mail) key decides races in the database: the insert writes nothing
when the row exists already, and the caller reads the row that won.
"""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from passiton.core.channels import ShareChannel
from passiton.core.models import Referral, ReferralStatus
from passiton.core.services.inserts import DIALECTS, insert_unless_present

_OF_FRIEND = select(Referral).where(
    Referral.shop_id == bindparam("shop_id"), Referral.friend_email_key == bindparam("key")
)
_INSERT = {
    # Built once per database: the friend claim runs it on every request.
    dialect: insert_unless_present(
        dialect, Referral.__table__, ["shop_id", "friend_email_key"]
    ).returning(Referral.id)
    for dialect in DIALECTS
}


def referral_of_friend(
    session: Session, shop_id: int, key: str, *, fresh: bool = False
) -> Referral | None:
    """The friend's referral; `fresh` re-reads a row this session already holds."""
    return session.scalars(
        _OF_FRIEND, {"shop_id": shop_id, "key": key}, execution_options={"populate_existing": fresh}
    ).one_or_none()


def insert_referral(
    session: Session,
    *,
    shop_id: int,
    referrer_id: int,
    settings_version: int,
    email: str | None,
    key: str,
    friend_code_id: int | None = None,
    channel: ShareChannel = ShareChannel.DIRECT,
) -> int | None:
    """A new OFFERED referral's id; None if the friend has one already (perhaps just now)."""
    inserted: int | None = session.scalar(
        _INSERT[session.get_bind().dialect.name],
        {
            "shop_id": shop_id,
            "referrer_id": referrer_id,
            "settings_version": settings_version,
            "friend_email": email,
            "friend_email_key": key,
            "friend_code_id": friend_code_id,
            "status": ReferralStatus.OFFERED,
            "channel": channel.value,
        },
    )
    return inserted
