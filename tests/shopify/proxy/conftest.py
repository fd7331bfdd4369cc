"""A Shopify-configured app with one installed shop, for the app proxy tests."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from passiton.app.factory import create_app
from passiton.app.runtime import Runtime
from passiton.core.fake_store import FakeStoreDirectory
from passiton.core.models import Platform
from passiton.core.services.shops import install_shop
from tests.conftest import RuntimeFactory
from tests.shopify.shopify_data import SHOP


@pytest.fixture
def stores() -> FakeStoreDirectory:
    return FakeStoreDirectory()


@pytest.fixture
def shopify_runtime(
    make_runtime: RuntimeFactory, sqlite_url: str, stores: FakeStoreDirectory
) -> Runtime:
    return make_runtime(sqlite_url, stores=stores)


@pytest.fixture
def web(shopify_runtime: Runtime) -> FlaskClient:
    return create_app(runtime=shopify_runtime).test_client()


@pytest.fixture
def shop_id(shopify_runtime: Runtime) -> int:
    return shopify_runtime.db.run(
        lambda s: install_shop(s, platform=Platform.SHOPIFY, domain=SHOP).id
    )
