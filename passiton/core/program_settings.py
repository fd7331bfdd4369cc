"""A shop's program settings: defaults, validation, and (de)serialisation for versioned storage.

`ProgramSettings` is the one description of the settings: the core validates with it and the
merchant API's OpenAPI document is generated from its JSON Schema.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from itertools import pairwise
from typing import Annotated, Any

import annotated_types
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from passiton.core.errors import InvalidSettings


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
MAX_AMOUNT = Decimal("1000000")
MAX_HOW_IT_WORKS = 5000
MAX_MILESTONES = 10
MILESTONE_REFERRALS = (1, 1000)
MILESTONE_POINTS = (1, 1_000_000)
HEX_COLOR = "^#[0-9a-fA-F]{6}$"
_HEX_COLOR = re.compile(HEX_COLOR)


@dataclass(frozen=True)
class FriendOfferSpec:
    """What a referred friend gets. A change creates a new offer with a fresh code pool."""

    discount_type: DiscountType
    value: Decimal
    min_subtotal: Decimal
    expiry_days: int


# Each field's check runs before pydantic's own: its lax mode would take "30" as 30 and "yes" as
# true, and these keep the messages merchants and API clients already see.
def _refuse(message: str) -> PydanticCustomError:
    return PydanticCustomError("invalid_setting", message)


def _name(info: ValidationInfo) -> str:
    return info.field_name or "value"


def _whole_number(raw: Any, info: ValidationInfo) -> int:
    name = _name(info)
    # JSON has one number type: 30.0 is the whole number 30 to a JavaScript client.
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise _refuse(f"{name} must be a whole number")
    low, high = _bounds(name)
    if not low <= raw <= high:
        raise _refuse(f"{name} must be between {low} and {high}")
    return raw


def _bounds(name: str) -> tuple[int, int]:
    """The bounds a whole-number setting declares in its `Field`, which its schema shows."""
    metadata = ProgramSettings.model_fields[name].metadata
    low = next(m.ge for m in metadata if isinstance(m, annotated_types.Ge))
    high = next(m.le for m in metadata if isinstance(m, annotated_types.Le))
    assert isinstance(low, int)
    assert isinstance(high, int)
    return low, high


def _switch(raw: Any, info: ValidationInfo) -> bool:
    if not isinstance(raw, bool):
        raise _refuse(f"{_name(info)} must be true or false")
    return raw


def _choice(raw: Any, info: ValidationInfo) -> Any:
    # The field's enum is read from the model, so one check serves every enum setting.
    kind = ProgramSettings.model_fields[_name(info)].annotation
    assert isinstance(kind, type)
    assert issubclass(kind, StrEnum)
    try:
        return kind(raw)
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        raise _refuse(f"{_name(info)} must be one of: {allowed}") from None


def _amount(raw: Any, info: ValidationInfo) -> Decimal:
    name = _name(info)
    if isinstance(raw, bool) or not isinstance(raw, str | int | Decimal):
        raise _refuse(f'{name} must be an amount such as "15" or "9.99"')
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        raise _refuse(f'{name} must be an amount such as "15"') from None
    if not value.is_finite() or value < 0 or value > MAX_AMOUNT:
        raise _refuse(f"{name} must be between 0 and {MAX_AMOUNT}")
    if value != value.quantize(Decimal("0.01")):
        raise _refuse(f"{name} may have at most two decimals")
    return value.quantize(Decimal("0.01"))


def _colour(raw: Any, info: ValidationInfo) -> str:
    if not isinstance(raw, str) or not _HEX_COLOR.match(raw.strip()):
        raise _refuse(f"{_name(info)} must be a colour such as #1f5199")
    return raw.strip().lower()


def _text(raw: Any, info: ValidationInfo) -> str:
    name = _name(info)
    if not isinstance(raw, str) or not raw.strip():
        raise _refuse(f"{name} must be non-empty text")
    if len(raw) > MAX_HOW_IT_WORKS:
        raise _refuse(f"{name} must be at most {MAX_HOW_IT_WORKS} characters")
    return raw.strip()


class MilestoneTier(BaseModel):
    """Bonus points once a referrer's approved referrals reach `referrals`."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    referrals: Annotated[int, Field(ge=MILESTONE_REFERRALS[0], le=MILESTONE_REFERRALS[1])]
    """The number of approved referrals that reaches this tier."""
    points: Annotated[int, Field(ge=MILESTONE_POINTS[0], le=MILESTONE_POINTS[1])]
    """The bonus, granted once per referrer."""


