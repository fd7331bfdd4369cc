"""The plugin's storefront moments on a fake WordPress, against a Passiton served over real
HTTP: the thank-you page (classic and block), the order e-mails, the shortcode, the block and
the launcher. What the buyer sees, and that nothing breaks when Passiton does not answer."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

import pytest
from sqlalchemy import select

from passiton.app.factory import create_app
from passiton.app.runtime import Runtime
from passiton.core.models import Customer
from passiton.core.models import Shop as Shop_
from passiton.core.services.shops import update_settings
from tests.conftest import RuntimeFactory
from tests.faces.live_server import serve
from tests.woocommerce.captured import SECRET
from tests.woocommerce.plugin_php import ANNA, placed_order, seed_store, storefront_request
from tests.woocommerce.store_double import deliver, order_body

ORDER = placed_order()
THANKS = {"order-received": "17"}
KEY = {"key": ORDER["order_key"]}
BLOCK_TEMPLATE = [
    "woocommerce/order-confirmation-status",
    "woocommerce/order-confirmation-summary",
    "woocommerce/order-confirmation-totals-wrapper",
    "woocommerce/order-confirmation-additional-information",
]
PROCESSING = {
    "order": 17,
    "id": "customer_processing_order",
    "plain": False,
    "sent_to_admin": False,
}


@dataclass
class Shop:
    runtime: Runtime
    shop_id: int
    options: dict[str, Any]
    passiton_url: str

    def dan(self) -> Customer | None:
        with self.runtime.db.sessions() as session:
            return session.scalar(select(Customer).where(Customer.email_key == "dan@example.com"))

    def with_settings(self, **changes: str) -> dict[str, Any]:
        return {"passiton_settings": {**self.options["passiton_settings"], **changes}}


@pytest.fixture
def shop(make_runtime: RuntimeFactory, sqlite_url: str) -> Iterator[Shop]:
    runtime = make_runtime(sqlite_url)
    shop_id, plugin_key = seed_store(runtime)
    with serve(runtime, create_app(runtime=runtime)) as live:
        settings = {"app_url": live.url, "shop_id": str(shop_id), "plugin_key": plugin_key}
        yield Shop(runtime, shop_id, {"passiton_settings": settings}, live.url)


class _Stalls(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        time.sleep(8)
        self.send_response(200)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def stalled_url() -> Iterator[str]:
    """A Passiton that accepts the call and never answers in time."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Stalls)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def _assert_panel(html: str, code: str) -> None:
    link = f"http://passiton.test/r/{code}"
    assert f'value="{link}"' in html
    assert "Give your friends 15% off their first order with your personal link." in html
    assert 'data-passiton-copy="passiton-link-1"' in html
    # The native share button waits hidden for the script to find navigator.share.
    assert "data-passiton-share" in html
    assert 'style="display:none">Share…</button>' in html
    assert 'href="mailto:?subject=15%25%20off%20at%20Ring%20%26%20Co&amp;body=' in html
    assert 'href="https://wa.me/?text=' in html
    assert 'href="sms:?&amp;body=' in html
    assert unquote(link) in unquote(html.split('href="sms:?&amp;body=')[1].split('"')[0])


def test_the_classic_thank_you_page_shows_a_guest_their_link(shop: Shop) -> None:
    page = storefront_request(["classic_thankyou", 17], shop.options, [ORDER], get=KEY)

    dan = shop.dan()
    assert dan is not None
    [call] = page["calls"]
    assert call["url"] == f"{shop.passiton_url}/woocommerce/plugin/order"
    sent = json.loads(call["body"])
    assert {k: sent[k] for k in ("order_id", "status", "customer_id", "email")} == {
        "order_id": 17,
        "status": "processing",
        "customer_id": "0",
        "email": "dan@example.com",
    }
    html = page["html"]
    assert html.index("Your order has been received") < html.index("passiton-refer")
    _assert_panel(html, dan.referral_code)
    assert "passiton-gift" in html  # the seeded store offers gift codes
    assert page["scripts"] == {
        "passiton-share": "https://shop.example/wp-content/plugins/passiton/assets/passiton-share.js"
    }


