"""Fraud rules for a converting referral: pure functions over what we know of both people."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from passiton.core.program_settings import ProgramSettings


class Verdict(StrEnum):
    ACCEPT = "accept"
    REVIEW = "review"
    REJECT = "reject"


class Reason(StrEnum):
    SELF_REFERRAL_CUSTOMER = "self_referral_customer"
    SELF_REFERRAL_EMAIL = "self_referral_email"
    SAME_SHIPPING_ADDRESS = "same_shipping_address"
    SAME_PHONE = "same_phone"
    NOT_NEW_CUSTOMER = "not_new_customer"
    VELOCITY_CAP = "velocity_cap"


@dataclass(frozen=True)
class Party:
    customer_id: str | None
    email_key: str | None
    shipping_key: str | None
    phone_key: str | None


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    reason: Reason | None = None


ACCEPT = Decision(Verdict.ACCEPT)


def judge(
    settings: ProgramSettings,
    referrer: Party,
    friend: Party,
    *,
    friend_is_new: bool,
    referrer_recent_conversions: int,
) -> Decision:
    """Decide what a converting referral gets: credit, review by the merchant, or nothing."""
    if settings.check_self_referral:
        if referrer.customer_id and referrer.customer_id == friend.customer_id:
            return Decision(Verdict.REJECT, Reason.SELF_REFERRAL_CUSTOMER)
        if referrer.email_key and referrer.email_key == friend.email_key:
            return Decision(Verdict.REJECT, Reason.SELF_REFERRAL_EMAIL)
    if settings.new_customers_only and not friend_is_new:
        return Decision(Verdict.REJECT, Reason.NOT_NEW_CUSTOMER)
    if settings.check_self_referral:
        if referrer.shipping_key and referrer.shipping_key == friend.shipping_key:
            return Decision(Verdict.REVIEW, Reason.SAME_SHIPPING_ADDRESS)
        if referrer.phone_key and referrer.phone_key == friend.phone_key:
            return Decision(Verdict.REVIEW, Reason.SAME_PHONE)
    if settings.velocity_cap and referrer_recent_conversions >= settings.velocity_cap:
        return Decision(Verdict.REVIEW, Reason.VELOCITY_CAP)
    return ACCEPT
