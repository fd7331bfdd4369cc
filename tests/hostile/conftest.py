"""One Shopify and one WooCommerce shop, installed and signed for, and what they have written."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from passiton.app.factory import create_app
from passiton.app.runtime import Runtime
from passiton.connectors.woocommerce.auth import plugin_request_headers
from passiton.core.merchants import PluginKey
from passiton.core.models import (
    Customer,
    LedgerEntry,
    OrderRecord,
    Platform,
    Referral,
    RewardCode,
    WebhookDelivery,
)
from passiton.core.services.shops import install_shop
from tests.conftest import RuntimeFactory
from tests.shopify.shopify_data import SHOP

WOO_SECRET = "fuzz-store-secret-0123456789"
PLUGIN_KEY = "wpk_fuzz-plugin-key-0123456789"
TABLES = (WebhookDelivery, OrderRecord, Customer, Referral, LedgerEntry, RewardCode)


@dataclass
class Stores:
    runtime: Runtime
    web: FlaskClient
    woo_shop_id: int

    def rows(self) -> tuple[int, ...]:
        with self.runtime.db.sessions() as session:
            return tuple(
                int(session.scalar(select(func.count()).select_from(t)) or 0) for t in TABLES
            )

    def plugin_call(
        self, path: str, body: bytes, *, shop: str | None = None, stamp: str | None = None
    ) -> TestResponse:
        """A companion-plugin call signed with the shop's plugin key."""
        stamp = stamp if stamp is not None else str(int(time.time()))
        return self.web.post(
            f"/woocommerce/plugin/{path}",
            data=body,
            headers=plugin_request_headers(
                PLUGIN_KEY, shop if shop is not None else str(self.woo_shop_id), stamp, body
            ),
        )


def as_json(value: object) -> bytes:
    return json.dumps(value).encode()


@pytest.fixture
def stores(make_runtime: RuntimeFactory, sqlite_url: str) -> Stores:
    runtime = make_runtime(sqlite_url)
    with runtime.db.transaction() as session:
        install_shop(session, platform=Platform.SHOPIFY, domain=SHOP)
        woo = install_shop(session, platform=Platform.WOOCOMMERCE, domain="https://woo.example")
        woo.webhook_secret = runtime.vault.seal_text(WOO_SECRET)
        session.flush()
        session.add(PluginKey(shop_id=woo.id, sealed_key=runtime.vault.seal_text(PLUGIN_KEY)))
        woo_id = woo.id
    return Stores(runtime, create_app(runtime=runtime).test_client(), woo_id)
