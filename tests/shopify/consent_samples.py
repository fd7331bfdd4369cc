"""Bodies of Shopify's `customers_email_marketing_consent/update` webhook.

Where the shape comes from: the topic's example body in Shopify's webhook reference
(shopify.dev/docs/api/webhooks, topic customers_email_marketing_consent/update; the REST
webhook resource's "event topics" before it), which ShopifySharp models as
`CustomerEmailMarketingConsentWebhook` (nozzlegear/ShopifySharp: customer_id, email_address,
email_marketing_consent) and public apps consuming the topic read the same way. The body is
*not* a customer resource: the id is `customer_id`, the address `email_address`, and the
consent object is the REST `email_marketing_consent` (state in lower case, `opt_in_level`,
`consent_updated_at`, `consent_collected_from`). Since API 2025-01 this topic is the only
webhook that still carries e-mail consent (PLATFORMS.md). The topic string itself is the one
the WebhookSubscriptionTopic enum's description gives (the schema in ../shared/schemas).
"""

from __future__ import annotations

from typing import Any

TOPIC = "customers_email_marketing_consent/update"


def consent_update(
    *,
    customer_id: int | None = 706405506930370084,
    email: str | None = "bob@biller.com",
    state: str = "unsubscribed",
    updated_at: str | None = "2026-11-02T09:30:00-05:00",
) -> dict[str, Any]:
    """A consent update as Shopify delivers it (the reference example, with our values)."""
    return {
        "customer_id": customer_id,
        "email_address": email,
        "email_marketing_consent": {
            "state": state,
            "opt_in_level": "single_opt_in",
            "consent_updated_at": updated_at,
            "consent_collected_from": "SHOPIFY",
        },
    }
