"""`POST /webhooks/<platform>[/<shop>]`: verify, dedupe, translate and apply, in one transaction.

Nothing on this path calls a store: platforms give a delivery a few seconds (Shopify: 5 s), and
work for the store goes through the task queue. The delivery row and the events' effects commit
together, so a crash loses neither alone; a redelivery after a crash is processed afresh.
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
from passiton.core.models import Platform, WebhookDelivery
from passiton.core.ports import (
    Acknowledge,
    InboundWebhook,
    MalformedPayload,
    Unverified,
    VerifiedWebhook,
    WebhookConnector,
)
from passiton.core.services.dispatch import apply_events

log = logging.getLogger(__name__)
T = TypeVar("T")
Transact = Callable[[Callable[[Session], T]], T]


class Outcome(StrEnum):
    PROCESSED = "processed"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"


@dataclass(frozen=True)
class WebhookIntake:
    connectors: Mapping[str, WebhookConnector]
    transact: Callable[[Callable[[Session], Any]], Any]


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
        verdict = connector.verify(inbound)
        if isinstance(verdict, Unverified):
            log.info("webhook refused: platform=%s reason=%s", platform, verdict.reason.value)
            return _error(401, verdict.reason.value, "the delivery could not be verified")
        if isinstance(verdict, Acknowledge):
            return jsonify({"status": Outcome.IGNORED.value, "reason": verdict.reason}), 200
        if verdict.shop_id is None:
            return jsonify({"status": Outcome.IGNORED.value, "reason": "unknown_shop"}), 200
        try:
            events = connector.translate(verdict, inbound)
        except MalformedPayload as error:
            log.info("webhook malformed: platform=%s topic=%s", platform, verdict.topic)
            return _error(400, "malformed_payload", str(error))
        try:
            outcome = intake.transact(lambda s: _record_and_apply(s, platform, verdict, events))
        except OperationalError:
            log.exception("database unavailable for webhook %s", verdict.delivery_key)
            return _error(503, "unavailable", "try again later")
        log.info(
            "webhook %s: platform=%s shop=%s topic=%s delivery=%s events=%d",
            outcome.value,
            platform,
            verdict.shop_id,
            verdict.topic,
            verdict.delivery_key,
            len(events),
        )
        return jsonify({"status": outcome.value, "events": len(events)}), 200

    return bp


def _record_and_apply(
    session: Session, platform: str, verdict: VerifiedWebhook, events: tuple[Event, ...] | Any
) -> Outcome:
    assert verdict.shop_id is not None
    delivery = WebhookDelivery(
        platform=Platform(platform),
        shop_id=verdict.shop_id,
        delivery_key=verdict.delivery_key,
        topic=verdict.topic[:64],
    )
    try:
        with session.begin_nested():
            session.add(delivery)
    except IntegrityError:
        return Outcome.DUPLICATE
    if not events:
        return Outcome.IGNORED
    apply_events(session, verdict.shop_id, tuple(events), datetime.now(UTC))
    return Outcome.PROCESSED


def _error(status: int, code: str, message: str) -> tuple[Response, int]:
    return jsonify({"error": {"code": code, "message": message}}), status
