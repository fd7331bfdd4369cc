"""A shop's program settings: defaults, validation, and (de)serialisation for versioned storage."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, TypeVar

from passiton.core.errors import InvalidSettings

E = TypeVar("E", bound=StrEnum)


class DiscountType(StrEnum):
    PERCENT = "percent"
    FIXED = "fixed"


class RewardMode(StrEnum):
    PER_REFERRAL = "per_referral"
    PER_CURRENCY_UNIT = "per_currency_unit"


DEFAULT_HOW_IT_WORKS = (
    "Share your personal link with friends. They get a discount on their first order, "
    "and once their order is past the return window you earn points. Turn your points "
    "into a discount code for yourself, or give them away as a gift code."
)


@dataclass(frozen=True)
class FriendOfferSpec:
    """What a referred friend gets. A change creates a new offer with a fresh code pool."""

    discount_type: DiscountType
    value: Decimal
    min_subtotal: Decimal
    expiry_days: int


@dataclass(frozen=True)
class ProgramSettings:
    enabled: bool = True
    friend_discount_type: DiscountType = DiscountType.PERCENT
    friend_discount_value: Decimal = Decimal("15.00")
    friend_min_subtotal: Decimal = Decimal("0.00")
    friend_code_expiry_days: int = 30
    reward_mode: RewardMode = RewardMode.PER_REFERRAL
    reward_points: int = 1000
    """Points per referral, or per currency unit of the friend's order (see reward_mode)."""
    hold_days: int = 30
    points_per_currency_unit: int = 100
    """Redemption rate: this many points buy one unit of the store's currency."""
    min_redemption_points: int = 500
    gifts_enabled: bool = True
    show_referrer_reward: bool = False
    check_self_referral: bool = True
    new_customers_only: bool = True
    velocity_cap: int = 10
    """Most converted referrals one referrer may earn for in 30 days; 0 means no cap."""
    how_it_works: str = DEFAULT_HOW_IT_WORKS
    brand_color: str = "#1f5199"
    """The store's colour on the friend's pages, as #rrggbb."""
    invitation_delay_hours: int = 3
    """How long after a buyer's first paid order their "your link to share" e-mail goes out:
    long enough that it arrives after the store's own order confirmation."""
    reminders: int = 1
    """How many reminders (0 to 2) follow the invitation while no friend has claimed."""
    reminder_after_days: int = 7
    """Days between the invitation and the first reminder, and between reminders."""

    @property
    def friend_offer(self) -> FriendOfferSpec:
        return FriendOfferSpec(
            discount_type=self.friend_discount_type,
            value=self.friend_discount_value,
            min_subtotal=self.friend_min_subtotal,
            expiry_days=self.friend_code_expiry_days,
        )

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            out[f.name] = str(value) if isinstance(value, Decimal) else value
        return out


INT_BOUNDS: dict[str, tuple[int, int]] = {
    "friend_code_expiry_days": (0, 3650),
    "reward_points": (1, 1_000_000),
    "hold_days": (0, 365),
    "points_per_currency_unit": (1, 1_000_000),
    "min_redemption_points": (1, 100_000_000),
    "velocity_cap": (0, 10_000),
    "invitation_delay_hours": (0, 168),
    "reminders": (0, 2),
    "reminder_after_days": (1, 60),
}
_BOOLS = {
    "enabled",
    "gifts_enabled",
    "show_referrer_reward",
    "check_self_referral",
    "new_customers_only",
}
_FIELDS = {f.name for f in dataclasses.fields(ProgramSettings)}
MAX_HOW_IT_WORKS = 5000
_HEX_COLOR = re.compile(r"^#[0-9a-f]{6}$")


def parse_settings(data: dict[str, Any], base: ProgramSettings | None = None) -> ProgramSettings:
    """Apply a (possibly partial) mapping over `base`, refusing the first invalid field by name."""
    current = base or ProgramSettings()
    if not isinstance(data, dict):
        raise InvalidSettings("settings must be an object")
    unknown = sorted(set(data) - _FIELDS)
    if unknown:
        raise InvalidSettings(f"unknown setting '{unknown[0]}'", field=unknown[0])
    changes: dict[str, Any] = {}
    for name, raw in data.items():
        changes[name] = _parse_field(name, raw)
    settings = dataclasses.replace(current, **changes)
    _check_consistency(settings)
    return settings


def _parse_field(name: str, raw: Any) -> Any:
    if name in _BOOLS:
        if not isinstance(raw, bool):
            raise InvalidSettings(f"{name} must be true or false", field=name)
        return raw
    if name in INT_BOUNDS:
        low, high = INT_BOUNDS[name]
        # JSON has one number type: 30.0 is the whole number 30 to a JavaScript client.
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise InvalidSettings(f"{name} must be a whole number", field=name)
        if not low <= raw <= high:
            raise InvalidSettings(f"{name} must be between {low} and {high}", field=name)
        return raw
    if name == "friend_discount_type":
        return _parse_enum(DiscountType, name, raw)
    if name == "reward_mode":
        return _parse_enum(RewardMode, name, raw)
    if name in ("friend_discount_value", "friend_min_subtotal"):
        return _parse_money(name, raw)
    if name == "brand_color":
        if not isinstance(raw, str) or not _HEX_COLOR.match(raw.strip().lower()):
            raise InvalidSettings("brand_color must be a colour such as #1f5199", field=name)
        return raw.strip().lower()
    if name == "how_it_works":
        if not isinstance(raw, str) or not raw.strip():
            raise InvalidSettings("how_it_works must be non-empty text", field=name)
        if len(raw) > MAX_HOW_IT_WORKS:
            raise InvalidSettings(
                f"how_it_works must be at most {MAX_HOW_IT_WORKS} characters", field=name
            )
        return raw.strip()
    raise InvalidSettings(f"unknown setting '{name}'", field=name)  # pragma: no cover


def _parse_enum(kind: type[E], name: str, raw: Any) -> E:
    try:
        return kind(raw)
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        raise InvalidSettings(f"{name} must be one of: {allowed}", field=name) from None


def _parse_money(name: str, raw: Any) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, str | int | Decimal):
        raise InvalidSettings(f'{name} must be an amount such as "15" or "9.99"', field=name)
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        raise InvalidSettings(f'{name} must be an amount such as "15"', field=name) from None
    if not value.is_finite() or value < 0 or value > Decimal("1000000"):
        raise InvalidSettings(f"{name} must be between 0 and 1000000", field=name)
    if value != value.quantize(Decimal("0.01")):
        raise InvalidSettings(f"{name} may have at most two decimals", field=name)
    return value.quantize(Decimal("0.01"))


def _check_consistency(settings: ProgramSettings) -> None:
    value = settings.friend_discount_value
    if value <= 0:
        raise InvalidSettings(
            "friend_discount_value must be greater than 0", field="friend_discount_value"
        )
    if settings.friend_discount_type is DiscountType.PERCENT and value > 100:
        raise InvalidSettings(
            "friend_discount_value: a percentage must be at most 100", field="friend_discount_value"
        )


def settings_from_json(data: dict[str, Any]) -> ProgramSettings:
    """Load stored settings; fields added since they were stored take their defaults."""
    known = {k: v for k, v in data.items() if k in _FIELDS}
    return parse_settings(known, ProgramSettings())
