"""Where a friend is sent with their code applied, per platform."""

from __future__ import annotations

from urllib.parse import quote

from passiton.core.models import Platform, Shop


def store_url_with_code(shop: Shop, code: str) -> str | None:
    """The store page that applies `code`; None when the platform has no storefront (fake)."""
    if shop.platform is Platform.SHOPIFY:
        # Shopify applies a code from /discount/<code> and then follows `redirect`.
        return f"https://{shop.domain}/discount/{quote(code, safe='')}?redirect=/"
    if shop.platform is Platform.WOOCOMMERCE:
        # The companion plugin applies ?passiton_coupon=<code> to the cart.
        return f"{shop.domain.rstrip('/')}/?passiton_coupon={quote(code, safe='')}"
    return None


def store_home_url(shop: Shop) -> str | None:
    """The store's front page, for a friend with nothing else to follow; None for the fake."""
    if shop.platform is Platform.SHOPIFY:
        return f"https://{shop.domain}/"
    if shop.platform is Platform.WOOCOMMERCE:
        return f"{shop.domain.rstrip('/')}/"
    return None
