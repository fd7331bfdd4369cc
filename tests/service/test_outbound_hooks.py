"""Deliveries to the merchant's webhook endpoints: written once with each business event."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from passiton.app.database import Database
from passiton.core.errors import InvalidHookEndpoint, UnknownHookEndpoint
from passiton.core.events import OrderChanged, RefundCreated, RefundSeen
from passiton.core.fake_store import FakeStoreDirectory
from passiton.core.models import (
    Customer,
    HookDelivery,
    HookDeliveryStatus,
    RewardKind,
)
from passiton.core.services import hook_endpoints, outbound_hooks
from passiton.core.services.approvals import approve_due
from passiton.core.services.dispatch import apply_events
from passiton.core.services.enrolment import Buyer, enrol
from passiton.core.services.redemption import fulfil, redeem
from passiton.core.services.shops import update_settings
from tests.support.builders import T0, claim, make_referrer, make_shop, new_id, order

ALL_EVENTS = [e.value for e in outbound_hooks.SUBSCRIBABLE]
APP_URL = "https://passiton.example"


def add_endpoint(
    db: Database, shop_id: int, events: list[str] | None = None, *, friend_email: bool = False
) -> int:
    with db.transaction() as session:
        return hook_endpoints.add_endpoint(
            session,
            shop_id,
            url="https://hooks.example.com/passiton",
            events=ALL_EVENTS if events is None else events,
            secret_sealed=b"sealed",
            include_friend_email=friend_email,
        ).id


def deliveries(db: Database, event_type: str | None = None) -> list[HookDelivery]:
    with db.sessions() as session:
        query = select(HookDelivery).order_by(HookDelivery.id)
        if event_type is not None:
            query = query.where(HookDelivery.event_type == event_type)
        return list(session.scalars(query))


def deliver(db: Database, shop_id: int, *events: object) -> None:
    db.run(lambda s: apply_events(s, shop_id, list(events), T0))  # type: ignore[arg-type]


def test_enrolment_owes_one_link_created_to_each_subscribed_endpoint(
    any_db: Database, shop_id: int
) -> None:
    first = add_endpoint(any_db, shop_id)
    second = add_endpoint(any_db, shop_id, ["link.created"])
    anna = make_referrer(any_db, shop_id)

    owed = deliveries(any_db, "link.created")
    assert sorted(d.endpoint_id for d in owed) == [first, second]
    assert {d.event_key for d in owed} == {f"link.created:{anna.id}"}
    assert owed[0].event_id == owed[1].event_id
    assert owed[0].delivery_id != owed[1].delivery_id
    assert all(d.status is HookDeliveryStatus.PENDING for d in owed)


def test_a_replayed_order_enrols_again_without_a_second_delivery(
    any_db: Database, shop_id: int
) -> None:
    add_endpoint(any_db, shop_id)
    buyer_order = order(email="bea@example.com", customer_id=new_id())

    deliver(any_db, shop_id, OrderChanged(buyer_order))
    deliver(any_db, shop_id, OrderChanged(buyer_order))

    assert len(deliveries(any_db, "link.created")) == 1


def test_an_endpoint_gets_only_the_events_it_chose(any_db: Database, shop_id: int) -> None:
    add_endpoint(any_db, shop_id, ["referral.approved"])
    anna = make_referrer(any_db, shop_id)
    claim(any_db, shop_id, anna, "fritz@example.com")

    assert deliveries(any_db) == []


def test_another_shops_endpoint_gets_nothing(
    any_db: Database, stores: FakeStoreDirectory, shop_id: int
) -> None:
    other = make_shop(any_db, stores, domain="other.example")
    add_endpoint(any_db, other)
    make_referrer(any_db, shop_id)

    assert deliveries(any_db) == []


def test_a_friend_claiming_twice_is_one_friend_claimed(any_db: Database, shop_id: int) -> None:
    add_endpoint(any_db, shop_id, ["friend.claimed"])
    anna = make_referrer(any_db, shop_id)

    first = claim(any_db, shop_id, anna, "fritz@example.com")
    again = claim(any_db, shop_id, anna, "Fritz@Example.com")

    owed = deliveries(any_db, "friend.claimed")
    assert first.code == again.code
    assert [d.event_key for d in owed] == [f"friend.claimed:{first.referral_id}"]
    assert owed[0].payload == {"referrer": {"id": anna.id}, "referral": {"id": first.referral_id}}


def test_conversion_approval_and_reversal_each_owe_one_delivery_under_replays(
    any_db: Database, shop_id: int
) -> None:
    add_endpoint(any_db, shop_id)
    anna = make_referrer(any_db, shop_id)
    code = claim(any_db, shop_id, anna, "fritz@example.com").code
    friend_order = order(codes=(code,), email="fritz@example.com")

    deliver(any_db, shop_id, OrderChanged(friend_order))
    deliver(any_db, shop_id, OrderChanged(friend_order))
    any_db.run(lambda s: approve_due(s, T0 + timedelta(days=31)))
    any_db.run(lambda s: approve_due(s, T0 + timedelta(days=32)))
    refund = RefundCreated(friend_order.order_id, RefundSeen("r1", friend_order.total))
    deliver(any_db, shop_id, refund)
    deliver(any_db, shop_id, refund)

    converted = deliveries(any_db, "referral.converted")
    approved = deliveries(any_db, "referral.approved")
    reversed_ = deliveries(any_db, "referral.reversed")
    assert (len(converted), len(approved), len(reversed_)) == (1, 1, 1)
    assert converted[0].payload["referral"]["points_pending"] == 1000
    assert converted[0].payload["referral"]["order_id"] == friend_order.order_id
    assert approved[0].payload["referral"]["points_approved"] == 1000
    assert reversed_[0].payload["referral"]["status"] == "reversed"


def test_a_reward_code_is_issued_once_when_the_store_has_it(
    any_db: Database, stores: FakeStoreDirectory, shop_id: int
) -> None:
    with any_db.transaction() as session:
        update_settings(session, shop_id, {"gifts_enabled": True})
    add_endpoint(any_db, shop_id, ["reward.issued", "gift.issued"])
    anna = make_referrer(any_db, shop_id)
    code = claim(any_db, shop_id, anna, "fritz@example.com").code
    deliver(any_db, shop_id, OrderChanged(order(codes=(code,), email="fritz@example.com")))
    any_db.run(lambda s: approve_due(s, T0 + timedelta(days=31)))
    reward = any_db.run(lambda s: redeem(s, shop_id, anna.id, 500, RewardKind.REWARD, "k1"))
    gift = any_db.run(lambda s: redeem(s, shop_id, anna.id, 500, RewardKind.GIFT, "k2"))
    assert deliveries(any_db) == []  # owed to the store, not usable yet

    for reward_id in (reward.reward_id, gift.reward_id, reward.reward_id):
        fulfil(any_db.sessions, stores, reward_id)

    issued = deliveries(any_db)
    assert [d.event_type for d in issued] == ["reward.issued", "gift.issued"]
    assert issued[0].payload["reward"]["code"] == reward.code
    assert issued[0].payload["reward"]["points"] == 500


def test_the_body_names_the_referrer_and_never_the_friend_without_the_opt_in(
    any_db: Database, shop_id: int
) -> None:
    quiet = add_endpoint(any_db, shop_id, ["friend.claimed"])
    told = add_endpoint(any_db, shop_id, ["friend.claimed"], friend_email=True)
    anna = make_referrer(any_db, shop_id)
    claim(any_db, shop_id, anna, "fritz@example.com")

    bodies = {}
    for delivery in deliveries(any_db):
        with any_db.sessions() as session:
            owed = outbound_hooks.owed_delivery(session, delivery.id, APP_URL)
        assert owed is not None
        bodies[delivery.endpoint_id] = owed.body

    referrer = bodies[quiet]["data"]["referrer"]
    assert referrer["email"] == "anna@example.com"
    assert referrer["referral_url"] == f"{APP_URL}/r/{anna.referral_code}"
    assert bodies[quiet]["type"] == "friend.claimed"
    assert bodies[quiet]["shop"]["id"] == shop_id
    assert "friend_email" not in bodies[quiet]["data"]["referral"]
    assert "fritz@example.com" not in str(bodies[quiet])
    assert bodies[told]["data"]["referral"]["friend_email"] == "fritz@example.com"


def test_a_redacted_referrer_is_not_named_in_a_later_send(any_db: Database, shop_id: int) -> None:
    add_endpoint(any_db, shop_id, ["link.created"])
    anna = make_referrer(any_db, shop_id)
    with any_db.transaction() as session:
        customer = session.get(Customer, anna.id)
        assert customer is not None
        customer.redacted_at = T0
        customer.email = None
    (delivery,) = deliveries(any_db)

    with any_db.sessions() as session:
        owed = outbound_hooks.owed_delivery(session, delivery.id, APP_URL)
    assert owed is not None
    assert owed.body["data"]["referrer"]["email"] is None
    assert owed.body["data"]["referrer"]["referral_url"] is None


def test_failed_attempts_back_off_exponentially_and_give_up_after_the_last(
    any_db: Database, shop_id: int
) -> None:
    add_endpoint(any_db, shop_id, ["link.created"])
    make_referrer(any_db, shop_id)
    (delivery,) = deliveries(any_db)

    waits = []
    for attempt in range(1, outbound_hooks.MAX_ATTEMPTS + 1):
        row = any_db.run(
            lambda s: outbound_hooks.record_attempt(
                s, delivery.id, T0, delivered=False, retryable=True, status_code=503, error="x"
            )
        )
        assert row is not None
        if attempt < outbound_hooks.MAX_ATTEMPTS:
            assert row.status is HookDeliveryStatus.PENDING
            waits.append(row.next_attempt_at - T0)
    assert row is not None
    assert row.status is HookDeliveryStatus.FAILED
    assert row.attempts == outbound_hooks.MAX_ATTEMPTS
    assert waits[:3] == [timedelta(seconds=30), timedelta(minutes=1), timedelta(minutes=2)]
    with any_db.sessions() as session:
        assert outbound_hooks.due_deliveries(session, T0 + timedelta(days=1)) == []


def test_a_permanent_refusal_fails_at_once(any_db: Database, shop_id: int) -> None:
    add_endpoint(any_db, shop_id, ["link.created"])
    make_referrer(any_db, shop_id)
    (delivery,) = deliveries(any_db)

    row = any_db.run(
        lambda s: outbound_hooks.record_attempt(
            s, delivery.id, T0, delivered=False, retryable=False, status_code=410, error="HTTP 410"
        )
    )

    assert row is not None
    assert (row.status, row.attempts, row.last_status_code) == (HookDeliveryStatus.FAILED, 1, 410)


def test_endpoint_events_must_be_known_and_chosen(any_db: Database, shop_id: int) -> None:
    with pytest.raises(InvalidHookEndpoint):
        add_endpoint(any_db, shop_id, [])
    with pytest.raises(InvalidHookEndpoint):
        add_endpoint(any_db, shop_id, ["order.created"])
    assert_no_endpoints(any_db, shop_id)


def test_another_shops_endpoint_cannot_be_removed(
    any_db: Database, stores: FakeStoreDirectory, shop_id: int
) -> None:
    other = make_shop(any_db, stores, domain="other.example")
    theirs = add_endpoint(any_db, other)

    with pytest.raises(UnknownHookEndpoint), any_db.transaction() as session:
        hook_endpoints.remove_endpoint(session, shop_id, theirs)

    with any_db.sessions() as session:
        assert [e.id for e in hook_endpoints.endpoints(session, other)] == [theirs]


def test_a_guest_enrolled_by_email_only_still_gets_link_created(
    any_db: Database, shop_id: int
) -> None:
    add_endpoint(any_db, shop_id, ["link.created"])
    with any_db.transaction() as session:
        guest = enrol(session, shop_id, Buyer(customer_id=None, email="guest@example.com"))
        assert guest is not None

    assert len(deliveries(any_db, "link.created")) == 1


def assert_no_endpoints(db: Database, shop_id: int) -> None:
    with db.sessions() as session:
        assert hook_endpoints.endpoints(session, shop_id) == []
