"""Events for the merchant's own tools: one delivery row per subscribed endpoint, written in the
business event's transaction under the event's idempotency key.

A delivery is the event's id, type and facts (ids, codes, points, amounts), never a person's
data: the referrer's e-mail and first name (and, when the endpoint opted in, the friend's
e-mail) are read when the body is built for sending, so a redaction in between is honoured and
no log of deliveries holds an address. Sending happens after the commit (the composition root
reads `session.info[OWED_DELIVERIES]` then), and a sweep re-finds what a lost task left.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from passiton.core.models import (
    Customer,
    FriendCode,
    HookDelivery,
    HookDeliveryStatus,
    HookEndpoint,
    Referral,
    RewardCode,
    RewardKind,
    Shop,
    utcnow,
)
from passiton.core.services.inserts import DIALECTS, insert_unless_present

OWED_DELIVERIES = "passiton.owed_hook_deliveries"
"""session.info key: ids of deliveries written in the open transaction, to send after commit."""
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=6)


class HookEvent(StrEnum):
    LINK_CREATED = "link.created"
    FRIEND_CLAIMED = "friend.claimed"
    REFERRAL_CONVERTED = "referral.converted"
    REFERRAL_APPROVED = "referral.approved"
    REFERRAL_REVERSED = "referral.reversed"
    REWARD_ISSUED = "reward.issued"
    GIFT_ISSUED = "gift.issued"
    TEST = "test"
    """Sent from the merchant's page on request; never subscribed to."""


SUBSCRIBABLE = tuple(e for e in HookEvent if e is not HookEvent.TEST)

# Built once: the friend claim and every order event run them.
_ENDPOINTS = select(HookEndpoint.id, HookEndpoint.events).where(
    HookEndpoint.shop_id == bindparam("shop_id"), HookEndpoint.active.is_(True)
)
_INSERT = {
    dialect: insert_unless_present(
        dialect, HookDelivery.__table__, ["endpoint_id", "event_key"]
    ).returning(HookDelivery.id)
    for dialect in DIALECTS
}


def record_event(
    session: Session,
    shop_id: int,
    event: HookEvent,
    key: str,
    data: dict[str, Any],
    *,
    customer_id: int | None = None,
    endpoint_id: int | None = None,
) -> list[int]:
    """Owe this event to every active endpoint of the shop subscribed to it, once per key."""
    endpoints = [
        row.id
        for row in session.execute(_ENDPOINTS, {"shop_id": shop_id})
        if row.id == endpoint_id or (endpoint_id is None and event.value in (row.events or []))
    ]
    if not endpoints:
        return []
    event_id = str(uuid.uuid4())
    statement = _INSERT[session.get_bind().dialect.name]
    now = utcnow()
    written = []
    for endpoint in endpoints:
        row = session.execute(
            statement,
            {
                "shop_id": shop_id,
                "endpoint_id": endpoint,
                "delivery_id": str(uuid.uuid4()),
                "event_id": event_id,
                "event_key": key[:200],
                "event_type": event.value,
                "customer_id": customer_id,
                "payload": data,
                "status": HookDeliveryStatus.PENDING,
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            },
        ).scalar_one_or_none()
        if row is not None:
            written.append(row)
    session.info.setdefault(OWED_DELIVERIES, set()).update(written)
    return written


def link_created(session: Session, customer: Customer) -> None:
    record_event(
        session,
        customer.shop_id,
        HookEvent.LINK_CREATED,
        f"link.created:{customer.id}",
        {"referrer": {"id": customer.id}},
        customer_id=customer.id,
    )


def friend_claimed(session: Session, referral_id: int, referrer_id: int, shop_id: int) -> None:
    record_event(
        session,
        shop_id,
        HookEvent.FRIEND_CLAIMED,
        f"friend.claimed:{referral_id}",
        {"referrer": {"id": referrer_id}, "referral": {"id": referral_id}},
        customer_id=referrer_id,
    )


def referral_changed(session: Session, referral: Referral, event: HookEvent, key: str) -> None:
    """A referral converted, was approved or reversed: its facts as they stand now."""
    record_event(
        session,
        referral.shop_id,
        event,
        key,
        {"referrer": {"id": referral.referrer_id}, "referral": _referral_facts(referral)},
        customer_id=referral.referrer_id,
    )


def reward_issued(session: Session, reward: RewardCode) -> None:
    event = HookEvent.GIFT_ISSUED if reward.kind is RewardKind.GIFT else HookEvent.REWARD_ISSUED
    record_event(
        session,
        reward.shop_id,
        event,
        f"{event.value}:{reward.id}",
        {
            "referrer": {"id": reward.customer_id},
            "reward": {
                "id": reward.id,
                "kind": reward.kind.value,
                "code": reward.code,
                "points": reward.points,
                "amount": str(reward.amount),
                "currency": reward.currency,
            },
        },
        customer_id=reward.customer_id,
    )


def test_event(session: Session, shop_id: int, endpoint_id: int) -> list[int]:
    """A sample event for one endpoint, on the merchant's request (each request a new one)."""
    return record_event(
        session,
        shop_id,
        HookEvent.TEST,
        f"test:{uuid.uuid4()}",
        {"message": "A test event from Passiton: your endpoint receives and verifies events."},
        endpoint_id=endpoint_id,
    )


