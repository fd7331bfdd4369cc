"""Merchant pages speak the shop's language; pages without a shop, the browser's."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from flask.testing import FlaskClient

from passiton.app.factory import create_app
from passiton.core.events import ShopFacts
from passiton.core.models import Platform
from passiton.core.services.shop_facts import apply_shop_facts
from tests.conftest import RuntimeFactory
from tests.faces.scenario import shop_with_key

EMBEDDED = "?shop=ring-shop.myshopify.com&host=YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvcmluZw"


def _client(
    make_runtime: RuntimeFactory, url: str, locale: str, *, logged_in: bool = True
) -> FlaskClient:
    runtime = make_runtime(url, shopify_api_key="client-id-123")
    shop = shop_with_key(runtime, "ring-shop.myshopify.com", Platform.SHOPIFY, name="Ring Shop")
    facts = ShopFacts(locale=locale, timezone="Europe/Vienna")
    runtime.db.run(lambda s: apply_shop_facts(s, shop.shop_id, facts, datetime.now(UTC)))
    client = create_app(runtime=runtime).test_client()
    if logged_in:
        with client.session_transaction() as session:
            session["shop_id"] = shop.shop_id
    return client


def _page_text(html: str) -> dict[str, str]:
    found = re.search(r'<script type="application/json" id="page-text">(.*?)</script>', html)
    assert found is not None
    text = json.loads(found.group(1))
    assert isinstance(text, dict)
    return text


def test_a_german_shops_settings_page_is_german(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    client = _client(make_runtime, sqlite_url, "de")

    html = client.get("/settings", headers={"Accept-Language": "en"}).get_data(as_text=True)

    assert '<html lang="de">' in html
    assert "<h1>Einstellungen des Empfehlungsprogramms</h1>" in html
    assert "<legend>Rabattart</legend>" in html
    assert ">Einstellungen speichern</button>" in html
    assert '<meta name="passiton-timezone" content="Europe/Vienna">' in html
    assert "Referral program settings" not in html


def test_a_german_shops_dashboard_is_german_with_its_script_words(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    client = _client(make_runtime, sqlite_url, "de-AT")

    html = client.get("/dashboard").get_data(as_text=True)

    assert "<h1>Empfehlungsübersicht</h1>" in html
    assert "<dt>Abgeholte Codes</dt>" in html
    text = _page_text(html)
    assert text["Nothing to review."] == "Nichts zu prüfen."
    assert text["Page %(page)s of %(pages)s · %(total)s rows"] == (
        "Seite %(page)s von %(pages)s · %(total)s Zeilen"
    )
    assert text["pending"] == "vorgemerkt"


def test_the_embedded_dashboard_speaks_the_language_of_the_shop_it_is_opened_for(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    client = _client(make_runtime, sqlite_url, "de", logged_in=False)

    html = client.get(f"/dashboard{EMBEDDED}").get_data(as_text=True)

    assert '<html lang="de">' in html
    assert '<h2 id="keys-h">API-Schlüssel</h2>' in html


def test_an_english_shops_pages_stay_english_for_a_german_browser(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    client = _client(make_runtime, sqlite_url, "en")

    html = client.get("/settings", headers={"Accept-Language": "de"}).get_data(as_text=True)

    assert "<h1>Referral program settings</h1>" in html
    assert _page_text(html)["Nothing to review."] == "Nothing to review."


def test_pages_without_a_shop_follow_the_browsers_language(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    client = _client(make_runtime, sqlite_url, "en", logged_in=False)
    german = {"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}

    signed_out = client.get("/settings", headers=german)
    login = client.get("/login", headers=german).get_data(as_text=True)
    signup = client.get("/signup", headers={"Accept-Language": "fr"}).get_data(as_text=True)

    assert signed_out.status_code == 401
    assert "<h1>Bitte melde dich an</h1>" in signed_out.get_data(as_text=True)
    assert "<h1>Bei Passiton anmelden</h1>" in login
    assert "<h1>Create your Passiton account</h1>" in signup


def test_a_wrong_password_is_told_in_the_browsers_language(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    client = _client(make_runtime, sqlite_url, "en", logged_in=False)
    with client.session_transaction() as session:
        session["csrf_token"] = "tok-1"

    response = client.post(
        "/login",
        data={"email": "nobody@example.com", "password": "wrong-password", "csrf_token": "tok-1"},
        headers={"Accept-Language": "de"},
    )

    assert response.status_code == 401
    assert "E-Mail-Adresse oder Passwort ist falsch." in response.get_data(as_text=True)
