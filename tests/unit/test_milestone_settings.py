"""Milestone tiers: bonus points at a referrer's Nth approved referral, validated as a whole."""

from typing import Any

import pytest

from passiton.core.errors import InvalidSettings
from passiton.core.program_settings import (
    MAX_MILESTONES,
    MilestoneTier,
    ProgramSettings,
    parse_settings,
    settings_from_json,
)

TIERS = [{"referrals": 3, "points": 200}, {"referrals": 5, "points": 500}]


def test_no_milestones_by_default() -> None:
    assert ProgramSettings().milestones == ()


def test_tiers_are_kept_in_order_and_survive_storage() -> None:
    settings = parse_settings({"milestones": TIERS})

    assert settings.milestones == (
        MilestoneTier(referrals=3, points=200),
        MilestoneTier(referrals=5, points=500),
    )
    assert settings_from_json(settings.to_json()) == settings
    assert settings.to_json()["milestones"] == TIERS


def test_a_change_to_another_field_keeps_the_tiers() -> None:
    base = parse_settings({"milestones": TIERS})

    changed = parse_settings({"hold_days": 7}, base)

    assert (changed.milestones, changed.hold_days) == (base.milestones, 7)


def test_whole_numbers_sent_as_json_floats_are_accepted() -> None:
    settings = parse_settings({"milestones": [{"referrals": 3.0, "points": 200.0}]})

    assert settings.milestones == (MilestoneTier(referrals=3, points=200),)


@pytest.mark.parametrize(
    ("milestones", "message"),
    [
        ("3:200", "milestones must be a list of tiers"),
        ([3, 200], "milestones: each tier must be an object with referrals and points"),
        ([{"referrals": 3}], "milestones: each tier must be an object with referrals and points"),
        (
            [{"referrals": 3, "points": 200, "code": "X"}],
            "milestones: each tier must be an object with referrals and points",
        ),
        ([{"referrals": 0, "points": 200}], "milestones: referrals must be between 1 and 1000"),
        ([{"referrals": "3", "points": 200}], "milestones: referrals must be a whole number"),
        ([{"referrals": 3, "points": 0}], "milestones: points must be between 1 and 1000000"),
        ([{"referrals": 3, "points": True}], "milestones: points must be a whole number"),
        (
            [{"referrals": 5, "points": 500}, {"referrals": 3, "points": 200}],
            "milestones: each tier must need more referrals than the one before",
        ),
        (
            [{"referrals": 3, "points": 200}, {"referrals": 3, "points": 500}],
            "milestones: each tier must need more referrals than the one before",
        ),
        (
            [{"referrals": n, "points": 10} for n in range(1, MAX_MILESTONES + 2)],
            f"milestones: at most {MAX_MILESTONES} tiers",
        ),
    ],
)
def test_invalid_tiers_are_refused_by_name(milestones: Any, message: str) -> None:
    with pytest.raises(InvalidSettings) as caught:
        parse_settings({"milestones": milestones})

    assert (caught.value.field, caught.value.message) == ("milestones", message)


def test_the_schema_states_the_tier_bounds() -> None:
    schema = ProgramSettings.model_json_schema()
    milestones = schema["properties"]["milestones"]

    assert milestones["maxItems"] == MAX_MILESTONES
    tier = schema["$defs"]["MilestoneTier"]["properties"]
    assert (tier["referrals"]["minimum"], tier["referrals"]["maximum"]) == (1, 1000)
    assert (tier["points"]["minimum"], tier["points"]["maximum"]) == (1, 1_000_000)
