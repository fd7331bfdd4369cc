"""The buyer's referral link, written to their Shopify customer record as a metafield.

`passiton.referral_url` (type `url`) is readable by the merchant's notification templates as
`{{ customer.metafields.passiton.referral_url }}`: a plain namespace, not the app-reserved
`$app:…` one, since Liquid in notifications reads merchant-visible namespaces by name.
"""

from __future__ import annotations

from typing import Any

from passiton.connectors.shopify.client import ShopifyAdminClient
from passiton.connectors.shopify.documents import CUSTOMER_REFERRAL_URL
from passiton.core.ports import StoreError

NAMESPACE = "passiton"
KEY = "referral_url"


def write_referral_url(client: ShopifyAdminClient, customer_id: str, url: str) -> None:
    """Set (or overwrite) the metafield; raises StoreError, retryable when worth retrying."""
    data = client.execute(
        CUSTOMER_REFERRAL_URL,
        {
            "metafields": [
                {
                    "ownerId": f"gid://shopify/Customer/{customer_id}",
                    "namespace": NAMESPACE,
                    "key": KEY,
                    "type": "url",
                    "value": url,
                }
            ]
        },
    )
    payload: Any = data.get("metafieldsSet") or {}
    errors = payload.get("userErrors") or []
    if errors:
        codes = sorted({str(e.get("code")) for e in errors if isinstance(e, dict)})
        # A refused owner or value does not change on a retry.
        raise StoreError(f"metafieldsSet refused: {', '.join(codes)}", retryable=False)
    if not payload.get("metafields"):
        raise StoreError("metafieldsSet answered without the metafield", retryable=True)
