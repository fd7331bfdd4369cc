"""The sandbox stores answer the shop-identity calls like the real platforms."""

from __future__ import annotations

from passiton.core.events import ShopFacts
from passiton.sandbox.server import Sandbox
from tests.sandbox.conftest import connect_shopify, woo_store

ATELIER_WOO = ShopFacts(
    name="Atelier Anna",
    currency="EUR",
    locale="de_DE",
    timezone="Europe/Berlin",
    contact_email="hallo@atelier-anna.example",
)


def test_a_woocommerce_store_states_its_identity_from_wordpress_and_woocommerce(
    sandbox: Sandbox,
) -> None:
    facts = woo_store(sandbox).shop_facts()

    assert facts == ATELIER_WOO
    assert {call for call in sandbox.woo_site.calls if "settings" in call or "wp-json" in call} == {
        "GET /wp-json/",
        "GET /settings/general",
        "GET /settings/email/woocommerce_email_from_address",
    }


def test_a_wordpress_site_set_to_a_utc_offset_names_no_time_zone(sandbox: Sandbox) -> None:
    sandbox.woo_site.identity.timezone_string = ""

    assert woo_store(sandbox).shop_facts().timezone is None


def test_a_shopify_shop_states_its_identity_and_primary_language(sandbox: Sandbox) -> None:
    facts = connect_shopify(sandbox).store.shop_facts()

    assert facts == ShopFacts(
        name="Atelier Anna",
        currency="EUR",
        locale="de",
        timezone="Europe/Berlin",
        contact_email="hallo@atelier-anna.example",
    )