def test_the_block_thank_you_page_shows_the_panel_once_after_the_status(shop: Shop) -> None:
    page = storefront_request(
        ["block_thankyou", BLOCK_TEMPLATE], shop.options, [ORDER], get=KEY, query_vars=THANKS
    )

    html = page["html"]
    dan = shop.dan()
    assert dan is not None
    _assert_panel(html, dan.referral_code)
    assert html.count('class="passiton-refer"') == 1
    status_end = html.index('<div class="wp-block-woocommerce-order-confirmation-status"></div>')
    assert status_end < html.index("passiton-refer") < html.index("summary")
    assert len(page["calls"]) == 1


def test_a_block_template_without_the_status_block_shows_it_in_additional_information(
    shop: Shop,
) -> None:
    template = BLOCK_TEMPLATE[1:]
    page = storefront_request(
        ["block_thankyou", template], shop.options, [ORDER], get=KEY, query_vars=THANKS
    )
    assert page["html"].count('class="passiton-refer"') == 1


@pytest.mark.parametrize(
    ("get", "order", "user_id"),
    [
        ({}, ORDER, 0),  # no order key in the URL
        ({"key": "wc_order_guessed"}, ORDER, 0),
        (KEY, placed_order(placed_seconds_ago=3600), 0),  # WooCommerce then asks for the e-mail
        (KEY, placed_order(customer_id=7), 8),  # someone else's account
    ],
)
def test_a_visitor_who_may_not_see_the_order_gets_no_panel_and_no_call(
    shop: Shop, get: dict[str, str], order: dict[str, Any], user_id: int
) -> None:
    user = {"ID": user_id, "user_email": "", "first_name": ""}
    page = storefront_request(["classic_thankyou", 17], shop.options, [order], get=get, user=user)
    assert page["calls"] == []
    assert "passiton" not in page["html"]
    assert shop.dan() is None


def test_an_order_not_yet_paid_shows_no_panel(shop: Shop) -> None:
    order = placed_order(status="on-hold")  # a bank transfer still to come
    page = storefront_request(["classic_thankyou", 17], shop.options, [order], get=KEY)
    assert [c["status"] for c in page["calls"]] == [409]
    assert "passiton" not in page["html"]
    assert shop.dan() is None


def test_a_paused_program_shows_no_panel(shop: Shop) -> None:
    with shop.runtime.db.transaction() as session:
        update_settings(session, shop.shop_id, {"enabled": False})
    page = storefront_request(["classic_thankyou", 17], shop.options, [ORDER], get=KEY)
    assert "passiton-refer" not in page["html"]


@pytest.mark.parametrize("plain", [False, True])
@pytest.mark.parametrize("email", ["customer_processing_order", "customer_completed_order"])
def test_the_customer_order_emails_carry_the_link_and_offer(
    shop: Shop, email: str, plain: bool
) -> None:
    sent = storefront_request(
        ["email", {**PROCESSING, "id": email, "plain": plain}], shop.options, [ORDER]
    )

    dan = shop.dan()
    assert dan is not None
    link = f"http://passiton.test/r/{dan.referral_code}"
    offer = "Give your friends 15% off their first order with your personal link:"
    if plain:
        assert sent["html"] == f"ORDER TABLE\n\nRefer a friend\n\n{offer}\n{link}\n\nFOOTER\n"
    else:
        assert f'<p>{offer}<br><a href="{link}">{link}</a></p>' in sent["html"]
        assert sent["html"].index("ORDER TABLE") < sent["html"].index(link)
    assert sent["scripts"] == {}  # no script in an e-mail


@pytest.mark.parametrize(
    "email",
    [
        {**PROCESSING, "sent_to_admin": True},
        {**PROCESSING, "id": "new_order"},
        {**PROCESSING, "id": "customer_on_hold_order"},
    ],
)
def test_other_order_emails_carry_nothing_and_ask_nothing(
    shop: Shop, email: dict[str, Any]
) -> None:
    sent = storefront_request(["email", email], shop.options, [ORDER])
    assert sent["calls"] == []
    assert sent["html"] == '<table class="order">ORDER TABLE</table><p>FOOTER</p>'


def test_the_merchant_can_switch_the_emails_off(shop: Shop) -> None:
    sent = storefront_request(["email", PROCESSING], shop.with_settings(order_emails=""), [ORDER])
    assert sent["calls"] == []
    assert "Refer a friend" not in sent["html"]