def _referral_facts(referral: Referral) -> dict[str, Any]:
    return {
        "id": referral.id,
        "status": referral.status.value,
        "order_id": referral.order_id,
        "order_subtotal": None if referral.order_subtotal is None else str(referral.order_subtotal),
        "points_pending": referral.points_pending,
        "points_approved": referral.points_approved,
        "points_clawed_back": referral.points_clawed_back,
        "approve_after": _iso(referral.approve_after),
    }


@dataclass(frozen=True)
class OwedDelivery:
    """What the sender needs, read in one short transaction."""

    id: int
    delivery_id: str
    event_type: str
    url: str
    secret_sealed: bytes
    body: dict[str, Any]


def owed_delivery(session: Session, delivery_id: int, app_url: str) -> OwedDelivery | None:
    """The delivery with its body built now, or None when nothing is owed (sent, gone, paused)."""
    delivery = session.get(HookDelivery, delivery_id)
    if delivery is None or delivery.status is not HookDeliveryStatus.PENDING:
        return None
    endpoint = session.get(HookEndpoint, delivery.endpoint_id)
    shop = session.get(Shop, delivery.shop_id)
    if endpoint is None or not endpoint.active or shop is None:
        return None
    return OwedDelivery(
        id=delivery.id,
        delivery_id=delivery.delivery_id,
        event_type=delivery.event_type,
        url=endpoint.url,
        secret_sealed=endpoint.secret_sealed,
        body=_body(session, delivery, endpoint, shop, app_url),
    )


def _body(
    session: Session, delivery: HookDelivery, endpoint: HookEndpoint, shop: Shop, app_url: str
) -> dict[str, Any]:
    data = dict(delivery.payload)
    referrer = data.get("referrer")
    if isinstance(referrer, dict) and isinstance(referrer.get("id"), int):
        data["referrer"] = _referrer(session, referrer["id"], app_url)
    referral = data.get("referral")
    if isinstance(referral, dict) and isinstance(referral.get("id"), int):
        data["referral"] = {**referral, **_friend(session, referral["id"], endpoint)}
    return {
        "id": delivery.event_id,
        "type": delivery.event_type,
        "created_at": _iso(delivery.created_at),
        "shop": {"id": shop.id, "platform": shop.platform.value, "domain": shop.domain},
        "data": data,
    }


def _referrer(session: Session, customer_id: int, app_url: str) -> dict[str, Any]:
    customer = session.get(Customer, customer_id)
    if customer is None:
        return {"id": customer_id}
    redacted = customer.redacted_at is not None
    return {
        "id": customer.id,
        "platform_customer_id": customer.platform_customer_id,
        "email": None if redacted else customer.email,
        "first_name": None if redacted else customer.first_name,
        "locale": customer.locale,
        "referral_code": None if redacted else customer.referral_code,
        "referral_url": None if redacted else f"{app_url}/r/{customer.referral_code}",
        "points_pending": customer.points_pending,
        "points_available": customer.points_available,
    }


def _friend(session: Session, referral_id: int, endpoint: HookEndpoint) -> dict[str, Any]:
    referral = session.get(Referral, referral_id)
    if referral is None:
        return {}
    code = session.get(FriendCode, referral.friend_code_id) if referral.friend_code_id else None
    facts: dict[str, Any] = {"friend_code": code.code if code is not None else None}
    if endpoint.include_friend_email:
        facts["friend_email"] = referral.friend_email
    return facts


def record_attempt(
    session: Session,
    delivery_id: int,
    now: datetime,
    *,
    delivered: bool,
    retryable: bool,
    status_code: int | None,
    error: str | None,
) -> HookDelivery | None:
    """Write what one attempt got: delivered, a later retry (exponential backoff), or given up."""
    delivery = session.get(HookDelivery, delivery_id, with_for_update=True)
    if delivery is None or delivery.status is not HookDeliveryStatus.PENDING:
        return delivery
    delivery.attempts += 1
    delivery.last_status_code = status_code
    delivery.last_error = error[:500] if error else None
    if delivered:
        delivery.status = HookDeliveryStatus.DELIVERED
        delivery.delivered_at = now
    elif retryable and delivery.attempts < MAX_ATTEMPTS:
        delivery.next_attempt_at = now + retry_delay(delivery.attempts)
    else:
        delivery.status = HookDeliveryStatus.FAILED
    return delivery


def retry_delay(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min… doubling after each failed attempt, at most 6 hours."""
    wait: timedelta = FIRST_RETRY * 2 ** max(attempts - 1, 0)
    return min(wait, LONGEST_WAIT)


def due_deliveries(session: Session, now: datetime, limit: int = 500) -> list[int]:
    """Deliveries whose next attempt is due: the sweep sends them (lost tasks, retries)."""
    return list(
        session.scalars(
            select(HookDelivery.id)
            .join(HookEndpoint, HookEndpoint.id == HookDelivery.endpoint_id)
            .where(
                HookDelivery.status == HookDeliveryStatus.PENDING,
                HookDelivery.next_attempt_at <= now,
                # A paused endpoint's deliveries wait for it, not for the sweep.
                HookEndpoint.active.is_(True),
            )
            .order_by(HookDelivery.next_attempt_at)
            .limit(limit)
        )
    )


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat().replace("+00:00", "Z")
