"""The referrer's messages, each queued in the transaction of the event that causes it.

- *Your link to share* (`invitation`): after the buyer's first paid order, delayed so that it
  arrives after the store's own order confirmation; marketing mail, so only with consent unless
  the shop marks invitations transactional. Its reminders are queued with it, each later.
- *A reminder* (`reminder`): whether it still goes is decided when it is due
  (`still_wanted`, which the sender asks): a friend's claim or a withdrawn consent after it was
  queued cancels it.
- *Your friend ordered* (`points_pending`) at conversion, *Your points are ready*
  (`points_ready`) at approval.

Each has an idempotency key (event + recipient + kind, `outbox.idempotency_key`), so replayed
webhooks and repeated jobs never queue a second one. The context holds ids and numbers only:
names and the link are read when the message is written, so a redaction leaves none behind.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from passiton.core.consent_rules import ConsentRecord, may_ask_to_share
from passiton.core.models import Customer, EmailMessage, MailSettings, MessageKind, Referral
from passiton.core.program_settings import ProgramSettings
from passiton.core.services import mail_delivery
from passiton.core.services.outbox import queue_message
from passiton.core.services.shops import current_settings

ASKING_KINDS = frozenset({MessageKind.INVITATION, MessageKind.REMINDER})
"""The messages that ask a buyer to share: marketing mail, sent only with consent."""


def queue_invitation(session: Session, shop_id: int, customer: Customer, now: datetime) -> None:
    """Owe a new referrer their link, and the reminders that follow it, when they may be asked."""
    if customer.email is None:
        return
    mail = mail_delivery.mail_settings_of(session, shop_id)
    if _switched_off(mail, MessageKind.INVITATION) or not _may_ask(customer, mail):
        return
    _, program = current_settings(session, shop_id)
    # One invitation per referrer, ever: the key names the enrolment, not the order, so a
    # second order (or the first one replayed) queues nothing.
    event = f"enrolled:{customer.id}"
    first = now + timedelta(hours=program.invitation_delay_hours)
    queue_message(
        session,
        shop_id=shop_id,
        kind=MessageKind.INVITATION,
        to=customer.email,
        event_key=event,
        locale=customer.locale,
        context=invitation_context(customer, program),
        send_after=first,
        marketing=not mail.invitations_transactional,
    )
    if _switched_off(mail, MessageKind.REMINDER):
        return
    for number in range(1, program.reminders + 1):
        queue_message(
            session,
            shop_id=shop_id,
            kind=MessageKind.REMINDER,
            to=customer.email,
            event_key=f"{event}:reminder:{number}",
            locale=customer.locale,
            context={**invitation_context(customer, program), "reminder": number},
            send_after=first + timedelta(days=program.reminder_after_days * number),
            marketing=not mail.invitations_transactional,
        )


def invitation_context(customer: Customer, program: ProgramSettings) -> dict[str, Any]:
    """The friend's offer (the headline), whose link it is, and whether gifts are on."""
    offer = program.friend_offer
    return {
        "customer_id": customer.id,
        "discount_type": offer.discount_type.value,
        "discount_value": str(offer.value),
        "min_subtotal": str(offer.min_subtotal),
        "gifts_enabled": program.gifts_enabled,
    }


def queue_points_pending(session: Session, referral: Referral, points: int) -> None:
    """Tell the referrer a friend's order earned them points, pending the return window."""
    _queue_points(session, referral, MessageKind.POINTS_PENDING, f"earn:{referral.id}", points)


def queue_points_ready(session: Session, referral: Referral, points: int) -> None:
    """Tell the referrer their points from a friend's order can be spent now."""
    _queue_points(session, referral, MessageKind.POINTS_READY, f"approve:{referral.id}", points)


def still_wanted(session: Session, message: EmailMessage) -> bool:
    """Whether a due message should still go; the sender asks just before it sends.

    Invitations and reminders stop when the buyer withdrew consent (or was redacted) after
    they were queued; a reminder also stops once a friend has claimed through the link.
    """
    if message.kind not in ASKING_KINDS:
        return True
    customer_id = message.context.get("customer_id")
    customer = session.get(Customer, customer_id) if isinstance(customer_id, int) else None
    if customer is None or customer.redacted_at is not None:
        return False
    if not _may_ask(customer, mail_delivery.mail_settings_of(session, message.shop_id)):
        return False
    if message.kind is MessageKind.REMINDER:
        return not bool(session.scalar(select(exists().where(Referral.referrer_id == customer.id))))
    return True


def _queue_points(
    session: Session, referral: Referral, kind: MessageKind, event: str, points: int
) -> None:
    referrer = session.get(Customer, referral.referrer_id)
    if referrer is None or referrer.email is None or referrer.redacted_at is not None:
        return
    if _switched_off(mail_delivery.mail_settings_of(session, referral.shop_id), kind):
        return
    queue_message(
        session,
        shop_id=referral.shop_id,
        kind=kind,
        to=referrer.email,
        event_key=event,
        locale=referrer.locale,
        # The friend by referral id only: their first name, if the shop knows it, is read
        # when the message is written, and nothing else about them is ever shown.
        context={"customer_id": referrer.id, "referral_id": referral.id, "points": points},
    )


def _switched_off(mail: MailSettings, kind: MessageKind) -> bool:
    return kind.value in mail.disabled_kinds


def _may_ask(customer: Customer, mail: MailSettings) -> bool:
    return may_ask_to_share(
        ConsentRecord(customer.accepts_marketing, customer.marketing_consent_at),
        redacted=customer.redacted_at is not None,
        transactional=mail.invitations_transactional,
    )