_TIER_SHAPE = "milestones: each tier must be an object with referrals and points"


def _milestones(raw: Any, info: ValidationInfo) -> tuple[MilestoneTier, ...]:
    # The tiers are checked as a whole here so that every refusal names the one field the
    # merchant edits, in the words the other settings use.
    # Stored tiers come back as a tuple (of models, or of dicts when dumped as a change's base).
    if isinstance(raw, tuple):
        raw = [t.model_dump() if isinstance(t, MilestoneTier) else t for t in raw]
    if not isinstance(raw, list):
        raise _refuse("milestones must be a list of tiers")
    if len(raw) > MAX_MILESTONES:
        raise _refuse(f"milestones: at most {MAX_MILESTONES} tiers")
    tiers = []
    for item in raw:
        if not isinstance(item, dict) or set(item) != {"referrals", "points"}:
            raise _refuse(_TIER_SHAPE)
        tiers.append(
            MilestoneTier(
                referrals=_tier_number(item["referrals"], "referrals", MILESTONE_REFERRALS),
                points=_tier_number(item["points"], "points", MILESTONE_POINTS),
            )
        )
    if any(a.referrals >= b.referrals for a, b in pairwise(tiers)):
        raise _refuse("milestones: each tier must need more referrals than the one before")
    return tuple(tiers)


def _tier_number(raw: Any, name: str, bounds: tuple[int, int]) -> int:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise _refuse(f"milestones: {name} must be a whole number")
    if not bounds[0] <= raw <= bounds[1]:
        raise _refuse(f"milestones: {name} must be between {bounds[0]} and {bounds[1]}")
    return raw


Switch = Annotated[bool, BeforeValidator(_switch)]
WholeNumber = BeforeValidator(_whole_number)
Choice = BeforeValidator(_choice)
# Amounts travel as decimal strings (a float would round); 0 to 1,000,000 with two decimals.
Amount = Annotated[
    Decimal,
    BeforeValidator(_amount),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^(\d{1,6}(\.\d{1,2})?|1000000(\.0{1,2})?)$",
            "description": "Decimal amount from 0 to 1000000",
        }
    ),
]


