"""What the sandbox store sends on its own: pings, signed order deliveries, and giving up."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from passiton.connectors.woocommerce.webhooks import signature_valid
from passiton.sandbox.server import Sandbox
from passiton.sandbox.woocommerce_store import WooBuyer
from tests.sandbox.conftest import DELIVERY, OFFER, Recorder, woo_store

BUYER = WooBuyer(3, "anna@example.com", "Anna", "1 Ring Road", "10115", "+49 30 1")
SECRET = "s3cretS3cret"
"""The secret `woo_store` registers its webhooks with."""


def test_each_new_webhook_is_pinged_and_a_200_marks_it_delivered(sandbox: Sandbox) -> None:
    store = Recorder()
    sandbox.deliver_to(store)

    woo_store(sandbox).register_webhooks()

    hooks = sandbox.woo.webhooks
    assert [body for _, body, _ in store.posts] == [f"webhook_id={i}".encode() for i in hooks]
    url, _, headers = store.posts[0]
    assert url == DELIVERY
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert not any(name.startswith("X-WC-") for name in headers)
    assert not any(hook["pending_delivery"] for hook in hooks.values())


def test_a_ping_not_answered_200_is_sent_again_on_the_next_save(sandbox: Sandbox) -> None:
    store = Recorder(status=204)
    sandbox.deliver_to(store)
    woo_store(sandbox).register_webhooks()
    assert all(hook["pending_delivery"] for hook in sandbox.woo.webhooks.values())

    store.status = 200
    sandbox.woo.webhooks[1]["status"] = "disabled"
    woo_store(sandbox).register_webhooks()

    assert store.posts[-1][1] == b"webhook_id=1"
    assert sandbox.woo.webhooks[1]["pending_delivery"] is False


def test_order_deliveries_are_signed_with_the_webhook_secret(sandbox: Sandbox) -> None:
    store = Recorder()
    sandbox.deliver_to(store)
    woo_store(sandbox).register_webhooks()
    order = sandbox.place_woo_order(BUYER, Decimal("40.00"))
    store.posts.clear()

    made = sandbox.woo_site.notify(order.order_id, "order.created", "order.updated")

    assert [(d.topic, d.status) for d in made] == [("order.created", 200), ("order.updated", 200)]
    for delivery, (url, body, headers) in zip(made, store.posts, strict=True):
        assert url == DELIVERY
        assert signature_valid(body, headers["X-WC-Webhook-Signature"], SECRET)
        assert headers["X-WC-Webhook-ID"] == str(delivery.webhook_id)
        assert headers["X-WC-Webhook-Source"] == f"{sandbox.url}/"
        assert json.loads(body)["id"] == order.order_id


def test_the_body_is_the_order_as_it_is_when_sent(sandbox: Sandbox) -> None:
    store = Recorder()
    sandbox.deliver_to(store)
    woo_store(sandbox).register_webhooks()
    order = sandbox.place_woo_order(BUYER, Decimal("40.00"))
    sandbox.woo_site.refund(order.order_id, Decimal("40.00"))
    store.posts.clear()

    sandbox.woo_site.notify(order.order_id, "order.created")

    ((_, body, _),) = store.posts
    assert json.loads(body)["status"] == "refunded"


def test_a_webhook_is_disabled_on_its_seventh_failure_in_a_row(sandbox: Sandbox) -> None:
    store = Recorder()
    sandbox.deliver_to(store)
    woo_store(sandbox).register_webhooks()
    order = sandbox.place_woo_order(BUYER, Decimal("40.00"))
    store.status = 500

    for _ in range(7):
        sandbox.woo_site.notify(order.order_id, "order.updated")

    hook = next(h for h in sandbox.woo.webhooks.values() if h["topic"] == "order.updated")
    assert hook["status"] == "disabled"
    assert sandbox.woo_site.notify(order.order_id, "order.updated") == []


def test_a_reactivated_webhook_is_disabled_again_by_one_more_failure(sandbox: Sandbox) -> None:
    # Given a webhook WooCommerce disabled after 7 failures, then re-activated by Passiton
    store = Recorder(status=500)
    sandbox.deliver_to(store)
    woo_store(sandbox).register_webhooks()
    order = sandbox.place_woo_order(BUYER, Decimal("40.00"))
    for _ in range(7):
        sandbox.woo_site.notify(order.order_id, "order.updated")
    hook = next(h for h in sandbox.woo.webhooks.values() if h["topic"] == "order.updated")
    assert (hook["status"], hook["failure_count"]) == ("disabled", 6)
    woo_store(sandbox).register_webhooks()
    assert (hook["status"], hook["failure_count"]) == ("active", 6)

    # When one more delivery fails, then it is disabled again at once
    sandbox.woo_site.notify(order.order_id, "order.updated")
    assert hook["status"] == "disabled"

    # And only a delivery that succeeds clears the count
    woo_store(sandbox).register_webhooks()
    store.status = 200
    sandbox.woo_site.notify(order.order_id, "order.updated")
    assert (hook["status"], hook["failure_count"]) == ("active", 0)


def test_an_unreachable_delivery_url_is_a_failed_delivery(sandbox: Sandbox) -> None:
    # DELIVERY points at the discard port, where nothing listens.
    woo_store(sandbox).register_webhooks()
    order = sandbox.place_woo_order(BUYER, Decimal("40.00"))

    (delivery,) = sandbox.woo_site.notify(order.order_id, "order.created")

    assert delivery.status == 0
    assert sandbox.woo.webhooks[delivery.webhook_id]["failure_count"] == 1


def test_the_checkout_refuses_used_and_other_peoples_coupons(sandbox: Sandbox) -> None:
    store = woo_store(sandbox)
    store.create_friend_codes(None, OFFER, ["PI-AAAA"])
    sandbox.place_woo_order(BUYER, Decimal("40.00"), ("PI-AAAA",))
    with sandbox.woo_lock:
        sandbox.woo.create_coupon(
            {"code": "RW-ONE", "amount": "5.00", "email_restrictions": ["ben@example.com"]}
        )

    with pytest.raises(ValueError, match="usage limit is reached"):
        sandbox.place_woo_order(BUYER, Decimal("40.00"), ("PI-AAAA",))
    with pytest.raises(ValueError, match=r"not for anna@example\.com"):
        sandbox.place_woo_order(BUYER, Decimal("40.00"), ("RW-ONE",))
