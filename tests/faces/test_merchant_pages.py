"""Merchant pages as served: sign-in, Shopify embedding, server-filled settings."""

from __future__ import annotations

from flask.testing import FlaskClient

from passiton.app.factory import create_app
from passiton.app.web.merchant.pages import APP_BRIDGE_URL
from tests.conftest import RuntimeFactory
from tests.faces.scenario import shop_with_key

EMBEDDED = "?shop=ring-shop.myshopify.com&host=YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvcmluZw"


def _client(make_runtime: RuntimeFactory, url: str) -> tuple[FlaskClient, int]:
    runtime = make_runtime(url, shopify_api_key="client-id-123")
    shop = shop_with_key(runtime, "ring-shop.test", name="Ring Shop")
    return create_app(runtime=runtime).test_client(), shop.shop_id


def test_home_redirects_to_settings_keeping_the_admin_parameters(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    client, _ = _client(make_runtime, sqlite_url)

    response = client.get(f"/{EMBEDDED}")

    assert response.status_code == 302
    assert response.headers["Location"] == f"/settings{EMBEDDED}"


def test_pages_ask_to_sign_in_without_a_login_or_the_admin(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    client, _ = _client(make_runtime, sqlite_url)

    for path in ("/settings", "/dashboard", "/settings?shop=evil.example&host=abcd"):
        response = client.get(path)
        assert response.status_code == 401
        assert "Please sign in" in response.get_data(as_text=True)
        assert 'href="/login"' in response.get_data(as_text=True)
        assert APP_BRIDGE_URL not in response.get_data(as_text=True)


def test_embedded_page_loads_app_bridge_with_the_api_key(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    client, _ = _client(make_runtime, sqlite_url)

    html = client.get(f"/dashboard{EMBEDDED}").get_data(as_text=True)

    assert '<meta name="shopify-api-key" content="client-id-123">' in html
    assert f'<script src="{APP_BRIDGE_URL}"></script>' in html
    assert '<meta name="passiton-auth" content="shopify">' in html
    # Links keep the admin's parameters so the next page is embedded too.
    assert 'href="/settings?shop=ring-shop.myshopify.com&amp;host=' in html


def test_logged_in_page_is_filled_on_the_server_and_carries_the_csrf_token(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    client, shop_id = _client(make_runtime, sqlite_url)
    with client.session_transaction() as session:
        session["shop_id"] = shop_id
        session["csrf_token"] = "tok-1"

    html = client.get("/settings").get_data(as_text=True)

    assert APP_BRIDGE_URL not in html
    assert '<meta name="csrf-token" content="tok-1">' in html
    assert 'id="settings-version">1<' in html
    assert 'value="15.00"' in html
    assert "Ring Shop" in html


def test_every_script_and_style_is_served_locally(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    client, shop_id = _client(make_runtime, sqlite_url)
    with client.session_transaction() as session:
        session["shop_id"] = shop_id
    for path in ("/settings", "/dashboard"):
        html = client.get(path).get_data(as_text=True)
        assert "https://" not in html
        for asset in ("/static/merchant/admin.css",):
            assert asset in html
    for asset in ("admin.css", "admin_api.js", "settings.js", "dashboard.js", "chart.js"):
        response = client.get(f"/static/merchant/{asset}")
        assert response.status_code == 200
        response.close()


def test_standalone_pages_refuse_to_be_framed_and_sniffed(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    client, _ = _client(make_runtime, sqlite_url)

    for path in ("/settings", "/dashboard", "/login", "/signup", "/account"):
        response = client.get(path)
        assert response.headers["X-Content-Type-Options"] == "nosniff", path
        assert response.headers["Content-Security-Policy"] == "frame-ancestors 'none'", path


def test_embedded_pages_may_be_framed_only_by_their_shop_and_the_admin(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    client, _ = _client(make_runtime, sqlite_url)

    for path in ("/settings", "/dashboard"):
        response = client.get(f"{path}{EMBEDDED}")
        assert response.status_code == 200
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Security-Policy"] == (
            "frame-ancestors https://ring-shop.myshopify.com https://admin.shopify.com"
        )
