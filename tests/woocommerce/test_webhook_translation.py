"""Verifying and translating the captured WooCommerce deliveries, without HTTP."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from passiton.connectors.woocommerce.webhooks import WooCommerceWebhooks
from passiton.core.events import OrderChanged, OrderDeleted, RefundSeen
from passiton.core.ports import (
    Acknowledge,
    InboundWebhook,
    MalformedPayload,
    Rejection,
    Unverified,
    VerifiedWebhook,
)
from tests.woocommerce.captured import DELIVERIES, SECRET, captured, ping

SHOP = 7


def connector(secrets: dict[int, str] | None = None) -> WooCommerceWebhooks:
    known = {SHOP: SECRET} if secrets is None else secrets
    return WooCommerceWebhooks(known.get)


def verified(name: str) -> tuple[VerifiedWebhook, InboundWebhook]:
    inbound = captured(name).inbound(SHOP)
    verdict = connector().verify(inbound)
    assert isinstance(verdict, VerifiedWebhook)
    return verdict, inbound


@pytest.mark.parametrize("name", DELIVERIES)
def test_every_captured_delivery_verifies_with_its_real_signature(name: str) -> None:
    verdict, _ = verified(name)
    assert verdict.shop_id == SHOP
    assert verdict.topic == captured(name).headers["X-WC-Webhook-Topic"]


@pytest.mark.parametrize("name", DELIVERIES)
def test_another_stores_secret_does_not_verify(name: str) -> None:
    verdict = connector({SHOP: "another-stores-secret"}).verify(captured(name).inbound(SHOP))
    assert verdict == Unverified(Rejection.BAD_SIGNATURE)


def test_a_changed_body_does_not_verify() -> None:
    delivery = captured("webhook_order_created")
    inbound = delivery.inbound(SHOP)
    tampered = InboundWebhook(
        body=delivery.body.replace(b'"35.00"', b'"3.00"'),
        headers=inbound.headers,
        shop_hint=inbound.shop_hint,
    )
    assert connector().verify(tampered) == Unverified(Rejection.BAD_SIGNATURE)


@pytest.mark.parametrize("hint", [None, "", "abc", "0", "-1", "99999999999999999999", "8"])
def test_a_delivery_for_an_unknown_shop_is_refused(hint: str | None) -> None:
    inbound = captured("webhook_order_created").inbound(SHOP)
    moved = InboundWebhook(body=inbound.body, headers=inbound.headers, shop_hint=hint)
    assert connector().verify(moved) == Unverified(Rejection.UNKNOWN_SHOP)


@pytest.mark.parametrize("header", ["x-wc-webhook-signature", "x-wc-webhook-topic"])
def test_a_signed_delivery_missing_a_header_is_refused(header: str) -> None:
    inbound = captured("webhook_order_created").inbound(SHOP)
    headers = {k: v for k, v in inbound.headers.items() if k != header}
    verdict = connector().verify(InboundWebhook(inbound.body, headers, inbound.shop_hint))
    assert verdict == Unverified(Rejection.MISSING_HEADER)


def test_the_unsigned_ping_is_acknowledged() -> None:
    assert connector().verify(ping().inbound(SHOP)) == Acknowledge("ping")


def test_an_unsigned_body_that_is_not_a_ping_is_refused() -> None:
    inbound = InboundWebhook(body=b'{"id": 17}', headers={}, shop_hint=str(SHOP))
    assert connector().verify(inbound) == Unverified(Rejection.MISSING_HEADER)


def test_order_created_translates_to_the_orders_current_state() -> None:
    verdict, inbound = verified("webhook_order_created")
    (event,) = connector().translate(verdict, inbound)
    assert isinstance(event, OrderChanged)
    order = event.order
    assert order.order_id == "17"
    assert order.updated_at == datetime(2026, 11, 22, 18, 56, 19, tzinfo=UTC)
    assert order.customer_id is None  # customer_id 0 is a guest
    assert order.email == "dan@example.com"
    assert order.first_name == "Dan"
    assert order.currency == "USD"
    assert order.total == Decimal("35.00")
    assert order.subtotal == Decimal("35.00")
    assert order.paid is True
    assert order.cancelled is False
    assert order.codes == ("ref-carol-15",)
    assert order.ref_code is None  # `_referral_code` is not our meta key
    assert order.refunds == ()


def test_partial_refund_keeps_the_status_and_adds_a_refund() -> None:
    verdict, inbound = verified("webhook_order_updated_partial_refund")
    (event,) = connector().translate(verdict, inbound)
    assert isinstance(event, OrderChanged)
    assert event.order.cancelled is False
    assert event.order.refunds == (RefundSeen("18", Decimal("5.00")),)


def test_full_refund_voids_the_order_and_lists_every_refund() -> None:
    verdict, inbound = verified("webhook_order_updated_full_refund")
    (event,) = connector().translate(verdict, inbound)
    assert isinstance(event, OrderChanged)
    assert event.order.cancelled is True
    assert event.order.refunds == (
        RefundSeen("19", Decimal("30.00")),
        RefundSeen("18", Decimal("5.00")),
    )


def test_order_deleted_translates_to_order_deleted() -> None:
    verdict, inbound = verified("webhook_order_deleted")
    assert connector().translate(verdict, inbound) == [OrderDeleted("14")]


@pytest.mark.parametrize(
    "name", ["webhook_coupon_created", "webhook_action_order_status_completed"]
)
def test_topics_the_program_does_not_use_translate_to_nothing(name: str) -> None:
    verdict, inbound = verified(name)
    assert connector().translate(verdict, inbound) == []


def test_the_same_order_state_from_created_and_updated_has_one_key() -> None:
    created, _ = verified("webhook_order_created")
    inbound = captured("webhook_order_created").inbound(SHOP)
    as_update = InboundWebhook(
        inbound.body,
        {**inbound.headers, "x-wc-webhook-topic": "order.updated", "x-wc-webhook-id": "2"},
        inbound.shop_hint,
    )
    updated = connector().verify(as_update)
    assert isinstance(updated, VerifiedWebhook)
    assert updated.delivery_key == created.delivery_key


def test_different_order_states_sharing_a_delivery_id_have_different_keys() -> None:
    partial = captured("webhook_order_updated_partial_refund").inbound(SHOP)
    full = captured("webhook_order_updated_full_refund")
    shared_id = {**full.inbound(SHOP).headers}
    shared_id["x-wc-webhook-delivery-id"] = partial.headers["x-wc-webhook-delivery-id"]
    first = connector().verify(partial)
    second = connector().verify(InboundWebhook(full.body, shared_id, str(SHOP)))
    assert isinstance(first, VerifiedWebhook)
    assert isinstance(second, VerifiedWebhook)
    assert first.delivery_key != second.delivery_key


def test_the_same_delivery_has_a_different_key_in_another_shop() -> None:
    inbound = captured("webhook_order_created").inbound(SHOP)
    both = WooCommerceWebhooks({SHOP: SECRET, 8: SECRET}.get)
    here = both.verify(inbound)
    there = both.verify(InboundWebhook(inbound.body, inbound.headers, "8"))
    assert isinstance(here, VerifiedWebhook)
    assert isinstance(there, VerifiedWebhook)
    assert here.delivery_key != there.delivery_key


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1, 2]",
        b'{"id": "x", "date_modified_gmt": "2026-11-22T18:56:19", "total": "1.00"}',
        b'{"id": 5, "date_modified_gmt": "yesterday", "total": "1.00"}',
        b'{"id": 5, "date_modified_gmt": "2026-11-22T18:56:19", "total": 1.5e400}',
        b'{"id": 5, "date_modified_gmt": "2026-11-22T18:56:19", "total": "NaN"}',
        b'{"id": 5, "date_modified_gmt": "2026-11-22T18:56:19", "total": "1", "refunds": {}}',
        # WooCommerce writes refund totals negative; a positive one is not a refund it sent.
        b'{"id": 5, "date_modified_gmt": "2026-11-22T18:56:19", "total": "9",'
        b' "refunds": [{"id": 18, "total": "5.00"}]}',
        b'{"id": 5, "date_modified_gmt": "2026-11-22T18:56:19", "total": "9",'
        b' "refunds": [{"id": 18, "total": 5}]}',
    ],
)
def test_a_malformed_order_body_raises_malformed_payload(body: bytes) -> None:
    verdict = VerifiedWebhook(shop_id=SHOP, topic="order.updated", delivery_key="k")
    with pytest.raises(MalformedPayload):
        connector().translate(verdict, InboundWebhook(body, {}, str(SHOP)))


def test_trashed_order_in_an_update_is_void_and_deleted() -> None:
    body = captured("webhook_order_created").body.replace(b'"processing"', b'"trash"')
    verdict = VerifiedWebhook(shop_id=SHOP, topic="order.created", delivery_key="k")
    changed, deleted = connector().translate(verdict, InboundWebhook(body, {}, str(SHOP)))
    assert isinstance(changed, OrderChanged)
    assert changed.order.cancelled is True
    assert deleted == OrderDeleted("17")


def test_the_passiton_ref_meta_becomes_the_ref_code() -> None:
    body = captured("webhook_order_created").body.replace(b'"_referral_code"', b'"_passiton_ref"')
    verdict = VerifiedWebhook(shop_id=SHOP, topic="order.created", delivery_key="k")
    (event,) = connector().translate(verdict, InboundWebhook(body, {}, str(SHOP)))
    assert isinstance(event, OrderChanged)
    assert event.order.ref_code == "ref-carol-15"


def test_the_wordpress_locale_meta_becomes_the_buyers_language() -> None:
    meta = b'{"id":10,"key":"_referral_code","value":"ref-carol-15"}'
    locale = b'{"id":10,"key":"_passiton_locale","value":"de_DE_formal"}'
    body = captured("webhook_order_created").body.replace(meta, locale)
    verdict = VerifiedWebhook(shop_id=SHOP, topic="order.created", delivery_key="k")
    (event,) = connector().translate(verdict, InboundWebhook(body, {}, str(SHOP)))
    assert isinstance(event, OrderChanged)
    assert event.order.locale == "de_DE_formal"


def test_an_order_without_locale_meta_has_no_buyer_language() -> None:
    verdict = VerifiedWebhook(shop_id=SHOP, topic="order.created", delivery_key="k")
    inbound = InboundWebhook(captured("webhook_order_created").body, {}, str(SHOP))
    (event,) = connector().translate(verdict, inbound)
    assert isinstance(event, OrderChanged)
    assert event.order.locale is None
