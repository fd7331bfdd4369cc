"""Headers every response carries: no content sniffing, and who may frame the page.

Pages refuse all framing (clickjacking a merchant's settings form, or a friend's claim form)
except the merchant pages opened from the Shopify admin, which Shopify requires to allow exactly
`frame-ancestors https://<shop>.myshopify.com https://admin.shopify.com`.
"""

from __future__ import annotations

from flask import Flask, Response, g

NO_FRAMING = "frame-ancestors 'none'"
_EMBEDDING_SHOP = "passiton_embedding_shop"


def allow_shopify_framing(shop_domain: str) -> None:
    """Let this response be framed by `shop_domain` (a checked *.myshopify.com) and the admin."""
    setattr(g, _EMBEDDING_SHOP, shop_domain)


def install_page_headers(app: Flask) -> None:
    app.after_request(_add_headers)


def _add_headers(response: Response) -> Response:
    response.headers["X-Content-Type-Options"] = "nosniff"
    shop = g.get(_EMBEDDING_SHOP)
    response.headers["Content-Security-Policy"] = (
        f"frame-ancestors https://{shop} https://admin.shopify.com" if shop else NO_FRAMING
    )
    return response
