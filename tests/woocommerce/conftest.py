"""A Passiton service with WooCommerce wired in, driven as a merchant's browser."""

from __future__ import annotations

import pytest

from passiton.app.factory import create_app
from passiton.app.stores import PlatformStores
from tests.conftest import RuntimeFactory
from tests.woocommerce.connect_service import Service


@pytest.fixture
def service(make_runtime: RuntimeFactory, database_url: str) -> Service:
    runtime = make_runtime(database_url, stores=PlatformStores())
    return Service(runtime, create_app(runtime=runtime).test_client())
