"""The referrer's messages through a real SMTP server: the invitation with its link and share
buttons in the shop's language, and the points messages naming the friend by first name only."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage as MimeMessage

from sqlalchemy import select

from passiton.app.runtime import Runtime
from passiton.core import events as ev
from passiton.core.events import MarketingConsent, OrderChanged
from passiton.core.fake_store import FakeStoreDirectory
from passiton.core.models import Customer, EmailMessage, MessageKind, MessageStatus, Shop
from passiton.core.services.dispatch import apply_events
from passiton.core.services.merchant_summary import queue_weekly_summaries, week_of
from tests.conftest import RuntimeFactory
from tests.support.builders import claim, make_referrer, make_shop, new_id, order
from tests.support.smtp_server import SmtpSink

SENDER = "referrals@passiton.test"
NOW = datetime.now(UTC).replace(microsecond=0)


def _runtime(make_runtime: RuntimeFactory, sqlite_url: str, sink: SmtpSink) -> Runtime:
    return make_runtime(sqlite_url, smtp_url=sink.url, mail_from=f"Passiton <{SENDER}>")


def _shop(runtime: Runtime, locale: str) -> int:
    shop_id = make_shop(runtime.db, FakeStoreDirectory())
    with runtime.db.transaction() as session:
        shop = session.get_one(Shop, shop_id)
        shop.locale = locale
        shop.currency = "EUR"
    return shop_id


def _deliver(runtime: Runtime, shop_id: int, *events: ev.Event) -> None:
    runtime.db.run(lambda s: apply_events(s, shop_id, list(events), NOW))


def _send(runtime: Runtime, kind: MessageKind) -> EmailMessage:
    assert runtime.mail is not None
    with runtime.db.sessions() as session:
        row = session.scalars(select(EmailMessage).where(EmailMessage.kind == kind)).one()
    assert runtime.mail.send(row.id, row.send_after + timedelta(seconds=1)) is MessageStatus.SENT
    return row


def _parts(message: MimeMessage) -> tuple[str, str]:
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None
    assert html is not None
    return text.get_content(), html.get_content()


def test_a_buyer_who_opted_in_gets_their_link_to_share_in_the_shops_language(
    make_runtime: RuntimeFactory, sqlite_url: str, smtp_sink: SmtpSink
) -> None:
    runtime = _runtime(make_runtime, sqlite_url, smtp_sink)
    shop_id = _shop(runtime, "de")
    buyer = new_id()
    state = order(customer_id=buyer, email="berta@example.com", at=NOW)
    _deliver(runtime, shop_id, OrderChanged(replace(state, marketing=MarketingConsent(True, NOW))))

    row = _send(runtime, MessageKind.INVITATION)

    assert row.send_after == NOW + timedelta(hours=3)
    [received] = smtp_sink.received()
    with runtime.db.sessions() as session:
        code = session.scalars(
            select(Customer.referral_code).where(Customer.platform_customer_id == buyer)
        ).one()
    link = f"http://passiton.test/r/{code}"
    assert received["To"] == "berta@example.com"
    assert received["Subject"].startswith("Schenk deinen Freunden 15")
    assert received["Subject"].endswith("Rabatt bei Anna's Shop")
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = _parts(received)
    for part in (text, html):
        assert link in part
        assert "Danke für deine Bestellung bei Anna's Shop" in part
        assert "Geschenkcode" in part  # the shop has gifts on
        assert "Abmelden" in part
    assert 'href="https://wa.me/?text=Hier%20sind%2015' in html
    assert "sms:?&amp;body=" in html
    assert "mailto:?subject=Anna" in html
    assert "<img" not in html


def test_the_referrer_hears_of_the_friends_order_by_first_name_only(
    make_runtime: RuntimeFactory, sqlite_url: str, smtp_sink: SmtpSink
) -> None:
    runtime = _runtime(make_runtime, sqlite_url, smtp_sink)
    shop_id = _shop(runtime, "en")
    anna = make_referrer(runtime.db, shop_id)
    code = claim(runtime.db, shop_id, anna, "fritz@example.com").code
    friends_order = order(codes=(code,), email="fritz@example.com", at=NOW, currency="EUR")
    _deliver(runtime, shop_id, OrderChanged(friends_order))

    _send(runtime, MessageKind.POINTS_PENDING)

    mails = [m for m in smtp_sink.received() if m["To"] == "anna@example.com"]
    [received] = mails
    assert received["Subject"] == "Your friend ordered: 1,000 points on their way"
    text, html = _parts(received)
    for part in (text, html):
        assert "Fritz ordered at Anna's Shop with your link" in part
        assert "fritz@example.com" not in part


def test_the_merchant_gets_last_weeks_summary_at_the_stores_address(
    make_runtime: RuntimeFactory, sqlite_url: str, smtp_sink: SmtpSink
) -> None:
    runtime = _runtime(make_runtime, sqlite_url, smtp_sink)
    shop_id = _shop(runtime, "de")
    with runtime.db.transaction() as session:
        session.get_one(Shop, shop_id).contact_email = "owner@anna-shop.example"
    runtime.db.run(lambda s: queue_weekly_summaries(s, NOW))

    _send(runtime, MessageKind.MERCHANT_SUMMARY)

    [received] = smtp_sink.received()
    week, _, _ = week_of(NOW)
    assert received["To"] == "owner@anna-shop.example"
    assert received["Subject"] == f"Anna's Shop Empfehlungen, Woche {week}"
    text, html = _parts(received)
    for part in (text, html):
        assert "Von Freunden abgeholte Codes: 0" in part
        assert "Nichts wartet auf deine Prüfung." in part