def test_the_emails_enrolment_before_the_webhook_is_joined_exactly_once(shop: Shop) -> None:
    storefront_request(["email", PROCESSING], shop.options, [ORDER])
    enrolled = shop.dan()
    assert enrolled is not None
    with shop.runtime.db.transaction() as session:
        store = session.get(Shop_, shop.shop_id)
        assert store is not None
        store.webhook_secret = shop.runtime.vault.seal_text(SECRET)
    client = create_app(runtime=shop.runtime).test_client()

    # WooCommerce's deliveries come later, duplicated and out of order.
    for topic in ("order.updated", "order.created", "order.updated"):
        assert deliver(client, shop.shop_id, topic, order_body(), SECRET).status_code == 200
    storefront_request(["classic_thankyou", 17], shop.options, [ORDER], get=KEY)

    with shop.runtime.db.sessions() as session:
        dans = list(session.scalars(select(Customer).where(Customer.email_key == ORDER["email"])))
    assert [d.referral_code for d in dans] == [enrolled.referral_code]


@pytest.mark.parametrize("where", ["down", "stalled"])
@pytest.mark.parametrize(
    "render",
    [["classic_thankyou", 17], ["block_thankyou", BLOCK_TEMPLATE], ["email", PROCESSING]],
)
def test_when_passiton_is_down_or_slow_the_page_and_email_render_without_the_block(
    shop: Shop, stalled_url: str, where: str, render: list[Any]
) -> None:
    url = "http://127.0.0.1:9" if where == "down" else stalled_url
    page = storefront_request(
        render, shop.with_settings(app_url=url), [ORDER], get=KEY, query_vars=THANKS
    )

    assert "passiton" not in page["html"]
    assert (
        "ORDER TABLE" in page["html"]
        or "order-confirmation" in page["html"]
        or ("Your order has been received" in page["html"])
    )
    assert len(page["calls"]) == 1  # asked once, however many places would show it
    assert page["seconds"] < 4.5  # the plugin's 3 s timeout, not Passiton's 8 s


@pytest.mark.parametrize("render", [["shortcode", None], ["block", None]])
def test_the_shortcode_and_block_show_a_logged_in_shopper_their_panel(
    shop: Shop, render: list[Any]
) -> None:
    anna = {"ID": 7, "user_email": ANNA["email"], "first_name": ANNA["first_name"]}
    page = storefront_request(render, shop.options, user=anna)

    assert [c["url"] for c in page["calls"]] == [f"{shop.passiton_url}/woocommerce/plugin/customer"]
    _assert_panel(page["html"], "ANNA-7K2Q")
    # Anna has an account: the gift option leads to her tab's gift form.
    assert 'href="https://shop.example/my-account/refer-a-friend/"' in page["html"]


def test_the_block_is_registered_from_its_block_json(shop: Shop) -> None:
    page = storefront_request(["footer", None], shop.options)
    assert "passiton/refer-a-friend" in page["blocks"]


def test_a_guest_is_asked_to_log_in_and_nothing_is_called(shop: Shop) -> None:
    page = storefront_request(["shortcode", None], shop.options)
    assert page["calls"] == []
    assert 'href="https://shop.example/my-account/"' in page["html"]
    assert "Log in to get your referral link." in page["html"]


def test_the_launcher_is_off_by_default(shop: Shop) -> None:
    anna = {"ID": 7, "user_email": ANNA["email"], "first_name": ANNA["first_name"]}
    page = storefront_request(["footer", None], shop.options, user=anna)
    assert page["html"] == ""
    assert page["calls"] == []


def test_the_launcher_opens_the_same_panel_and_never_shows_the_key(shop: Shop) -> None:
    anna = {"ID": 7, "user_email": ANNA["email"], "first_name": ANNA["first_name"]}
    page = storefront_request(["footer", None], shop.with_settings(launcher="1"), user=anna)

    html = page["html"]
    assert 'data-passiton-launcher="passiton-launcher-dialog"' in html
    assert '<dialog id="passiton-launcher-dialog"' in html
    _assert_panel(html, "ANNA-7K2Q")
    assert shop.options["passiton_settings"]["plugin_key"] not in html
