"""Reconciliation: pull orders changed since the watermark and feed them through the same path.

Webhooks get lost (WooCommerce never retries; Shopify gives up after 8 tries), so a missed
delivery must cost latency, never a credit.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from passiton.core.models import Shop, ShopStatus
from passiton.core.ports import StoreDirectory
from passiton.core.services.orders import handle_order
from passiton.core.services.shops import store_shop

OVERLAP = timedelta(minutes=10)
"""Pull a little before the watermark: store clocks and our clock are not the same clock."""


def reconcile_shop(
    sessions: Callable[[], Session], stores: StoreDirectory, shop_id: int, now: datetime
) -> int:
    """Re-apply every order modified since the watermark; return how many were seen."""
    with sessions() as session, session.begin():
        shop = session.get(Shop, shop_id)
        if shop is None or shop.status is not ShopStatus.ACTIVE:
            return 0
        since = (shop.reconciled_until or shop.installed_at) - OVERLAP
        target = store_shop(shop)
    seen = 0
    for state in stores.store_for(target).orders_modified_since(since):
        with sessions() as session, session.begin():
            handle_order(session, shop_id, state, now)
        seen += 1
    with sessions() as session, session.begin():
        shop = session.get(Shop, shop_id)
        if shop is not None:
            shop.reconciled_until = now
    return seen
