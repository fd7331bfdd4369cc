"""Sending deliveries to a real HTTP receiver on loopback: signed, retried, given up, refused."""

from __future__ import annotations

import json
import socket
import time

import pytest
from sqlalchemy import select

from passiton.app.outbound.endpoints import create_endpoint
from passiton.app.outbound.signature import signature_valid
from passiton.app.runtime import Runtime
from passiton.app.tasks.after_commit import enqueue_after_commit
from passiton.core.fake_store import FakeStoreDirectory
from passiton.core.models import HookDelivery, HookDeliveryStatus
from passiton.core.services import outbound_hooks
from tests.conftest import RuntimeFactory
from tests.outbound.receiver import running_receiver
from tests.support.builders import make_referrer, make_shop


@pytest.fixture
def hooks_runtime(make_runtime: RuntimeFactory, sqlite_url: str) -> Runtime:
    # Loopback receivers are allowed here as in development; production refuses them.
    return make_runtime(sqlite_url, hooks_allow_private=True)


def endpoint_for(runtime: Runtime, shop_id: int, url: str) -> str:
    with runtime.db.transaction() as session:
        return create_endpoint(
            session,
            runtime.vault,
            shop_id,
            url=url,
            events=["link.created"],
            include_friend_email=False,
            allow_private=True,
        ).secret


def only_delivery(runtime: Runtime) -> HookDelivery:
    with runtime.db.sessions() as session:
        (delivery,) = session.scalars(select(HookDelivery))
        return delivery


def test_a_committed_event_is_sent_signed_once(hooks_runtime: Runtime) -> None:
    shop_id = make_shop(hooks_runtime.db, FakeStoreDirectory())
    with running_receiver() as receiver:
        secret = endpoint_for(hooks_runtime, shop_id, receiver.url)
        anna = make_referrer(hooks_runtime.db, shop_id)

    (request,) = receiver.received
    headers = request.headers
    assert signature_valid(
        secret,
        headers["X-Passiton-Timestamp"],
        request.body,
        headers["X-Passiton-Signature"],
        int(time.time()),
    )
    assert headers["X-Passiton-Event"] == "link.created"
    delivery = only_delivery(hooks_runtime)
    assert headers["X-Passiton-Delivery"] == delivery.delivery_id
    body = json.loads(request.body)
    assert body["type"] == "link.created"
    assert body["data"]["referrer"]["referral_url"] == (
        f"http://passiton.test/r/{anna.referral_code}"
    )
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        HookDeliveryStatus.DELIVERED,
        1,
        200,
    )


def test_a_signature_with_another_secret_or_an_altered_body_does_not_verify(
    hooks_runtime: Runtime,
) -> None:
    shop_id = make_shop(hooks_runtime.db, FakeStoreDirectory())
    with running_receiver() as receiver:
        secret = endpoint_for(hooks_runtime, shop_id, receiver.url)
        make_referrer(hooks_runtime.db, shop_id)
    (request,) = receiver.received
    stamp, sent = request.headers["X-Passiton-Timestamp"], request.headers["X-Passiton-Signature"]
    now = int(time.time())

    assert not signature_valid("whsec_other", stamp, request.body, sent, now)
    assert not signature_valid(secret, stamp, request.body + b" ", sent, now)
    assert not signature_valid(secret, str(int(stamp) + 1), request.body, sent, now)
    assert not signature_valid(secret, stamp, request.body, sent, now + 3600)


@pytest.mark.parametrize("status", [500, 503, 429, 408])
def test_a_temporary_failure_is_retried_later_with_the_same_delivery_id(
    hooks_runtime: Runtime, status: int
) -> None:
    shop_id = make_shop(hooks_runtime.db, FakeStoreDirectory())
    with running_receiver() as receiver:
        receiver.answers = [status]
        endpoint_for(hooks_runtime, shop_id, receiver.url)
        make_referrer(hooks_runtime.db, shop_id)
        waiting = only_delivery(hooks_runtime)
        assert (waiting.status, waiting.attempts) == (HookDeliveryStatus.PENDING, 1)
        assert waiting.next_attempt_at > waiting.created_at
        assert hooks_runtime.hook_sender is not None
        hooks_runtime.hook_sender.send(waiting.id)  # the sweep, once it falls due

    first, second = receiver.received
    assert first.headers["X-Passiton-Delivery"] == second.headers["X-Passiton-Delivery"]
    assert first.body == second.body
    assert only_delivery(hooks_runtime).status is HookDeliveryStatus.DELIVERED


