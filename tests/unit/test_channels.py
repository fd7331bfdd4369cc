"""The `ch` value of a shared link names one of a closed list of channels."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from passiton.core.channels import ShareChannel, channel_of


@pytest.mark.parametrize(
    ("value", "channel"),
    [
        ("thankyou", ShareChannel.THANKYOU),
        ("email", ShareChannel.EMAIL),
        ("launcher", ShareChannel.LAUNCHER),
        ("qr", ShareChannel.QR),
        ("card", ShareChannel.CARD),
        ("whatsapp", ShareChannel.WHATSAPP),
        ("sms", ShareChannel.SMS),
        ("mail", ShareChannel.MAIL),
        ("copy", ShareChannel.COPY),
        ("account", ShareChannel.ACCOUNT),
        ("share", ShareChannel.SHARE),
        (" WhatsApp ", ShareChannel.WHATSAPP),
        (None, ShareChannel.DIRECT),
        ("", ShareChannel.DIRECT),
        ("   ", ShareChannel.DIRECT),
        ("facebook", ShareChannel.OTHER),
        ("qr\x00", ShareChannel.OTHER),
        ("whatsapp" * 100, ShareChannel.OTHER),
    ],
)
def test_a_links_channel_value_names_a_known_channel_or_other(
    value: str | None, channel: ShareChannel
) -> None:
    assert channel_of(value) is channel


@given(st.text(max_size=200))
def test_any_value_at_all_lands_on_a_channel_that_fits_the_column(value: str) -> None:
    assert len(channel_of(value).value) <= 16
