"""Messages go through a real SMTP server: headers, both parts, the language, and its refusals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage as MimeMessage

from flask.testing import FlaskClient
from sqlalchemy import select

from passiton.app.factory import create_app
from passiton.app.runtime import Runtime
from passiton.core.fake_store import FakeStoreDirectory
from passiton.core.models import EmailMessage, MessageKind, MessageStatus, Platform, Shop
from passiton.core.services import mail_delivery
from passiton.core.services.outbox import queue_message
from tests.conftest import RuntimeFactory
from tests.support.builders import make_referrer, make_shop
from tests.support.smtp_server import SmtpSink

SENDER = "referrals@passiton.test"


def _runtime(make_runtime: RuntimeFactory, sqlite_url: str, sink: SmtpSink) -> Runtime:
    return make_runtime(sqlite_url, smtp_url=sink.url, mail_from=f"Passiton <{SENDER}>")


def _shopify_shop(runtime: Runtime, *, locale: str = "en") -> int:
    shop_id = make_shop(runtime.db, FakeStoreDirectory())
    with runtime.db.transaction() as session:
        shop = session.get_one(Shop, shop_id)
        shop.platform = Platform.SHOPIFY
        shop.domain = "anna-shop.myshopify.com"
        shop.locale = locale
        shop.currency = "EUR"
        shop.contact_email = "hello@anna-shop.example"
    return shop_id


def _claim(client: FlaskClient, runtime: Runtime, shop_id: int, email: str) -> None:
    anna = make_referrer(runtime.db, shop_id)
    response = client.post(f"/r/{anna.referral_code}", data={"email": email})
    assert response.status_code == 303


def _parts(message: MimeMessage) -> tuple[str, str]:
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None
    assert html is not None
    return text.get_content(), html.get_content()


def _row(runtime: Runtime) -> EmailMessage:
    with runtime.db.sessions() as session:
        return session.scalars(select(EmailMessage)).one()


def test_a_friends_claim_sends_their_code_through_smtp(
    make_runtime: RuntimeFactory, sqlite_url: str, smtp_sink: SmtpSink
) -> None:
    runtime = _runtime(make_runtime, sqlite_url, smtp_sink)
    shop_id = _shopify_shop(runtime)

    _claim(create_app(runtime=runtime).test_client(), runtime, shop_id, "fritz@example.com")

    [received] = smtp_sink.received()
    row = _row(runtime)
    code = row.context["code"]
    assert row.status is MessageStatus.SENT
    assert received["X-Envelope-To"] == "fritz@example.com"
    assert received["To"] == "fritz@example.com"
    assert received["From"] == f"Anna's Shop <{SENDER}>"
    assert received["Reply-To"] == "hello@anna-shop.example"
    assert received["Message-ID"] == f"<{row.message_id}@passiton.test>"
    assert received["Subject"] == "Your code for Anna's Shop"
    assert received["Content-Language"] == "en"
    assert received["List-Unsubscribe"].startswith("<http://passiton.test/unsubscribe/")
    assert "fritz" not in received["List-Unsubscribe"]
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = _parts(received)
    cart = f"https://anna-shop.myshopify.com/discount/{code}?redirect=/"
    for part in (text, html):
        assert code in part
        assert "Anna gave you 15% off your first order" in part
    assert cart in text
    assert f'href="{cart}"' in html
    assert "<table" in html
    assert 'style="' in html  # the CSS is inlined
    assert "<img" not in html  # no tracking pixel, no image needed
    assert "points" not in text  # the shop does not show the referrer's reward


def test_a_german_shop_writes_to_the_friend_in_german(
    make_runtime: RuntimeFactory, sqlite_url: str, smtp_sink: SmtpSink
) -> None:
    runtime = _runtime(make_runtime, sqlite_url, smtp_sink)
    shop_id = _shopify_shop(runtime, locale="de")

    _claim(create_app(runtime=runtime).test_client(), runtime, shop_id, "fritz@example.com")

    [received] = smtp_sink.received()
    assert received["Subject"] == "Dein Code für Anna's Shop"
    assert received["Content-Language"] == "de"
    text, html = _parts(received)
    for part in (text, html):
        assert "Anna schenkt dir 15% Rabatt auf deine erste Bestellung" in part
        assert "Abmelden" in part
    assert 'lang="de"' in html


def _queued(runtime: Runtime) -> int:
    shop_id = _shopify_shop(runtime)
    with runtime.db.transaction() as session:
        message = queue_message(
            session,
            shop_id=shop_id,
            kind=MessageKind.TEST,
            to="merchant@example.com",
            event_key="test:1",
            locale=None,
            context={},
        )
        assert message is not None
        return message.id


def test_a_temporary_refusal_is_retried_then_sent_once(
    make_runtime: RuntimeFactory, sqlite_url: str, smtp_sink: SmtpSink
) -> None:
    runtime = _runtime(make_runtime, sqlite_url, smtp_sink)
    assert runtime.mail is not None
    message_id = _queued(runtime)
    smtp_sink.fail_next("451 4.3.0 Try again later")
    now = datetime.now(UTC)

    assert runtime.mail.send(message_id, now) is MessageStatus.QUEUED
    row = _row(runtime)
    assert row.last_error == "451 4.3.0 Try again later"
    assert row.next_attempt_at == now + mail_delivery.retry_delay(1)
    assert smtp_sink.received() == []
    assert runtime.mail.send(message_id, now) is None  # not due yet

    assert runtime.mail.send(message_id, row.next_attempt_at) is MessageStatus.SENT

    [received] = smtp_sink.received()
    assert received["Message-ID"] == f"<{row.message_id}@passiton.test>"
    assert _row(runtime).attempts == 2


def test_a_permanent_refusal_fails_with_its_reason_and_is_not_retried(
    make_runtime: RuntimeFactory, sqlite_url: str, smtp_sink: SmtpSink
) -> None:
    runtime = _runtime(make_runtime, sqlite_url, smtp_sink)
    assert runtime.mail is not None
    message_id = _queued(runtime)
    smtp_sink.fail_next("550 5.1.1 No such user here")
    now = datetime.now(UTC)

    assert runtime.mail.send(message_id, now) is MessageStatus.FAILED

    row = _row(runtime)
    assert row.status is MessageStatus.FAILED
    assert row.last_error == "550 5.1.1 No such user here"
    assert runtime.mail.send(message_id, now + timedelta(days=1)) is None
    with runtime.db.sessions() as session:
        assert mail_delivery.due_messages(session, now + timedelta(days=1), 10) == []
    assert smtp_sink.received() == []


def test_a_dropped_connection_is_retried(
    make_runtime: RuntimeFactory, sqlite_url: str, smtp_sink: SmtpSink
) -> None:
    runtime = _runtime(make_runtime, sqlite_url, smtp_sink)
    assert runtime.mail is not None
    message_id = _queued(runtime)
    smtp_sink.fail_next("reset")
    now = datetime.now(UTC)

    assert runtime.mail.send(message_id, now) is MessageStatus.QUEUED
    assert "connection" in (_row(runtime).last_error or "")
    assert smtp_sink.received() == []

    assert runtime.mail.send(message_id, now + timedelta(minutes=1)) is MessageStatus.SENT
    assert len(smtp_sink.received()) == 1


def test_an_unreachable_server_is_retried(
    make_runtime: RuntimeFactory, sqlite_url: str, smtp_sink: SmtpSink
) -> None:
    runtime = _runtime(make_runtime, sqlite_url, smtp_sink)
    assert runtime.mail is not None
    message_id = _queued(runtime)
    smtp_sink.stop()

    assert runtime.mail.send(message_id, datetime.now(UTC)) is MessageStatus.QUEUED
    assert _row(runtime).status is MessageStatus.QUEUED
