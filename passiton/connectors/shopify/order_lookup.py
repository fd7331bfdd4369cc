"""One order read from the Admin API by the id a checkout extension saw in the browser."""

from __future__ import annotations

import re

from passiton.connectors.shopify import documents as gql
from passiton.connectors.shopify.client import ShopifyAdminClient
from passiton.connectors.shopify.order_nodes import order_from_node
from passiton.connectors.shopify.payloads import mapping
from passiton.core.events import OrderState
from passiton.core.ports import MalformedPayload, StoreError

# The thank-you page names the order `gid://shopify/OrderIdentity/<n>` (it may be shown before
# the order exists); once created, the Admin `Order` has the same number. The order-status page
# names the Admin `gid://shopify/Order/<n>` itself.
_BROWSER_ORDER_ID = re.compile(r"^gid://shopify/(?:OrderIdentity|Order)/([1-9][0-9]{0,19})$")


def admin_order_gid(raw: object) -> str | None:
    """The Admin API id of the order an extension named, or None if it is not an order id."""
    found = _BROWSER_ORDER_ID.match(raw) if isinstance(raw, str) else None
    return f"gid://shopify/Order/{found.group(1)}" if found else None


def look_up_order(client: ShopifyAdminClient, order_gid: str) -> OrderState | None:
    """The order as this shop's Admin API has it; None when the shop has no such order."""
    node = client.execute(gql.ORDER_BY_ID, {"id": order_gid}).get("order")
    if node is None:
        return None
    try:
        return order_from_node(mapping(node))
    except MalformedPayload as error:
        raise StoreError(f"the order answer is unreadable: {error}", retryable=True) from error
