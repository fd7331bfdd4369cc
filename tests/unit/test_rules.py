from decimal import Decimal

import pytest

from passiton.core import codes
from passiton.core.fraud import Party, Reason, Verdict, judge
from passiton.core.program_settings import ProgramSettings, RewardMode
from passiton.core.rewards import net_fraction, points_for_order, points_value

PER_REFERRAL = ProgramSettings(reward_points=1000)
PER_UNIT = ProgramSettings(reward_mode=RewardMode.PER_CURRENCY_UNIT, reward_points=10)


@pytest.mark.parametrize(
    ("settings", "subtotal", "total", "refunded", "points"),
    [
        (PER_REFERRAL, "80", "100", "0", 1000),
        (PER_REFERRAL, "80", "100", "25", 750),
        (PER_REFERRAL, "80", "100", "100", 0),
        (PER_REFERRAL, "80", "100", "150", 0),
        (PER_REFERRAL, "80", "100", "33.33", 666),
        (PER_UNIT, "80", "100", "0", 800),
        (PER_UNIT, "80.99", "100", "0", 809),
        (PER_UNIT, "80", "100", "50", 400),
        (PER_REFERRAL, "0", "0", "0", 1000),
    ],
)
def test_points_for_order(
    settings: ProgramSettings, subtotal: str, total: str, refunded: str, points: int
) -> None:
    assert (
        points_for_order(settings, Decimal(subtotal), Decimal(total), Decimal(refunded)) == points
    )


def test_net_fraction_is_clamped() -> None:
    assert net_fraction(Decimal(100), Decimal(-5)) == 1
    assert net_fraction(Decimal(100), Decimal(500)) == 0


def test_points_value_rounds_down_to_the_cent() -> None:
    settings = ProgramSettings(points_per_currency_unit=3)
    assert points_value(settings, 100) == Decimal("33.33")


def test_referral_code_is_random_from_the_unambiguous_alphabet() -> None:
    code = codes.referral_code()
    first, second = code.split("-")
    assert (len(first), len(second)) == (4, 4)
    assert set(first + second) <= set(codes.ALPHABET)
    assert not set("01ILO") & set(first + second)
    assert codes.looks_like_code(code)


def test_referral_codes_differ() -> None:
    assert len({codes.referral_code() for _ in range(500)}) == 500


def test_friend_codes_differ() -> None:
    assert len({codes.friend_code() for _ in range(500)}) == 500


def test_code_shape_check() -> None:
    assert codes.looks_like_code("anna-7k2q")
    assert not codes.looks_like_code("../etc/passwd")
    assert not codes.looks_like_code("a")


REFERRER = Party("1", "anna@example.com", "addr-a", "111111111")


@pytest.mark.parametrize(
    ("friend", "new", "recent", "verdict", "reason"),
    [
        (Party("2", "fritz@example.com", "addr-b", "222222222"), True, 0, Verdict.ACCEPT, None),
        (
            Party("1", "x@example.com", None, None),
            True,
            0,
            Verdict.REJECT,
            Reason.SELF_REFERRAL_CUSTOMER,
        ),
        (
            Party("2", "anna@example.com", None, None),
            True,
            0,
            Verdict.REJECT,
            Reason.SELF_REFERRAL_EMAIL,
        ),
        (
            Party("2", "f@example.com", None, None),
            False,
            0,
            Verdict.REJECT,
            Reason.NOT_NEW_CUSTOMER,
        ),
        (
            Party("2", "f@example.com", "addr-a", None),
            True,
            0,
            Verdict.REVIEW,
            Reason.SAME_SHIPPING_ADDRESS,
        ),
        (
            Party("2", "f@example.com", None, "111111111"),
            True,
            0,
            Verdict.REVIEW,
            Reason.SAME_PHONE,
        ),
        (Party("2", "f@example.com", None, None), True, 10, Verdict.REVIEW, Reason.VELOCITY_CAP),
    ],
)
def test_fraud_judge(
    friend: Party, new: bool, recent: int, verdict: Verdict, reason: Reason | None
) -> None:
    decision = judge(
        ProgramSettings(), REFERRER, friend, friend_is_new=new, referrer_recent_conversions=recent
    )
    assert (decision.verdict, decision.reason) == (verdict, reason)


def test_fraud_rules_can_be_switched_off() -> None:
    settings = ProgramSettings(check_self_referral=False, new_customers_only=False, velocity_cap=0)
    friend = Party("1", "anna@example.com", "addr-a", "111111111")
    decision = judge(
        settings, REFERRER, friend, friend_is_new=False, referrer_recent_conversions=99
    )
    assert decision.verdict is Verdict.ACCEPT
