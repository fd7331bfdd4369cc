"""A shop's suppression list: addresses it must not write to, kept as keyed hashes.

The digest is the one redaction keeps (`core/suppression.py`) of the address's e-mail key, so
every spelling of one mailbox is one entry, and the entry outlives the person's redaction.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from passiton.core.identity import email_key
from passiton.core.models import EmailSuppression, SuppressionReason, utcnow
from passiton.core.services.inserts import insert_unless_present
from passiton.core.suppression import Identifier, hasher_of


def address_digest(session: Session, shop_id: int, address: str) -> str:
    """The keyed hash of the mailbox `address` reaches, in this shop."""
    mailbox = email_key(address) or address.strip().lower()
    return hasher_of(session).digest(shop_id, Identifier.EMAIL_KEY, mailbox)


def suppress_digest(session: Session, shop_id: int, digest: str, reason: SuppressionReason) -> bool:
    """Put a mailbox on the shop's list; False when it was on it already."""
    insert = insert_unless_present(
        session.get_bind().dialect.name, EmailSuppression.__table__, ["shop_id", "digest"]
    ).returning(EmailSuppression.id)
    added = session.scalar(
        insert,
        {"shop_id": shop_id, "digest": digest, "reason": reason, "created_at": utcnow()},
    )
    return added is not None


def suppress(session: Session, shop_id: int, address: str, reason: SuppressionReason) -> bool:
    """`suppress_digest` for an address."""
    return suppress_digest(session, shop_id, address_digest(session, shop_id, address), reason)


def suppression_of(session: Session, shop_id: int, address: str) -> SuppressionReason | None:
    """Why the shop must not write to `address`, or None when it may."""
    return digest_suppression(session, shop_id, address_digest(session, shop_id, address))


def digest_suppression(session: Session, shop_id: int, digest: str) -> SuppressionReason | None:
    """Why the shop must not write to the mailbox with this digest, or None when it may."""
    return session.scalar(
        select(EmailSuppression.reason).where(
            EmailSuppression.shop_id == shop_id, EmailSuppression.digest == digest
        )
    )