class ProgramSettings(BaseModel):
    """Program settings; a change accepts any subset of these fields."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    enabled: Switch = True
    friend_discount_type: Annotated[DiscountType, Choice] = DiscountType.PERCENT
    friend_discount_value: Annotated[
        Amount,
        Field(description="Greater than 0; at most 100 when friend_discount_type is percent"),
    ] = Decimal("15.00")
    friend_min_subtotal: Amount = Decimal("0.00")
    friend_code_expiry_days: Annotated[int, Field(ge=0, le=3650), WholeNumber] = 30
    reward_mode: Annotated[RewardMode, Choice] = RewardMode.PER_REFERRAL
    reward_points: Annotated[int, Field(ge=1, le=1_000_000), WholeNumber] = 1000
    """Points per referral, or per currency unit of the friend's order (see reward_mode)."""
    hold_days: Annotated[int, Field(ge=0, le=365), WholeNumber] = 30
    points_per_currency_unit: Annotated[int, Field(ge=1, le=1_000_000), WholeNumber] = 100
    """Redemption rate: this many points buy one unit of the store's currency."""
    min_redemption_points: Annotated[int, Field(ge=1, le=100_000_000), WholeNumber] = 500
    gifts_enabled: Switch = True
    show_referrer_reward: Switch = False
    check_self_referral: Switch = True
    new_customers_only: Switch = True
    velocity_cap: Annotated[int, Field(ge=0, le=10_000), WholeNumber] = 10
    """Most converted referrals one referrer may earn for in 30 days; 0 means no cap."""
    how_it_works: Annotated[
        str, BeforeValidator(_text), Field(json_schema_extra={"maxLength": MAX_HOW_IT_WORKS})
    ] = DEFAULT_HOW_IT_WORKS
    brand_color: Annotated[str, Field(pattern=HEX_COLOR), BeforeValidator(_colour)] = "#1f5199"
    """The store's colour on the friend's pages, as #rrggbb."""
    invitation_delay_hours: Annotated[int, Field(ge=0, le=168), WholeNumber] = 3
    """How long after a buyer's first paid order their "your link to share" e-mail goes out:
    long enough that it arrives after the store's own order confirmation."""
    reminders: Annotated[int, Field(ge=0, le=2), WholeNumber] = 1
    """How many reminders (0 to 2) follow the invitation while no friend has claimed."""
    reminder_after_days: Annotated[int, Field(ge=1, le=60), WholeNumber] = 7
    """Days between the invitation and the first reminder, and between reminders."""
    milestones: Annotated[
        tuple[MilestoneTier, ...],
        BeforeValidator(_milestones),
        Field(json_schema_extra={"maxItems": MAX_MILESTONES}),
    ] = ()
    """Bonus points at a referrer's Nth approved referral, in increasing order of N."""

    @model_validator(mode="after")
    def _consistent_discount(self) -> ProgramSettings:
        value = self.friend_discount_value
        if value <= 0:
            raise PydanticCustomError(
                "inconsistent_settings",
                "friend_discount_value must be greater than 0",
                {"field": "friend_discount_value"},
            )
        if self.friend_discount_type is DiscountType.PERCENT and value > 100:
            raise PydanticCustomError(
                "inconsistent_settings",
                "friend_discount_value: a percentage must be at most 100",
                {"field": "friend_discount_value"},
            )
        return self

    @property
    def friend_offer(self) -> FriendOfferSpec:
        return FriendOfferSpec(
            discount_type=self.friend_discount_type,
            value=self.friend_discount_value,
            min_subtotal=self.friend_min_subtotal,
            expiry_days=self.friend_code_expiry_days,
        )

    def to_json(self) -> dict[str, Any]:
        """The settings as stored and answered: money as decimal strings, enums as values."""
        return self.model_dump(mode="json")


def parse_settings(data: dict[str, Any], base: ProgramSettings | None = None) -> ProgramSettings:
    """Apply a (possibly partial) mapping over `base`, refusing the first invalid field by name."""
    current = base or ProgramSettings()
    if not isinstance(data, dict):
        raise InvalidSettings("settings must be an object")
    try:
        return ProgramSettings.model_validate({**current.model_dump(), **data})
    except ValidationError as error:
        raise _first_refusal(error, list(data)) from None


def _first_refusal(error: ValidationError, order: list[str]) -> InvalidSettings:
    """The refusal to answer: unknown names (alphabetically) first, then in the body's order."""
    found = []
    for detail in error.errors():
        name = str(detail["loc"][0]) if detail["loc"] else detail.get("ctx", {}).get("field")
        if detail["type"] == "extra_forbidden":
            found.append(((0, name, 0), InvalidSettings(f"unknown setting '{name}'", field=name)))
        else:
            rank = order.index(name) if name in order else len(order)
            found.append(((1, "", rank), InvalidSettings(detail["msg"], field=name)))
    return min(found, key=lambda pair: pair[0])[1]


def settings_from_json(data: dict[str, Any]) -> ProgramSettings:
    """Load stored settings; fields added since they were stored take their defaults."""
    known = {k: v for k, v in data.items() if k in ProgramSettings.model_fields}
    return parse_settings(known, ProgramSettings())
