"""The widget speaks the referrer's own language (from their last order), else the shop's."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from passiton.app.runtime import Runtime
from passiton.connectors.shopify.payloads import load_object, order_state
from passiton.core import ledger
from passiton.core.events import ShopFacts
from passiton.core.models import EntryKind
from passiton.core.services.orders import handle_order
from passiton.core.services.shop_facts import apply_shop_facts
from tests.shopify.app_requests import proxy_query
from tests.shopify.proxy.shoppers import ANNA, give_points, spend, widget
from tests.shopify.shopify_data import paid_order


def ordered_in(runtime: Runtime, shop_id: int, customer_locale: str) -> None:
    """Anna's paid order: the official orders/create sample, with her id and language."""
    body = paid_order(customer_id=int(ANNA)) | {"customer_locale": customer_locale}
    state = order_state(load_object(json.dumps(body).encode()))
    runtime.db.run(lambda s: handle_order(s, shop_id, state, datetime.now(UTC)))


def shop_speaks(runtime: Runtime, shop_id: int, locale: str, timezone: str = "UTC") -> None:
    facts = ShopFacts(currency="EUR", locale=locale, timezone=timezone)
    runtime.db.run(lambda s: apply_shop_facts(s, shop_id, facts, datetime.now(UTC)))


def page(web: FlaskClient, customer: str | None = ANNA) -> str:
    return web.get(f"/proxy/?{proxy_query(customer=customer)}").get_data(as_text=True)


def test_a_referrer_who_ordered_in_german_reads_the_widget_in_german(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    give_points(shopify_runtime, shop_id, ANNA, 1500)
    ordered_in(shopify_runtime, shop_id, "de")

    html = page(web)

    assert '<html lang="de">' in html
    assert "Dein Empfehlungslink" in html
    assert 'data-field="points_available">1.500<' in html
    # The shop sells in USD: German money in dollars, not "15.00 USD".
    assert 'data-field="available_value">15,00\xa0$<' in html
    assert "Punkte für einen Rabattcode für dich" in html
    assert "Link kopiert." in html  # the script's words, from the same catalogue
    assert "Your referral link" not in html


def test_a_referrer_without_a_known_language_reads_the_shops_language(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    shop_speaks(shopify_runtime, shop_id, "de-AT")
    give_points(shopify_runtime, shop_id, ANNA, 1500)

    html = page(web)

    assert '<html lang="de">' in html
    assert 'data-field="available_value">€\xa015,00<' in html
    assert "Nutze deine Punkte" in html


def test_the_buyers_own_language_beats_the_shops(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    shop_speaks(shopify_runtime, shop_id, "de")
    give_points(shopify_runtime, shop_id, ANNA, 1500)
    ordered_in(shopify_runtime, shop_id, "en")

    html = page(web)

    assert '<html lang="en">' in html
    assert 'data-field="available_value">€15.00<' in html
    assert "Your referral link" in html


def test_a_guest_in_a_german_shop_is_invited_in_german(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    shop_speaks(shopify_runtime, shop_id, "de")

    html = page(web, customer=None)

    assert "Melde dich an</a>, um deinen persönlichen Link zu sehen." in html
    assert "Deine Freunde erhalten 15% Rabatt" in html


def test_widget_json_writes_history_codes_and_dates_in_the_referrers_language(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    # Late evening in UTC is already the next day in Berlin.
    shop_speaks(shopify_runtime, shop_id, "de", timezone="Europe/Berlin")
    anna = give_points(shopify_runtime, shop_id, ANNA, 1500)

    def adjusted_late(session: Session) -> None:
        entry = ledger.post(
            session,
            shop_id=shop_id,
            customer_id=anna,
            kind=EntryKind.ADJUST,
            key="late",
            available=10,
        )
        assert entry is not None
        entry.created_at = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)

    shopify_runtime.db.run(adjusted_late)
    assert spend(web, {"points": 500, "kind": "reward", "idempotency_key": "k1"})[0] == 200

    body = widget(web, proxy_query(customer=ANNA))[1]

    assert body["customer"]["available_value_text"] == "10,10\xa0€"
    assert body["rewards"][0]["amount_text"] == "5,00\xa0€"
    late = [h for h in body["history"] if h["date"] == "2026-11-30"]
    assert [(h["date_text"], h["description"]) for h in late] == [
        ("01.12.2026", "Vom Shop angepasst")
    ]
    assert body["history"][0]["description"] == "Punkte in einen Code umgewandelt"


def test_a_redemption_answers_its_amount_in_the_referrers_language(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    give_points(shopify_runtime, shop_id, ANNA, 1500)
    ordered_in(shopify_runtime, shop_id, "de-CH")

    status, body = spend(web, {"points": 500, "kind": "reward", "idempotency_key": "k2"})

    assert status == 200
    assert body["reward"]["amount_text"] == "$\xa05.00"


def test_a_buyer_language_without_words_falls_back_to_the_shops(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    shop_speaks(shopify_runtime, shop_id, "de")
    give_points(shopify_runtime, shop_id, ANNA, 1500)
    ordered_in(shopify_runtime, shop_id, "fr")

    html = page(web)

    assert '<html lang="de">' in html
    assert "Dein Empfehlungslink" in html
