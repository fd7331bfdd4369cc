"""The operator's check of the mail set-up: one test message, outside any shop's outbox."""

from __future__ import annotations

import uuid
from email.message import EmailMessage as MimeMessage
from email.utils import format_datetime, parseaddr

from babel import Locale

from passiton.app.config import Settings
from passiton.app.mail.render import Frame, MailRenderer
from passiton.app.mail.transport import OutboxDirectory, SmtpTransport, transport_for
from passiton.core.models import MessageKind, utcnow


def operator_test_message(settings: Settings, to: str) -> MimeMessage:
    """A test message from PASSITON_MAIL_FROM to `to`, rendered like every other message."""
    frame = Frame(
        shop_name="Passiton",
        currency="USD",
        timezone="UTC",
        brand_background="#1f5199",
        brand_text="#ffffff",
        cart_url=None,
        unsubscribe_url=None,
    )
    rendered = MailRenderer().render(MessageKind.TEST, {}, frame, Locale.parse("en"))
    domain = parseaddr(settings.mail_from)[1].rpartition("@")[2] or "localhost"
    mime = MimeMessage()
    mime["From"] = settings.mail_from
    mime["To"] = to
    mime["Subject"] = rendered.subject
    mime["Date"] = format_datetime(utcnow())
    mime["Message-ID"] = f"<{uuid.uuid4().hex}@{domain}>"
    mime.set_content(rendered.text)
    mime.add_alternative(rendered.html, subtype="html")
    return mime


def send_operator_test(settings: Settings, to: str) -> str:
    """Send the test message through the configured transport; where it went, for the operator.

    Raises the transport's MailError when it was not taken.
    """
    transport = transport_for(settings)
    transport.send(operator_test_message(settings, to))
    if isinstance(transport, SmtpTransport):
        endpoint = transport.endpoint
        return f"sent to {to} through {endpoint.host}:{endpoint.port}"
    assert isinstance(transport, OutboxDirectory)
    return f"written to {transport.folder} (no PASSITON_SMTP_URL set)"
