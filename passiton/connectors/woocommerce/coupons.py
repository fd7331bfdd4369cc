"""Coupon payloads for the WooCommerce REST API: friend codes, reward and gift codes."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from passiton.core.ports import RestrictedCodeSpec
from passiton.core.program_settings import DiscountType, FriendOfferSpec

ALREADY_EXISTS = "woocommerce_rest_coupon_code_already_exists"
DISCOUNT_TYPES = {DiscountType.PERCENT: "percent", DiscountType.FIXED: "fixed_cart"}


def friend_coupon(code: str, offer: FriendOfferSpec, now: datetime) -> dict[str, Any]:
    """One single-use friend code; amounts go as strings (WooCommerce's own format)."""
    payload: dict[str, Any] = {
        "code": code,
        "discount_type": DISCOUNT_TYPES[offer.discount_type],
        "amount": f"{offer.value:f}",
        "individual_use": True,
        "usage_limit": 1,
        "usage_limit_per_user": 1,
        "minimum_amount": f"{offer.min_subtotal:f}",
        "description": "Passiton friend offer",
    }
    if offer.expiry_days > 0:
        payload["date_expires_gmt"] = wc_datetime(now + timedelta(days=offer.expiry_days))
    return payload


def restricted_coupon(spec: RestrictedCodeSpec) -> dict[str, Any]:
    """A fixed-amount reward (only for its owner's e-mail) or gift (anyone) code, used once."""
    payload: dict[str, Any] = {
        "code": spec.code,
        "discount_type": "fixed_cart",
        "amount": f"{spec.amount:f}",
        "individual_use": False,
        "usage_limit": 1,
        "description": spec.title,
    }
    if spec.customer_email:
        payload["email_restrictions"] = [spec.customer_email]
    if spec.expires_at is not None:
        payload["date_expires_gmt"] = wc_datetime(spec.expires_at)
    return payload


def wc_datetime(moment: datetime) -> str:
    """WooCommerce's `*_gmt` format: UTC, no offset."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S")
