"""The settings model is the one description: its refusals, its schema, and arbitrary input."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from passiton.core.errors import InvalidSettings
from passiton.core.program_settings import ProgramSettings, parse_settings, settings_from_json

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=4,
)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"hold_days": 400}, "hold_days must be between 0 and 365"),
        ({"hold_days": "30"}, "hold_days must be a whole number"),
        ({"enabled": 1}, "enabled must be true or false"),
        ({"reward_mode": "x"}, "reward_mode must be one of: per_referral, per_currency_unit"),
        (
            {"friend_min_subtotal": 1.5},
            'friend_min_subtotal must be an amount such as "15" or "9.99"',
        ),
        ({"friend_min_subtotal": "x"}, 'friend_min_subtotal must be an amount such as "15"'),
        ({"friend_min_subtotal": "-1"}, "friend_min_subtotal must be between 0 and 1000000"),
        ({"friend_min_subtotal": "1.001"}, "friend_min_subtotal may have at most two decimals"),
        ({"friend_discount_value": "0"}, "friend_discount_value must be greater than 0"),
        (
            {"friend_discount_value": "101"},
            "friend_discount_value: a percentage must be at most 100",
        ),
        ({"brand_color": "red"}, "brand_color must be a colour such as #1f5199"),
        ({"how_it_works": ""}, "how_it_works must be non-empty text"),
        ({"zeta": 1, "alpha": 1}, "unknown setting 'alpha'"),
    ],
)
def test_each_refusal_keeps_its_message(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidSettings) as caught:
        parse_settings(changes)

    assert caught.value.message == message


def test_the_first_invalid_field_in_the_body_is_the_one_named() -> None:
    with pytest.raises(InvalidSettings) as caught:
        parse_settings({"velocity_cap": -1, "enabled": "no", "hold_days": -1})

    assert caught.value.field == "velocity_cap"


def test_a_partial_change_keeps_the_base_values() -> None:
    base = parse_settings({"hold_days": 7, "friend_discount_type": "fixed"})

    changed = parse_settings({"friend_discount_value": "150"}, base)

    assert (changed.hold_days, changed.friend_discount_type) == (7, "fixed")


@given(st.dictionaries(st.sampled_from([*ProgramSettings.model_fields, "x"]), JSON_VALUES))
def test_any_json_body_is_accepted_or_refused_by_name(body: dict[str, Any]) -> None:
    refusal = None
    try:
        parse_settings(body)
    except InvalidSettings as refused:
        refusal = refused

    assert refusal is None or refusal.field in body


def test_the_schema_states_the_bounds_the_model_enforces() -> None:
    schema = ProgramSettings.model_json_schema()["properties"]

    assert (schema["hold_days"]["minimum"], schema["hold_days"]["maximum"]) == (0, 365)
    assert schema["how_it_works"]["maxLength"] == 5000
    assert "required" not in ProgramSettings.model_json_schema()


def test_settings_stored_by_an_early_release_still_load() -> None:
    # The first releases stored neither brand_color nor velocity_cap, and one stored a field
    # since retired; money was stored as strings, whole numbers as JSON numbers.
    stored = {
        "enabled": True,
        "friend_discount_type": "fixed",
        "friend_discount_value": "5.00",
        "friend_min_subtotal": "20.00",
        "friend_code_expiry_days": 30,
        "reward_mode": "per_referral",
        "reward_points": 1000,
        "hold_days": 30.0,
        "points_per_currency_unit": 100,
        "min_redemption_points": 500,
        "gifts_enabled": True,
        "show_referrer_reward": False,
        "check_self_referral": True,
        "new_customers_only": True,
        "how_it_works": "Share your link.",
        "retired_setting": "anything",
    }

    loaded = settings_from_json(stored)

    assert loaded.friend_discount_value == Decimal("5.00")
    assert loaded.hold_days == 30
    assert (loaded.brand_color, loaded.velocity_cap) == ("#1f5199", 10)
    assert settings_from_json(loaded.to_json()) == loaded
