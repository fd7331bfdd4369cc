"""A referrer's link as it is shared from one channel, and its QR code (drawn by segno).

Every face that shows a link (the widget, the friend's pages, the merchant's printable card)
builds it here, so a link means the same everywhere: the code decides the referrer, `ch` only
says where it was shared from (core/channels.py).
"""

from __future__ import annotations

import io
from urllib.parse import quote

import segno

from passiton.core.channels import CHANNEL_PARAMETER, ShareChannel

# Medium error correction leaves room for a smudged print or a scuffed parcel card; segno
# raises it further when the symbol has room to spare at the same size.
_ERROR_CORRECTION = "m"


def share_link(app_url: str, code: str, channel: ShareChannel) -> str:
    """The referral link for `code`, shared from `channel`."""
    return f"{app_url}/r/{quote(code)}?{CHANNEL_PARAMETER}={channel.value}"


def qr_svg(text: str, *, title: str, scale: int = 4) -> str:
    """`text` as a QR code in SVG, with a quiet zone, sized in CSS pixels by `scale`."""
    out = io.BytesIO()
    segno.make(text, error=_ERROR_CORRECTION).save(
        out, kind="svg", scale=scale, border=4, xmldecl=False, title=title, dark="#000"
    )
    return out.getvalue().decode("utf-8")


def qr_png(text: str, *, scale: int = 10) -> bytes:
    """`text` as a QR code in PNG (black on white, no alpha: it prints as it looks)."""
    out = io.BytesIO()
    segno.make(text, error=_ERROR_CORRECTION).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()
