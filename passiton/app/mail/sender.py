"""Sending one owed message: claim and commit, hand it to the transport, commit the result.

No SMTP call happens inside a database transaction (`core/services/mail_delivery.py`).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from passiton.app.database import Database
from passiton.app.mail.compose import MessageComposer
from passiton.app.mail.transport import MailTransport, PermanentMailError, TemporaryMailError
from passiton.core.models import MessageStatus
from passiton.core.services import mail_delivery

log = logging.getLogger(__name__)


class MailSender:
    def __init__(self, db: Database, transport: MailTransport, composer: MessageComposer) -> None:
        self.db = db
        self.transport = transport
        self.composer = composer

    def send(self, message_id: int, now: datetime | None = None) -> MessageStatus | None:
        """Send the message if it is due and not taken; its new status, or None if not taken."""
        moment = now or datetime.now(UTC)
        with self.db.transaction() as session:
            message = mail_delivery.claim_message(session, message_id, moment)
            if message is None:
                return None
            # Rendered while the claim is being written: a template that fails rolls the
            # claim back with it, and the message stays queued.
            mime = self.composer.compose(session, message)
            shop_id = message.shop_id
        try:
            self.transport.send(mime)
        except TemporaryMailError as error:
            reason = str(error)
            log.warning("message %s of shop %s not taken yet: %s", message_id, shop_id, reason)
            return self.db.run(
                lambda s: mail_delivery.record_temporary_failure(s, message_id, moment, reason)
            )
        except PermanentMailError as error:
            reason = str(error)
            log.warning("message %s of shop %s refused: %s", message_id, shop_id, reason)
            self.db.run(lambda s: mail_delivery.record_permanent_failure(s, message_id, reason))
            return MessageStatus.FAILED
        self.db.run(lambda s: mail_delivery.record_sent(s, message_id, datetime.now(UTC)))
        return MessageStatus.SENT
