"""Coupon payloads for the WooCommerce REST API: friend codes, reward and gift codes.

Expiry goes as `date_expires`, never `date_expires_gmt`: WooCommerce's REST controller applies a
writable field only when `WC_Coupon` has a setter of that name
(`WC_REST_Coupons_V2_Controller::prepare_object_for_database`, in
`includes/rest-api/Controllers/Version2/class-wc-rest-coupons-v2-controller.php`), and there is
`set_date_expires()` but no `set_date_expires_gmt()`, so `date_expires_gmt` is dropped in silence
while the store still answers 201/200. `date_expires` goes through `WC_Data::set_date_prop`
(`includes/abstracts/abstract-wc-data.php`), which reads an ISO 8601 date-time *with* a `Z` or
`±HH:MM` suffix in that offset and one without in the site's timezone: we always send UTC with
`Z`, so the store's timezone does not matter.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
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
        payload["date_expires"] = wc_expiry(now + timedelta(days=offer.expiry_days))
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
        payload["date_expires"] = wc_expiry(spec.expires_at)
    return payload


def wc_datetime(moment: datetime) -> str:
    """WooCommerce's `*_gmt` format: UTC, no offset."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def wc_expiry(moment: datetime) -> str:
    """`date_expires` as UTC with a `Z`, which WooCommerce reads whatever the site's timezone."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def stored_expiry(coupon: object) -> datetime | None:
    """The expiry a coupon answer says the store keeps (`date_expires_gmt`), or None."""
    raw = coupon.get("date_expires_gmt") if isinstance(coupon, dict) else None
    if not isinstance(raw, str) or not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def expiry_kept(coupon: object, wanted: datetime) -> bool:
    """Whether the stored coupon expires no later than `wanted` (an earlier try may be sooner)."""
    stored = stored_expiry(coupon)
    return stored is not None and stored <= wanted.replace(microsecond=0)
