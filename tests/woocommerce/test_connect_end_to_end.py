"""Connecting a store with wc-auth, and the whole program on it through HTTP."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from sqlalchemy import func, select

from passiton.core.codes import looks_like_code
from passiton.core.ledger import ledger_sums
from passiton.core.merchants import ConnectRequest, MerchantShop, PluginKey
from passiton.core.models import (
    Customer,
    FriendCode,
    FriendCodeStatus,
    Referral,
    ReferralStatus,
    RewardCode,
    RewardCodeStatus,
    Shop,
)
from passiton.core.services.approvals import approve_due
from tests.woocommerce.captured import wc_auth_callback_body
from tests.woocommerce.connect_service import Service
from tests.woocommerce.merchant_browser import csrf, signup
from tests.woocommerce.store_double import API, STORE_URL, deliver, mock_store, order_body


def test_connect_needs_a_logged_in_merchant(service: Service) -> None:
    response = service.client.post(
        "/woocommerce/connect",
        data={"store_url": "https://shop.example", "csrf_token": csrf(service.client)},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/login"
    assert service.count(ConnectRequest) == 0


@pytest.mark.parametrize("url", ["", "ftp://shop.example", "https://u:p@shop.example", "shop"])
def test_connect_refuses_a_bad_store_url(service: Service, url: str) -> None:
    signup(service.client)
    response = service.client.post(
        "/woocommerce/connect", data={"store_url": url, "csrf_token": csrf(service.client)}
    )
    assert response.headers["Location"].startswith("/account?error=")
    assert service.count(ConnectRequest) == 0


@responses.activate
def test_callback_stores_encrypted_keys_and_registers_webhooks(service: Service) -> None:
    mock_store(responses.mock)
    signup(service.client)
    response = service.callback(service.connect())
    assert response.status_code == 200
    shop = service.shop()
    assert shop.domain == STORE_URL
    assert shop.credentials is not None
    assert b"ck_ac2410659015086f16d3a797a46aa3af8d0557d3" not in shop.credentials
    creates = [
        json.loads(c.request.body or b"{}")
        for c in responses.calls
        if c.request.method == "POST" and c.request.url == f"{API}/webhooks"
    ]
    assert sorted(c["topic"] for c in creates) == [
        "customer.created",
        "order.created",
        "order.deleted",
        "order.updated",
    ]
    assert {c["delivery_url"] for c in creates} == {
        f"http://passiton.test/webhooks/woocommerce/{shop.id}"
    }
    secret = service.secret()
    assert secret.isalnum()
    assert {c["secret"] for c in creates} == {secret}
    with service.runtime.db.sessions() as session:
        ready = session.scalar(
            select(func.count())
            .select_from(FriendCode)
            .where(FriendCode.status == FriendCodeStatus.AVAILABLE)
        )
    assert ready == 50


@responses.activate
def test_reconnecting_replaces_keys_without_duplicating(service: Service) -> None:
    mock_store(responses.mock)
    signup(service.client)
    service.callback(service.connect())
    first_secret = service.secret()
    response = service.callback(
        service.connect(), consumer_key="ck_" + "1" * 40, consumer_secret="cs_" + "2" * 40
    )
    assert response.status_code == 200
    assert service.count(Shop) == 1
    assert service.count(MerchantShop) == 1
    assert service.count(PluginKey) == 1
    assert service.secret() == first_secret
    keys = service.runtime.vault.open(service.shop().credentials)
    assert keys is not None
    assert keys["consumer_key"] == "ck_" + "1" * 40


@pytest.mark.parametrize(
    "changes",
    [{"user_id": "never-issued"}, {"key_permissions": "read"}, {"consumer_key": 5}],
)
def test_callback_refuses_unknown_states_and_bad_grants(
    service: Service, changes: dict[str, Any]
) -> None:
    signup(service.client)
    service.connect()
    body = {**wc_auth_callback_body(), **changes}
    response = service.client.post("/woocommerce/callback", data=json.dumps(body))
    assert response.status_code in (400, 401)
    assert "error" in response.get_json()
    assert service.count(Shop) == 0


def test_a_state_is_used_once_and_expires(service: Service) -> None:
    signup(service.client)
    state = service.connect()
    with service.runtime.db.transaction() as session:
        pending = session.scalar(select(ConnectRequest))
        assert pending is not None
        pending.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    assert service.callback(state).status_code == 401
    assert service.count(Shop) == 0


def test_a_plugin_call_with_a_wrong_signature_is_refused(service: Service) -> None:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock_store(mock)
        signup(service.client)
        service.callback(service.connect())
    response = service.client.post(
        "/woocommerce/plugin/customer",
        json={"email": "carol@example.com"},
        headers={
            "X-Passiton-Shop": str(service.shop().id),
            "X-Passiton-Timestamp": str(int(time.time())),
            "X-Passiton-Signature": "0" * 64,
        },
    )
    assert response.status_code == 401
    assert service.count(Customer) == 0


@responses.activate
def test_signup_connect_refer_refund_approve_and_redeem(service: Service) -> None:
    mock_store(responses.mock)
    signup(service.client)
    assert service.callback(service.connect()).status_code == 200
    shop_id, secret = service.shop().id, service.secret()

    # Carol buys: she is enrolled and the plugin shows her link.
    carol_order = order_body(
        id=30, customer_id=5, coupon_lines=[], billing={"email": "carol@example.com"}
    )
    carol_order["billing"]["first_name"] = "Carol"
    assert deliver(service.client, shop_id, "order.created", carol_order, secret).status_code == 200
    widget = service.plugin("customer", {"customer_id": 5, "email": "carol@example.com"})
    assert widget.status_code == 200
    link = widget.get_json()["link"]
    code = link.rsplit("/", 1)[1]
    assert looks_like_code(code)
    assert "CAROL" not in code  # codes never carry a name (O and L are not in the alphabet)

    # Dan follows the link and gets a friend code applied on the store.
    claim = service.client.post(f"/r/{code}", data={"email": "dan@example.com"})
    assert claim.status_code == 303
    friend_code = parse_qs(urlsplit(claim.headers["Location"]).query)["passiton_coupon"][0]

    # Dan's order uses it (WooCommerce lower-cases codes); then part of it is refunded.
    dan_order = order_body(
        id=31,
        date_modified_gmt="2026-11-22T19:00:00",
        coupon_lines=[{"id": 9, "code": friend_code.lower(), "discount": "15"}],
    )
    assert deliver(service.client, shop_id, "order.created", dan_order, secret).status_code == 200
    refunded = {
        **dan_order,
        "date_modified_gmt": "2026-11-22T19:05:00",
        "refunds": [{"id": 40, "reason": "", "total": "-7.00"}],
    }
    assert deliver(service.client, shop_id, "order.updated", refunded, secret).status_code == 200

    # After the return window the credit becomes available.
    with service.runtime.db.transaction() as session:
        assert approve_due(session, datetime.now(UTC) + timedelta(days=31)) == 1
        referral = session.scalar(select(Referral))
        assert referral is not None
        assert referral.status is ReferralStatus.APPROVED
    widget = service.plugin("customer", {"customer_id": 5, "email": "carol@example.com"})
    assert widget.get_json()["points_available"] == 800  # 28 of 35 kept
    # What the plugin needs to offer the redeem forms, as the Shopify widget shows it.
    assert {k: widget.get_json()[k] for k in ("available_value", "currency")} == {
        "available_value": "8.00",
        "currency": "USD",
    }
    assert widget.get_json()["program_enabled"] is True
    assert widget.get_json()["min_redemption_points"] == 500
    assert widget.get_json()["points_per_currency_unit"] == 100
    assert widget.get_json()["gifts_enabled"] is True
    assert widget.get_json()["rewards"] == []

    # Carol turns 500 points into a reward code restricted to her e-mail.
    redeem = {"customer_id": 5, "points": 500, "kind": "reward", "idempotency_key": "r-1"}
    first = service.plugin("redeem", redeem)
    again = service.plugin("redeem", redeem)
    assert first.status_code == 200
    assert again.get_json()["code"] == first.get_json()["code"]
    assert first.get_json()["amount"] == "5.00"
    assert first.get_json()["currency"] == "USD"
    coupon_posts = [
        json.loads(c.request.body or b"{}")
        for c in responses.calls
        if c.request.method == "POST" and c.request.url == f"{API}/coupons"
    ]
    assert len(coupon_posts) == 1
    assert coupon_posts[0]["amount"] == "5.00"
    assert coupon_posts[0]["email_restrictions"] == ["carol@example.com"]
    with service.runtime.db.sessions() as session:
        reward = session.scalar(select(RewardCode))
        assert reward is not None
        assert reward.status is RewardCodeStatus.CREATED
        carol = session.scalar(select(Customer).where(Customer.platform_customer_id == "5"))
        assert carol is not None
        assert (carol.points_pending, carol.points_available) == (0, 300)
        assert ledger_sums(session, carol.id) == (0, 300)
