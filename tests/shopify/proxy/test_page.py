"""`GET /proxy/`: the widget page Shopify shows at `https://{shop}/apps/passiton`."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from passiton.app.runtime import Runtime
from passiton.core.models import Customer
from tests.shopify.app_requests import proxy_query
from tests.shopify.proxy.shoppers import ANNA, BEN, give_points, written_rows


def page(web: FlaskClient, query: str, path: str = "/proxy/") -> TestResponse:
    return web.get(f"{path}?{query}")


def referral_code(runtime: Runtime, customer_id: int) -> str:
    with runtime.db.sessions() as session:
        customer = session.get(Customer, customer_id)
        assert customer is not None
        return customer.referral_code


def test_page_shows_the_logged_in_customers_link_and_points(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    anna = give_points(shopify_runtime, shop_id, ANNA, 1500)

    response = page(web, proxy_query(customer=ANNA))

    html = response.get_data(as_text=True)
    assert (response.status_code, response.mimetype) == (200, "text/html")
    assert response.headers["Cache-Control"] == "private, no-store"
    code = referral_code(shopify_runtime, anna)
    # The copy field carries its channel; the code in the link is the buyer's own.
    assert f'value="http://passiton.test/r/{code}?ch=copy"' in html
    assert 'data-field="points_available">1,500<' in html
    assert 'data-field="available_value">$15.00<' in html
    assert 'data-api-base="/apps/passiton/"' in html
    assert '<script src="http://passiton.test/static/widget/widget.js" defer></script>' in html


def test_page_enrols_a_customer_on_their_first_visit(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    html = page(web, proxy_query(customer=ANNA)).get_data(as_text=True)

    assert 'data-field="points_available">0<' in html
    assert written_rows(shopify_runtime)[0] == 1


def test_page_shows_nothing_of_another_customer(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    anna = give_points(shopify_runtime, shop_id, ANNA, 1500)

    html = page(web, proxy_query(customer=BEN)).get_data(as_text=True)

    assert referral_code(shopify_runtime, anna) not in html
    assert 'data-field="points_available">0<' in html


@pytest.mark.parametrize("path", ["/proxy", "/proxy/"])
def test_page_answers_at_the_proxy_root_with_or_without_a_slash(
    web: FlaskClient, shop_id: int, path: str
) -> None:
    response = page(web, proxy_query(customer=ANNA), path)

    assert (response.status_code, response.mimetype) == (200, "text/html")


def test_page_asks_a_guest_to_log_in_and_writes_nothing(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int
) -> None:
    response = page(web, proxy_query(customer=None))

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<a href="/account/login?return_url=/apps/passiton">Log in</a>' in html
    assert "15% off" in html
    assert 'id="pw-link"' not in html
    assert written_rows(shopify_runtime) == (0, 0, 0)


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        (lambda: proxy_query(secret="forged-secret"), 401, "invalid_signature"),
        (lambda: proxy_query(age=300), 401, "invalid_signature"),
        (lambda: proxy_query().replace("7001", "7002"), 401, "invalid_signature"),
        (lambda: "", 401, "invalid_signature"),
        (lambda: proxy_query("carl-coats.myshopify.com"), 404, "unknown_shop"),
    ],
    ids=["forged", "old", "other-customer", "unsigned", "unknown-shop"],
)
def test_unverified_page_requests_are_refused_and_write_nothing(
    web: FlaskClient, shopify_runtime: Runtime, shop_id: int, query: Any, status: int, code: str
) -> None:
    response = page(web, query())

    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code
    assert written_rows(shopify_runtime) == (0, 0, 0)
