"""Where a referral link was shared from: the `ch` query parameter every shared link carries.

The list is closed so the dashboard's table stays a handful of rows: a value nobody wrote here
(a typo, a link edited by hand, a channel a later release adds) counts as `other`, and a link
without one (typed, or shared before links carried a channel) as `direct`. The referral code
itself never changes with the channel: the same code, from anywhere, is the same referrer.
"""

from __future__ import annotations

from enum import StrEnum

CHANNEL_PARAMETER = "ch"


class ShareChannel(StrEnum):
    THANKYOU = "thankyou"
    EMAIL = "email"
    """The store's own order e-mail."""
    LAUNCHER = "launcher"
    ACCOUNT = "account"
    QR = "qr"
    CARD = "card"
    """The printed card in the parcel (its QR code)."""
    SHARE = "share"
    """The device's own share sheet (Web Share API): where it went is not told to the page."""
    WHATSAPP = "whatsapp"
    SMS = "sms"
    MAIL = "mail"
    """An e-mail the buyer writes themselves, from the share buttons."""
    COPY = "copy"
    DIRECT = "direct"
    OTHER = "other"


_LONGEST = max(len(channel.value) for channel in ShareChannel)


def channel_of(value: str | None) -> ShareChannel:
    """The channel a link's `ch` value names; `direct` when absent, `other` when unknown."""
    if value is None or not value.strip():
        return ShareChannel.DIRECT
    cleaned = value.strip().lower()
    if len(cleaned) > _LONGEST:
        return ShareChannel.OTHER
    try:
        return ShareChannel(cleaned)
    except ValueError:
        return ShareChannel.OTHER
