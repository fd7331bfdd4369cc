"""`POST /webhooks/<platform>[/<shop>]`: verify, translate, record; the task queue applies.

Nothing on this path calls a store, and little touches the database: platforms give a delivery a
few seconds (Shopify: 5 s), so the response path only records the delivery with its translated
events (one insert, which also decides duplicates) and enqueues `apply_delivery` after the
commit. A task lost between the commit and the queue costs latency, never an event: the periodic
sweep re-enqueues deliveries left unapplied.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, TypeVar

from flask import Blueprint, Response, jsonify, request
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from passiton.core.events import Event
from passiton.core.models import Platform
from passiton.core.ports import (
    Acknowledge,
    InboundWebhook,
    MalformedPayload,
    Unverified,
    VerifiedWebhook,
    WebhookConnector,
)
from passiton.core.services.deliveries import record_delivery

log = logging.getLogger(__name__)
T = TypeVar("T")
Transact = Callable[[Callable[[Session], T]], T]


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    """Recorded; the task queue applies its events."""
    DUPLICATE = "duplicate"
    IGNORED = "ignored"


@dataclass(frozen=True)
class WebhookIntake:
    connectors: Mapping[str, WebhookConnector]
    record: Callable[[Callable[[Session], Any]], Any]
    """Runs the one-statement recording of a delivery (`Database.run_statement`)."""
    enqueue: Callable[[int], object]
    """Queues `apply_delivery` for a recorded delivery (runs it inline in immediate mode)."""


def webhook_blueprint(intake: WebhookIntake) -> Blueprint:
    bp = Blueprint("webhooks", __name__)

    @bp.post("/webhooks/<platform>")
    @bp.post("/webhooks/<platform>/<shop_hint>")
    def receive(platform: str, shop_hint: str | None = None) -> tuple[Response, int]:
        connector = intake.connectors.get(platform)
        if connector is None:
            return _error(404, "unknown_platform", f"no webhooks are accepted for '{platform}'")
        inbound = InboundWebhook(
            body=request.get_data(cache=False),
            headers={k.lower(): v for k, v in request.headers.items()},
            shop_hint=shop_hint,
        )
        recorded = _verify_and_record(intake, connector, inbound)
        if isinstance(recorded, _ShopGone):
            # A remembered shop was redacted: look the shop up afresh, once.
            connector.forget_shops()
            recorded = _verify_and_record(intake, connector, inbound)
        if isinstance(recorded, _ShopGone):
            return jsonify({"status": Outcome.IGNORED.value, "reason": "unknown_shop"}), 200
        if isinstance(recorded, tuple):
            return recorded
        verdict, events, delivery_id = recorded.verdict, recorded.events, recorded.delivery_id
        if delivery_id is None:
            outcome = Outcome.DUPLICATE
        elif not events:
            outcome = Outcome.IGNORED
        else:
            outcome = Outcome.ACCEPTED
            _enqueue(intake, delivery_id)
        log.info(
            "webhook %s: platform=%s shop=%s topic=%s delivery=%s events=%d",
            outcome.value,
            platform,
            verdict.shop_id,
            verdict.topic,
            verdict.delivery_key,
            len(events),
            extra={
                "platform": platform,
                "shop": verdict.shop_id,
                "topic": verdict.topic,
                "delivery": verdict.delivery_key,
            },
        )
        return jsonify({"status": outcome.value, "events": len(events)}), 200

    return bp


@dataclass(frozen=True)
class _Recorded:
    verdict: VerifiedWebhook
    events: tuple[Event, ...]
    delivery_id: int | None
    """None when the delivery was recorded before (a duplicate)."""


class _ShopGone:
    """The verified shop no longer exists: redacted after verification, or remembered."""


def _verify_and_record(
    intake: WebhookIntake, connector: WebhookConnector, inbound: InboundWebhook
) -> _Recorded | tuple[Response, int] | _ShopGone:
    """Verify, translate and record the delivery; an answer when it stops before recording."""
    platform = connector.platform
    verdict = connector.verify(inbound)
    if isinstance(verdict, Unverified):
        log.info(
            "webhook refused: platform=%s reason=%s",
            platform,
            verdict.reason.value,
            extra={"platform": platform},
        )
        return _error(401, verdict.reason.value, "the delivery could not be verified")
    if isinstance(verdict, Acknowledge):
        return jsonify({"status": Outcome.IGNORED.value, "reason": verdict.reason}), 200
    shop_id = verdict.shop_id
    if shop_id is None:
        return jsonify({"status": Outcome.IGNORED.value, "reason": "unknown_shop"}), 200
    try:
        events = tuple(connector.translate(verdict, inbound))
    except MalformedPayload as error:
        log.info(
            "webhook malformed: platform=%s topic=%s",
            platform,
            verdict.topic,
            extra={"platform": platform, "topic": verdict.topic},
        )
        return _error(400, "malformed_payload", str(error))
    now = datetime.now(UTC)
    try:
        delivery_id = intake.record(
            lambda s: record_delivery(
                s, Platform(platform), shop_id, verdict.delivery_key, verdict.topic, events, now
            )
        )
    except IntegrityError:
        # Only the shop foreign key can fail here (duplicates do nothing).
        return _ShopGone()
    except OperationalError:
        log.exception("database unavailable for webhook %s", verdict.delivery_key)
        return _error(503, "unavailable", "try again later")
    return _Recorded(verdict, events, delivery_id)


def _enqueue(intake: WebhookIntake, delivery_id: int) -> None:
    try:
        intake.enqueue(delivery_id)
    except Exception:
        # The delivery is committed, so the platform must hear 200 (a 5xx would make it
        # redeliver a duplicate); the sweep finds the unapplied row and enqueues it again.
        log.exception("could not enqueue delivery %s; the sweep will", delivery_id)


def _error(status: int, code: str, message: str) -> tuple[Response, int]:
    return jsonify({"error": {"code": code, "message": message}}), status
