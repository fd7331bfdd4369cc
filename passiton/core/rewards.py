"""Reward arithmetic: points for a referral, pro-rata reductions, points to money."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from passiton.core.program_settings import ProgramSettings, RewardMode

CENT = Decimal("0.01")


def net_fraction(total: Decimal, refunded: Decimal) -> Decimal:
    """Share of the order the friend kept: 1 when nothing was refunded, 0 when all was."""
    if total <= 0:
        return Decimal(0) if refunded > 0 else Decimal(1)
    kept = (total - refunded) / total
    return min(Decimal(1), max(Decimal(0), kept))


def points_for_order(
    settings: ProgramSettings, subtotal: Decimal, total: Decimal, refunded: Decimal
) -> int:
    """Points a referral earns for an order in its current state (floors, never rounds up)."""
    fraction = net_fraction(total, refunded)
    if settings.reward_mode is RewardMode.PER_REFERRAL:
        exact = Decimal(settings.reward_points) * fraction
    else:
        exact = max(Decimal(0), subtotal) * fraction * settings.reward_points
    return int(exact.to_integral_value(rounding=ROUND_DOWN))


def points_value(settings: ProgramSettings, points: int) -> Decimal:
    """What `points` are worth in the store's currency, rounded down to the cent."""
    value = Decimal(points) / Decimal(settings.points_per_currency_unit)
    return value.quantize(CENT, rounding=ROUND_DOWN)