@pytest.mark.parametrize("status", [400, 401, 404, 410, 301])
def test_a_refusal_fails_the_delivery_at_once(hooks_runtime: Runtime, status: int) -> None:
    shop_id = make_shop(hooks_runtime.db, FakeStoreDirectory())
    with running_receiver() as receiver:
        receiver.answers = [status]
        endpoint_for(hooks_runtime, shop_id, receiver.url)
        make_referrer(hooks_runtime.db, shop_id)
        delivery = only_delivery(hooks_runtime)
        assert hooks_runtime.hook_sender is not None
        hooks_runtime.hook_sender.send(delivery.id)  # a failed delivery is not sent again

    assert len(receiver.received) == 1
    delivery = only_delivery(hooks_runtime)
    assert (delivery.status, delivery.last_status_code) == (HookDeliveryStatus.FAILED, status)


def test_an_unreachable_endpoint_is_retried_then_given_up(hooks_runtime: Runtime) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    shop_id = make_shop(hooks_runtime.db, FakeStoreDirectory())
    endpoint_for(hooks_runtime, shop_id, f"http://127.0.0.1:{port}/hooks")
    make_referrer(hooks_runtime.db, shop_id)
    delivery = only_delivery(hooks_runtime)
    assert (delivery.status, delivery.last_error) == (HookDeliveryStatus.PENDING, "ConnectionError")

    assert hooks_runtime.hook_sender is not None
    for _ in range(outbound_hooks.MAX_ATTEMPTS - 1):
        hooks_runtime.hook_sender.send(delivery.id)

    delivery = only_delivery(hooks_runtime)
    assert (delivery.status, delivery.attempts) == (
        HookDeliveryStatus.FAILED,
        outbound_hooks.MAX_ATTEMPTS,
    )


def test_in_production_a_loopback_endpoint_is_refused_at_send_time(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    # Saved while private addresses were allowed (or its DNS changed since): the send checks.
    runtime = make_runtime(sqlite_url, hooks_allow_private=False)
    shop_id = make_shop(runtime.db, FakeStoreDirectory())
    with running_receiver() as receiver:
        endpoint_for(runtime, shop_id, receiver.url)
        make_referrer(runtime.db, shop_id)

    assert receiver.received == []
    delivery = only_delivery(runtime)
    assert delivery.status is HookDeliveryStatus.FAILED
    assert (delivery.last_error or "").startswith("refused:")


def test_the_sweep_sends_what_a_lost_task_left(hooks_runtime: Runtime) -> None:
    shop_id = make_shop(hooks_runtime.db, FakeStoreDirectory())
    with running_receiver() as receiver:
        endpoint_for(hooks_runtime, shop_id, receiver.url)
        # The task enqueued after the commit is lost (a worker died before it ran).
        hooks_runtime.db.on_commit(outbound_hooks.OWED_DELIVERIES, lambda ids: None)
        make_referrer(hooks_runtime.db, shop_id)
        assert receiver.received == []
        hooks_runtime.tasks.sweep_hooks()

    assert len(receiver.received) == 1
    assert only_delivery(hooks_runtime).status is HookDeliveryStatus.DELIVERED


def test_an_unreachable_queue_does_not_undo_the_event_and_the_sweep_sends_it(
    hooks_runtime: Runtime,
) -> None:
    def queue_down(delivery_id: int) -> None:
        raise ConnectionError("the queue's Redis is down")

    shop_id = make_shop(hooks_runtime.db, FakeStoreDirectory())
    with running_receiver() as receiver:
        endpoint_for(hooks_runtime, shop_id, receiver.url)
        enqueue_after_commit(hooks_runtime.db, outbound_hooks.OWED_DELIVERIES, queue_down)
        anna = make_referrer(hooks_runtime.db, shop_id)
        assert only_delivery(hooks_runtime).status is HookDeliveryStatus.PENDING
        hooks_runtime.tasks.sweep_hooks()

    assert anna.id is not None
    assert len(receiver.received) == 1
    assert only_delivery(hooks_runtime).status is HookDeliveryStatus.DELIVERED
