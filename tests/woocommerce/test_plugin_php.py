"""The companion plugin's own PHP against Passiton's real routes: what it signs, sends and reads.

Each request here is built and signed by the plugin's PHP (tests/woocommerce/php runs it
without WordPress), posted byte for byte through the Flask test client, and Passiton's answer
is read back by the plugin's PHP, as passiton_call() does on a store.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from passiton.app.factory import create_app
from passiton.app.runtime import Runtime
from passiton.connectors.woocommerce.auth import new_plugin_key
from passiton.connectors.woocommerce.orders import order_state
from passiton.core.codes import looks_like_code
from passiton.core.models import Customer, LedgerEntry, RewardCode
from passiton.core.services.orders import handle_order
from passiton.core.services.shops import update_settings
from tests.conftest import RuntimeFactory
from tests.woocommerce.captured import FIXTURES
from tests.woocommerce.plugin_php import ANNA, php, php_calls, seed_store

APP_URL = "http://passiton.test"


@dataclass
class Store:
    """A connected WooCommerce store whose plugin settings hold its real plugin key."""

    runtime: Runtime
    client: FlaskClient
    shop_id: int
    plugin_key: str

    def settings(self, **changes: str) -> dict[str, str]:
        """The plugin's settings page: Passiton URL, store id, plugin key."""
        settings = {"app_url": APP_URL, "shop_id": str(self.shop_id), "plugin_key": self.plugin_key}
        return {**settings, **changes}

    def signed(self, path: str, body: dict[str, Any], **settings: str) -> dict[str, Any]:
        """What passiton_signed_request() makes of a call, signed now."""
        request = php(
            "passiton_signed_request", self.settings(**settings), path, body, int(time.time())
        )
        assert isinstance(request, dict)
        return request

    def send(self, request: dict[str, Any]) -> tuple[int, str]:
        """POST the request exactly as the plugin hands it to wp_remote_post()."""
        url = urlsplit(request["url"])
        assert f"{url.scheme}://{url.netloc}" == APP_URL
        answer = self.client.post(
            url.path, data=request["body"].encode(), headers=request["headers"]
        )
        return answer.status_code, answer.get_data(as_text=True)

    def call(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """passiton_call(): sign, send, and read the answer with passiton_read_answer()."""
        status, raw = self.send(self.signed(path, body))
        answer = php("passiton_read_answer", status, raw)
        assert isinstance(answer, dict)
        return status, answer

    def redeem_body(self, points: str, kind: str, key: str) -> dict[str, Any]:
        """The redeem form's POST as passiton_redeem_posted_points() turns it into a body."""
        shopper, amount = php_calls(
            ("passiton_shopper", [int(ANNA["customer_id"]), ANNA["email"], ANNA["first_name"]]),
            ("passiton_points", [points]),
        )
        body = php("passiton_redeem_body", shopper, amount, kind, key)
        assert isinstance(body, dict)
        return body

    def anna(self) -> Customer:
        with self.runtime.db.sessions() as session:
            anna = session.scalar(select(Customer).where(Customer.platform_customer_id == "7"))
            assert anna is not None
            return anna

    def count(self, model: type[object]) -> int:
        with self.runtime.db.sessions() as session:
            return int(session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture
def store(make_runtime: RuntimeFactory, database_url: str) -> Store:
    """A connected store in EUR, its plugin key, and Anna with 800 available points."""
    runtime = make_runtime(database_url)
    shop_id, plugin_key = seed_store(runtime)
    return Store(runtime, create_app(runtime=runtime).test_client(), shop_id, plugin_key)


def test_the_refer_a_friend_call_the_plugin_signs_is_accepted(store: Store) -> None:
    shopper = php("passiton_shopper", 7, "anna@example.com", "Anna")
    status, answer = store.call("/woocommerce/plugin/customer", shopper)
    assert status == 200
    assert answer["error"] == ""
    view = php("passiton_referral_view", answer["data"])
    assert view == {
        "link": f"{APP_URL}/r/ANNA-7K2Q",
        "points_available": 800,
        "points_pending": 0,
        "available_value": "8.00",
        "currency": "EUR",
        "program_open": True,
        "min_redemption_points": 500,
        "points_per_currency_unit": 100,
        "can_redeem": True,
        "gifts_enabled": True,
        "rewards": [],
        "friend_offer": "15%",
    }


def test_a_body_with_escaped_slashes_and_non_ascii_verifies_on_its_exact_bytes(
    store: Store,
) -> None:
    # PHP's JSON escapes "/" and non-ASCII letters: Passiton must verify the bytes as sent.
    shopper = php("passiton_shopper", 8, "zoë/ann@example.com", "Zoë")
    request = store.signed("/woocommerce/plugin/customer", shopper)
    assert "\\/" in request["body"]
    assert "\\u00eb" in request["body"]
    status, raw = store.send(request)
    assert status == 200
    assert looks_like_code(json.loads(raw)["referral_code"])


def test_a_redemption_the_plugin_asks_for_twice_debits_once_and_shows_one_code(
    store: Store,
) -> None:
    key = php("passiton_new_idempotency_key")
    body = store.redeem_body("500", "reward", key)
    assert body == {**ANNA, "points": 500, "kind": "reward", "idempotency_key": key}

    # The shopper double-clicks: the same form, with the same key, is posted twice.
    first, second = (store.call("/woocommerce/plugin/redeem", body) for _ in range(2))

    assert first[0] == second[0] == 200
    notices = [php("passiton_redemption_notice", a, "reward", key) for _, a in (first, second)]
    assert notices[0] == notices[1]
    assert notices[0]["code"].startswith("RW-")
    assert notices[0] == {
        "code": notices[0]["code"],
        "kind": "reward",
        "amount": "5.00",
        "currency": "EUR",
    }
    assert store.count(RewardCode) == 1
    assert store.anna().points_available == 300


def test_a_gift_code_is_made_for_anyone(store: Store) -> None:
    key = php("passiton_new_idempotency_key")
    _, answer = store.call("/woocommerce/plugin/redeem", store.redeem_body("600", "gift", key))
    notice = php("passiton_redemption_notice", answer, "gift", key)
    assert notice["kind"] == "gift"
    assert notice["code"].startswith("GF-")
    assert notice["amount"] == "6.00"
    assert store.anna().points_available == 200


def test_the_codes_made_are_listed_in_the_tab(store: Store) -> None:
    key = php("passiton_new_idempotency_key")
    store.call("/woocommerce/plugin/redeem", store.redeem_body("500", "reward", key))
    _, answer = store.call("/woocommerce/plugin/customer", ANNA)
    view = php("passiton_referral_view", answer["data"])
    assert [(r["kind"], r["amount"]) for r in view["rewards"]] == [("reward", "5.00")]
    assert view["can_redeem"] is False  # 300 left, 500 needed
    assert view["program_open"] is True


@pytest.mark.parametrize(
    ("points", "kind", "status", "message"),
    [
        ("5000", "reward", 409, "only 800 points are available"),
        ("100", "reward", 422, "redeem at least 500 points"),
    ],
)
def test_passitons_refusal_reaches_the_shopper_in_its_own_words(
    store: Store, points: str, kind: str, status: int, message: str
) -> None:
    key = php("passiton_new_idempotency_key")
    body = store.redeem_body(points, kind, key)
    answered, answer = store.call("/woocommerce/plugin/redeem", body)
    assert answered == status
    assert answer == {"data": None, "error": message}
    # A refusal used no key: the next form gets a fresh one, not a retry of this one.
    assert php("passiton_redemption_notice", answer, kind, key) == {"error": message}
    assert store.count(RewardCode) == 0
    assert store.anna().points_available == 800


def test_without_gifts_the_tab_offers_none_and_passiton_refuses_them(store: Store) -> None:
    with store.runtime.db.transaction() as session:
        update_settings(session, store.shop_id, {"gifts_enabled": False})
    _, answer = store.call("/woocommerce/plugin/customer", ANNA)
    view = php("passiton_referral_view", answer["data"])
    assert (view["can_redeem"], view["gifts_enabled"]) == (True, False)

    key = php("passiton_new_idempotency_key")
    body = store.redeem_body("500", "gift", key)
    status, refused = store.call("/woocommerce/plugin/redeem", body)
    assert status == 403
    assert refused["error"] == "this store does not offer gift codes"
    assert store.count(RewardCode) == 0


def test_a_paused_program_shows_no_form(store: Store) -> None:
    with store.runtime.db.transaction() as session:
        update_settings(session, store.shop_id, {"enabled": False})
    _, answer = store.call("/woocommerce/plugin/customer", ANNA)
    view = php("passiton_referral_view", answer["data"])
    closed = {"program_open": False, "can_redeem": False, "gifts_enabled": False}
    assert {name: view[name] for name in closed} == closed
    assert view["points_available"] == 800


def _tamper_body(request: dict[str, Any]) -> dict[str, Any]:
    # Spend someone else's points: the customer id in the signed body is changed.
    return {**request, "body": request["body"].replace('"customer_id":"7"', '"customer_id":"8"')}


def _tamper_points(request: dict[str, Any]) -> dict[str, Any]:
    return {**request, "body": request["body"].replace('"points":500', '"points":800')}


def _tamper_timestamp(request: dict[str, Any]) -> dict[str, Any]:
    headers = dict(request["headers"])
    headers["X-Passiton-Timestamp"] = str(int(headers["X-Passiton-Timestamp"]) + 1)
    return {**request, "headers": headers}


@pytest.mark.parametrize("tamper", [_tamper_body, _tamper_points, _tamper_timestamp])
def test_a_tampered_request_is_refused_and_changes_nothing(store: Store, tamper: Any) -> None:
    key = php("passiton_new_idempotency_key")
    request = store.signed("/woocommerce/plugin/redeem", store.redeem_body("500", "reward", key))
    changed = tamper(request)
    assert changed != request

    status, raw = store.send(changed)

    assert status == 401
    assert json.loads(raw)["error"]["code"] == "bad_signature"
    # The shopper is not told about the store's signature: nothing they can fix.
    answer = php("passiton_read_answer", status, raw)
    assert answer == {"data": None, "error": ""}
    assert store.count(RewardCode) == 0
    assert store.count(LedgerEntry) == 1
    assert store.anna().points_available == 800


def test_a_request_signed_with_another_key_or_too_long_ago_is_refused(store: Store) -> None:
    body = store.redeem_body("500", "reward", php("passiton_new_idempotency_key"))
    foreign = store.signed("/woocommerce/plugin/redeem", body, plugin_key=new_plugin_key())
    stale = php(
        "passiton_signed_request",
        store.settings(),
        "/woocommerce/plugin/redeem",
        body,
        int(time.time()) - 301,
    )
    assert store.send(foreign)[0] == 401
    assert store.send(stale)[0] == 401
    assert store.count(RewardCode) == 0


def test_an_unconfigured_plugin_makes_no_request(store: Store) -> None:
    for missing in ("app_url", "shop_id", "plugin_key"):
        settings = {**store.settings(), missing: ""}
        request = php("passiton_signed_request", settings, "/woocommerce/plugin/customer", ANNA, 1)
        assert request is None


def ordered_in(store: Store, locale: str) -> None:
    """Anna's paid order, as WooCommerce sends it, carrying the plugin's language meta."""
    body = json.loads((FIXTURES / "order.json").read_text())
    body.update(
        customer_id=7,
        meta_data=[{"id": 1, "key": "_passiton_locale", "value": locale}],
    )
    body["billing"]["email"] = ANNA["email"]
    state = order_state(body)
    store.runtime.db.run(lambda s: handle_order(s, store.shop_id, state, datetime.now(UTC)))


def test_the_tab_shows_money_in_the_language_anna_last_ordered_in(store: Store) -> None:
    ordered_in(store, "de_DE")

    _, answer = store.call("/woocommerce/plugin/customer", ANNA)

    assert store.anna().locale == "de-DE"
    assert answer["data"]["available_value_text"] == "8,00\xa0€"


def test_the_tab_shows_money_in_the_shops_language_before_any_order(store: Store) -> None:
    _, answer = store.call("/woocommerce/plugin/customer", ANNA)

    assert store.anna().locale is None
    assert answer["data"]["available_value_text"] == "€8.00"


def test_the_language_the_tab_is_shown_in_comes_first(store: Store) -> None:
    ordered_in(store, "en_GB")
    shopper = php("passiton_shopper", 7, "anna@example.com", "Anna", "de_AT")

    _, answer = store.call("/woocommerce/plugin/customer", shopper)

    assert shopper["locale"] == "de_AT"
    assert answer["data"]["available_value_text"] == "€\xa08,00"


def test_the_tab_lists_codes_worth_what_passiton_wrote_in_annas_language(store: Store) -> None:
    ordered_in(store, "de_DE")
    key = php("passiton_new_idempotency_key")
    store.call("/woocommerce/plugin/redeem", store.redeem_body("500", "reward", key))

    _, answer = store.call("/woocommerce/plugin/customer", ANNA)

    view = php("passiton_referral_view", answer["data"])
    assert [(r["amount"], r["amount_text"]) for r in view["rewards"]] == [("5.00", "5,00\xa0€")]


def test_the_order_call_the_plugin_signs_enrols_a_guest_buyer(store: Store) -> None:
    body = php(
        "passiton_order_body",
        17,
        "processing",
        0,
        "dan@example.com",
        "Dan",
        "de_DE",
        "2026-11-22T18:56:19",
    )
    assert body == {
        "order_id": 17,
        "status": "processing",
        "customer_id": "0",
        "email": "dan@example.com",
        "first_name": "Dan",
        "locale": "de_DE",
        "created_at": "2026-11-22T18:56:19",
    }
    status, answer = store.call("/woocommerce/plugin/order", body)
    assert status == 200
    view = php("passiton_referral_view", answer["data"])
    with store.runtime.db.sessions() as session:
        dan = session.scalar(select(Customer).where(Customer.email_key == "dan@example.com"))
        assert dan is not None
        assert view["link"] == f"{APP_URL}/r/{dan.referral_code}"


def test_an_order_without_language_or_date_leaves_them_out() -> None:
    body = php("passiton_order_body", 17, "completed", 7, "anna@example.com", "Anna", "", "")
    assert set(body) == {"order_id", "status", "customer_id", "email", "first_name"}


def test_the_share_links_carry_the_message_and_link_encoded() -> None:
    links = php(
        "passiton_share_links", "http://passiton.test/r/ANNA-7K2Q", "15% off", "Hi & welcome:"
    )
    text = "Hi%20%26%20welcome%3A%20http%3A%2F%2Fpassiton.test%2Fr%2FANNA-7K2Q"
    assert links == {
        "email": f"mailto:?subject=15%25%20off&body={text}",
        "whatsapp": f"https://wa.me/?text={text}",
        "sms": f"sms:?&body={text}",
    }
