"""Friend pages speak the shop's language and write money in the shop's currency and locale."""

from __future__ import annotations

from datetime import UTC, datetime

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from passiton.app.factory import create_app
from passiton.core.events import ShopFacts
from passiton.core.models import Platform
from passiton.core.services.shop_facts import apply_shop_facts
from tests.conftest import RuntimeFactory
from tests.faces.scenario import ShopAccess, referrer, shop_with_key


def _shop(
    make_runtime: RuntimeFactory, url: str, facts: ShopFacts
) -> tuple[FlaskClient, ShopAccess, str]:
    runtime = make_runtime(url)
    client = create_app(runtime=runtime).test_client()
    shop = shop_with_key(runtime, "ring-shop.myshopify.com", platform=Platform.SHOPIFY)

    def identify(session: Session) -> None:
        apply_shop_facts(session, shop.shop_id, facts, datetime.now(UTC))

    runtime.db.run(identify)
    code = referrer(runtime, shop.shop_id, "anna@example.com", "Anna")
    client.put(
        "/api/settings",
        json={"friend_discount_type": "fixed", "friend_discount_value": "10",
              "friend_min_subtotal": "50"},
        headers=shop.headers,
    )  # fmt: skip
    return client, shop, code


def test_a_german_shops_offer_page_is_german_in_euros(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    client, _, code = _shop(
        make_runtime, sqlite_url, ShopFacts(name="Atelier Anna", currency="EUR", locale="de")
    )

    html = client.get(f"/r/{code}", headers={"Accept-Language": "en"}).get_data(as_text=True)

    assert '<html lang="de">' in html
    assert "<h1>Anna schenkt dir 10,00\xa0€ Rabatt auf deine erste Bestellung</h1>" in html
    assert "Für Bestellungen ab 50,00\xa0€." in html
    assert "Ein Geschenk für dich von Atelier Anna" in html
    assert "USD" not in html


def test_an_austrian_shops_how_it_works_page_is_german_with_austrian_money(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    client, _, code = _shop(
        make_runtime, sqlite_url, ShopFacts(name="Atelier Anna", currency="EUR", locale="de-AT")
    )

    html = client.get(f"/r/{code}/how-it-works").get_data(as_text=True)

    assert "So funktioniert das Empfehlungsprogramm von Atelier Anna" in html
    # The words come from the German catalogue; Austrian money puts the sign first (CLDR de_AT).
    assert (
        "Du erhältst €\xa010,00 Rabatt auf deine erste Bestellung bei Atelier Anna ab €\xa050,00."
        in html
    )


def test_a_shop_in_a_language_without_a_catalogue_reads_english_with_its_own_money(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    client, _, code = _shop(
        make_runtime, sqlite_url, ShopFacts(name="Atelier Anne", currency="EUR", locale="fr")
    )

    html = client.get(f"/r/{code}").get_data(as_text=True)

    assert "Anna gave you 10,00\xa0€ off your first order" in html


def test_a_refused_claim_is_explained_in_the_shops_language(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    client, _, code = _shop(
        make_runtime, sqlite_url, ShopFacts(name="Atelier Anna", currency="EUR", locale="de")
    )

    response = client.post(f"/r/{code}", data={"email": "not-an-address"})

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="email-error">Bitte gib eine gültige E-Mail-Adresse ein.</p>' in html


def test_a_german_shops_dead_ends_are_german_and_lead_to_the_store(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    client, shop, code = _shop(
        make_runtime, sqlite_url, ShopFacts(name="Atelier Anna", currency="EUR", locale="de")
    )

    unknown = client.get("/r/NOPE-2222").get_data(as_text=True)
    client.put("/api/settings", json={"enabled": False}, headers=shop.headers)
    paused = client.get(f"/r/{code}").get_data(as_text=True)

    assert "Dieser Empfehlungslink ist ungültig." in unknown
    assert "Zu Atelier Anna" in unknown
    assert "Das Empfehlungsprogramm von Atelier Anna ist im Moment pausiert." in paused
    assert "Zu Atelier Anna" in paused
