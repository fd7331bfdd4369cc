"""A Shopify-configured app on each backend, for the Shopify tests (modules may pin SQLite)."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from passiton.app.factory import create_app
from passiton.app.runtime import Runtime
from passiton.core.fake_store import FakeStoreDirectory
from tests.conftest import RuntimeFactory


@pytest.fixture
def stores() -> FakeStoreDirectory:
    return FakeStoreDirectory()


@pytest.fixture
def shopify_runtime(
    make_runtime: RuntimeFactory, database_url: str, stores: FakeStoreDirectory
) -> Runtime:
    return make_runtime(database_url, stores=stores)


@pytest.fixture
def web(shopify_runtime: Runtime) -> FlaskClient:
    return create_app(runtime=shopify_runtime).test_client()
