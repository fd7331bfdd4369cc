"""A Shopify-configured app with one installed shop, for the app proxy tests."""

from __future__ import annotations

import pytest

from passiton.app.runtime import Runtime
from passiton.core.models import Platform
from passiton.core.services.shops import install_shop
from tests.shopify.shopify_data import SHOP


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """The proxy tests run on SQLite only."""
    return sqlite_url


@pytest.fixture
def shop_id(shopify_runtime: Runtime) -> int:
    return shopify_runtime.db.run(
        lambda s: install_shop(s, platform=Platform.SHOPIFY, domain=SHOP).id
    )
