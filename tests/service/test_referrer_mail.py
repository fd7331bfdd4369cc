"""The referrer's messages: queued once with their business event, only with consent, and a
reminder that a friend's claim (or a withdrawn consent) cancels when it falls due."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select

from passiton.app.database import Database
from passiton.core import events as ev
from passiton.core.events import MarketingConsent, MarketingConsentChanged, OrderChanged
from passiton.core.models import (
    Customer,
    EmailMessage,
    MailSettings,
    MessageKind,
    MessageStatus,
)
from passiton.core.services.approvals import approve_due
from passiton.core.services.dispatch import apply_events
from passiton.core.services.mail_delivery import claim_message
from passiton.core.services.shops import update_settings
from tests.support.builders import T0, claim, make_referrer, new_id, order

HOUR = timedelta(hours=1)


def deliver(db: Database, shop_id: int, *events: ev.Event) -> None:
    db.run(lambda s: apply_events(s, shop_id, list(events), T0))


def messages(db: Database, kind: MessageKind | None = None) -> list[EmailMessage]:
    with db.sessions() as session:
        query = select(EmailMessage).order_by(EmailMessage.id)
        if kind is not None:
            query = query.where(EmailMessage.kind == kind)
        return list(session.scalars(query))


def first_order(buyer: str, box: bool | None = True, email: str | None = None) -> OrderChanged:
    state = order(customer_id=buyer, email=email or f"b{buyer}@example.com")
    marketing = None if box is None else MarketingConsent(box, T0)
    return OrderChanged(replace(state, marketing=marketing))


def mail_settings(db: Database, shop_id: int, **values: object) -> None:
    def write(session: object) -> None:
        row = MailSettings(
            shop_id=shop_id,
            sender_name="",
            reply_to="",
            disabled_kinds=[],
            invitations_transactional=False,
            overrides={},
        )
        for name, value in values.items():
            setattr(row, name, value)
        session.add(row)  # type: ignore[attr-defined]

    db.run(write)


def send_due(db: Database, message: EmailMessage) -> MessageStatus:
    """What the sender finds when the message falls due: sending, or settled unsent."""
    when = message.send_after + timedelta(seconds=1)
    db.run(lambda s: claim_message(s, message.id, when))
    with db.sessions() as session:
        return session.get_one(EmailMessage, message.id).status


def test_a_first_paid_order_with_consent_queues_the_invitation_once_hours_later(
    any_db: Database, shop_id: int
) -> None:
    buyer = new_id()
    placed = first_order(buyer)
    for _ in range(3):
        deliver(any_db, shop_id, placed)
    deliver(any_db, shop_id, first_order(buyer))  # their second order

    [invitation] = messages(any_db, MessageKind.INVITATION)
    assert invitation.recipient == f"b{buyer}@example.com"
    assert invitation.send_after == T0 + 3 * HOUR
    assert invitation.marketing is True
    assert invitation.context["discount_value"] == "15.00"
    assert invitation.context["gifts_enabled"] is True
    assert "@" not in str(invitation.context)
    [reminder] = messages(any_db, MessageKind.REMINDER)
    assert reminder.send_after == T0 + 3 * HOUR + timedelta(days=7)


def test_no_invitation_without_consent(any_db: Database, shop_id: int) -> None:
    deliver(any_db, shop_id, first_order(new_id(), box=False))
    deliver(any_db, shop_id, first_order(new_id(), box=None))

    assert messages(any_db) == []


def test_a_shop_treating_invitations_as_transactional_invites_without_consent(
    any_db: Database, shop_id: int
) -> None:
    mail_settings(any_db, shop_id, invitations_transactional=True)

    deliver(any_db, shop_id, first_order(new_id(), box=False))

    [invitation] = messages(any_db, MessageKind.INVITATION)
    assert invitation.marketing is False


def test_an_unsubscribe_on_the_store_stops_even_transactional_invitations(
    any_db: Database, shop_id: int
) -> None:
    mail_settings(any_db, shop_id, invitations_transactional=True)
    buyer = new_id()
    withdrawn = MarketingConsentChanged(buyer, None, MarketingConsent(False, T0 - HOUR))
    deliver(any_db, shop_id, withdrawn)

    deliver(any_db, shop_id, first_order(buyer, box=False))

    assert messages(any_db) == []


def test_a_switched_off_kind_is_not_queued(any_db: Database, shop_id: int) -> None:
    mail_settings(any_db, shop_id, disabled_kinds=["invitation"])

    deliver(any_db, shop_id, first_order(new_id()))

    assert messages(any_db) == []


def test_the_shop_chooses_the_delay_and_the_number_of_reminders(
    any_db: Database, shop_id: int
) -> None:
    settings: dict[str, object] = {
        "invitation_delay_hours": 5,
        "reminders": 2,
        "reminder_after_days": 3,
    }
    any_db.run(lambda s: update_settings(s, shop_id, settings))

    deliver(any_db, shop_id, first_order(new_id()))

    assert [(m.kind, m.send_after) for m in messages(any_db)] == [
        (MessageKind.INVITATION, T0 + 5 * HOUR),
        (MessageKind.REMINDER, T0 + 5 * HOUR + timedelta(days=3)),
        (MessageKind.REMINDER, T0 + 5 * HOUR + timedelta(days=6)),
    ]


def test_a_reminder_is_cancelled_when_a_friend_claims_before_it_is_due(
    any_db: Database, shop_id: int
) -> None:
    buyer = new_id()
    deliver(any_db, shop_id, first_order(buyer))
    invitation, reminder = messages(any_db)
    anna = any_db.run(
        lambda s: s.scalars(select(Customer).where(Customer.platform_customer_id == buyer)).one()
    )

    claim(any_db, shop_id, anna, "fritz@example.com")

    assert send_due(any_db, invitation) is MessageStatus.SENDING
    assert send_due(any_db, reminder) is MessageStatus.CANCELLED


def test_a_reminder_without_a_claim_goes(any_db: Database, shop_id: int) -> None:
    deliver(any_db, shop_id, first_order(new_id()))
    [reminder] = messages(any_db, MessageKind.REMINDER)

    assert send_due(any_db, reminder) is MessageStatus.SENDING


def test_a_consent_withdrawn_after_queuing_cancels_invitation_and_reminder(
    any_db: Database, shop_id: int
) -> None:
    buyer = new_id()
    deliver(any_db, shop_id, first_order(buyer))
    deliver(any_db, shop_id, MarketingConsentChanged(buyer, None, MarketingConsent(False, T0)))
    # Withdrawn at the same instant as the checkout's grant: no wins.
    invitation, reminder = messages(any_db)

    assert send_due(any_db, invitation) is MessageStatus.CANCELLED
    assert send_due(any_db, reminder) is MessageStatus.CANCELLED


def test_the_referrer_hears_once_of_a_conversion_and_once_of_the_approval(
    any_db: Database, shop_id: int
) -> None:
    anna = make_referrer(any_db, shop_id)
    code = claim(any_db, shop_id, anna, "fritz@example.com").code
    friends_order = OrderChanged(order(codes=(code,), email="fritz@example.com"))
    for _ in range(3):
        deliver(any_db, shop_id, friends_order)

    [pending] = messages(any_db, MessageKind.POINTS_PENDING)
    assert pending.recipient == "anna@example.com"
    assert pending.context == {
        "customer_id": anna.id,
        "referral_id": pending.context["referral_id"],
        "points": 1000,
    }
    assert messages(any_db, MessageKind.POINTS_READY) == []

    for _ in range(2):
        any_db.run(lambda s: approve_due(s, T0 + timedelta(days=31)))

    [ready] = messages(any_db, MessageKind.POINTS_READY)
    assert ready.context["points"] == 1000
    assert ready.marketing is False


def test_no_points_message_when_the_kind_is_switched_off(any_db: Database, shop_id: int) -> None:
    mail_settings(any_db, shop_id, disabled_kinds=["points_pending"])
    anna = make_referrer(any_db, shop_id)
    code = claim(any_db, shop_id, anna, "fritz@example.com").code

    deliver(any_db, shop_id, OrderChanged(order(codes=(code,), email="fritz@example.com")))

    assert messages(any_db, MessageKind.POINTS_PENDING) == []
