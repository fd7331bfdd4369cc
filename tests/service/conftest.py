from __future__ import annotations

import pytest

from passiton.app.database import Database
from passiton.core.fake_store import FakeStoreDirectory
from passiton.core.models import Customer
from tests.support.builders import make_referrer, make_shop


@pytest.fixture
def stores() -> FakeStoreDirectory:
    return FakeStoreDirectory()


@pytest.fixture
def shop_id(any_db: Database, stores: FakeStoreDirectory) -> int:
    return make_shop(any_db, stores)


@pytest.fixture
def anna(any_db: Database, shop_id: int) -> Customer:
    return make_referrer(any_db, shop_id)
