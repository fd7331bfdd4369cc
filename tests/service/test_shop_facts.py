"""A shop takes its name, currency, language, time zone and contact from its store."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from passiton.app.database import Database
from passiton.core.events import ShopFacts, ShopUpdated
from passiton.core.fake_store import FakeStoreDirectory
from passiton.core.models import Shop
from passiton.core.ports import StoreError
from passiton.core.services.dispatch import apply_events
from passiton.core.services.shop_facts import refresh_shop_facts
from passiton.core.services.shops import uninstall_shop

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
ATELIER = ShopFacts(
    name="Atelier Anna",
    currency="EUR",
    locale="de_DE",
    timezone="Europe/Berlin",
    contact_email="hallo@atelier-anna.example",
)


def _identity(db: Database, shop_id: int) -> tuple[object, ...]:
    with db.sessions() as session:
        shop = session.get(Shop, shop_id)
        assert shop is not None
        return (
            shop.name,
            shop.currency,
            shop.locale,
            shop.timezone,
            shop.contact_email,
            shop.facts_refreshed_at,
        )


def test_a_new_shop_is_english_usd_utc_until_its_store_says_otherwise(
    any_db: Database, shop_id: int
) -> None:
    assert _identity(any_db, shop_id) == ("Anna's Shop", "USD", "en", "UTC", "", None)


def test_refresh_stores_what_the_store_says(
    any_db: Database, stores: FakeStoreDirectory, shop_id: int
) -> None:
    stores.stores[shop_id].facts = ATELIER

    assert refresh_shop_facts(any_db.sessions, stores, shop_id, NOW) is True

    assert _identity(any_db, shop_id) == (
        "Atelier Anna",
        "EUR",
        "de-DE",
        "Europe/Berlin",
        "hallo@atelier-anna.example",
        NOW,
    )


def test_facts_the_store_leaves_out_or_garbles_keep_their_stored_values(
    any_db: Database, stores: FakeStoreDirectory, shop_id: int
) -> None:
    stores.stores[shop_id].facts = ShopFacts(
        name="  ",
        currency="euro",
        locale="not a language!",
        timezone="Mars/Olympus_Mons",
        contact_email="nobody",
    )

    refresh_shop_facts(any_db.sessions, stores, shop_id, NOW)

    assert _identity(any_db, shop_id) == ("Anna's Shop", "USD", "en", "UTC", "", NOW)


def test_a_failing_store_changes_nothing(
    any_db: Database, stores: FakeStoreDirectory, shop_id: int
) -> None:
    store = stores.stores[shop_id]
    store.facts = ATELIER
    store.fail_next.append(StoreError("down", retryable=True))

    with pytest.raises(StoreError):
        refresh_shop_facts(any_db.sessions, stores, shop_id, NOW)

    assert _identity(any_db, shop_id) == ("Anna's Shop", "USD", "en", "UTC", "", None)


def test_an_uninstalled_shop_is_not_asked(
    any_db: Database, stores: FakeStoreDirectory, shop_id: int
) -> None:
    store = stores.stores[shop_id]
    store.facts = ATELIER
    with any_db.transaction() as session:
        uninstall_shop(session, shop_id, NOW)
    calls = store.calls

    assert refresh_shop_facts(any_db.sessions, stores, shop_id, NOW) is False

    assert store.calls == calls
    assert _identity(any_db, shop_id)[:2] == ("Anna's Shop", "USD")


def test_a_shop_update_event_applies_the_facts_it_carries(any_db: Database, shop_id: int) -> None:
    with any_db.transaction() as session:
        apply_events(session, shop_id, [ShopUpdated(ATELIER)], NOW)

    assert _identity(any_db, shop_id)[:4] == ("Atelier Anna", "EUR", "de-DE", "Europe/Berlin")
