from decimal import Decimal
from typing import Any

import pytest

from passiton.core.errors import InvalidSettings
from passiton.core.program_settings import (
    DiscountType,
    ProgramSettings,
    parse_settings,
    settings_from_json,
)


def test_defaults_hide_the_referrer_reward_and_hold_thirty_days() -> None:
    settings = ProgramSettings()
    assert settings.show_referrer_reward is False
    assert settings.hold_days == 30
    assert settings.friend_discount_type is DiscountType.PERCENT


def test_partial_update_keeps_other_fields() -> None:
    settings = parse_settings({"friend_discount_value": "20", "hold_days": 14})
    assert settings.friend_discount_value == Decimal("20.00")
    assert settings.hold_days == 14
    assert settings.reward_points == ProgramSettings().reward_points


def test_json_round_trip() -> None:
    settings = parse_settings({"friend_discount_type": "fixed", "friend_discount_value": "7.5"})
    assert settings_from_json(settings.to_json()) == settings


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"hold_days": -1}, "hold_days"),
        ({"hold_days": "30"}, "hold_days"),
        ({"hold_days": True}, "hold_days"),
        ({"reward_points": 0}, "reward_points"),
        ({"friend_discount_value": "0"}, "friend_discount_value"),
        ({"friend_discount_value": "150"}, "friend_discount_value"),
        ({"friend_discount_value": "abc"}, "friend_discount_value"),
        ({"friend_discount_value": "1.234"}, "friend_discount_value"),
        ({"friend_discount_value": "NaN"}, "friend_discount_value"),
        ({"friend_discount_value": 1.5}, "friend_discount_value"),
        ({"friend_discount_type": "bogus"}, "friend_discount_type"),
        ({"reward_mode": 3}, "reward_mode"),
        ({"enabled": "yes"}, "enabled"),
        ({"how_it_works": "   "}, "how_it_works"),
        ({"how_it_works": "x" * 5001}, "how_it_works"),
        ({"no_such_thing": 1}, "no_such_thing"),
    ],
)
def test_invalid_settings_name_the_field(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidSettings) as caught:
        parse_settings(changes)
    assert caught.value.field == field
    assert field in caught.value.message


def test_fixed_discount_may_exceed_one_hundred() -> None:
    settings = parse_settings({"friend_discount_type": "fixed", "friend_discount_value": "150"})
    assert settings.friend_discount_value == Decimal("150.00")


def test_whole_numbers_sent_as_json_floats_are_accepted() -> None:
    assert parse_settings({"hold_days": 14.0}).hold_days == 14


def test_fractional_numbers_are_refused_for_whole_number_settings() -> None:
    with pytest.raises(InvalidSettings) as caught:
        parse_settings({"hold_days": 14.5})
    assert caught.value.field == "hold_days"


def test_brand_color_is_stored_lower_case() -> None:
    assert parse_settings({"brand_color": " #A1B2C3 "}).brand_color == "#a1b2c3"


@pytest.mark.parametrize("raw", ["red", "#12345", "#1234567", "#gggggg", "url(x)", 5, None])
def test_brand_color_must_be_a_hex_colour(raw: object) -> None:
    with pytest.raises(InvalidSettings) as caught:
        parse_settings({"brand_color": raw})
    assert caught.value.field == "brand_color"
