"""Where rendered messages go: an SMTP server, or `.eml` files when none is configured.

Failures are typed by what the sender should do: `TemporaryMailError` (a 4xx answer, a lost
connection, a refused login: try again later) or `PermanentMailError` (a 5xx answer about this
message: it will never be taken).
"""

from __future__ import annotations

import os
import smtplib
import ssl
import tempfile
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

from passiton.app.config import Settings

SMTP_TIMEOUT = 30.0
"""Seconds for each exchange with the server; the outbox lease is far longer."""


class MailError(Exception):
    """A transport did not take a message; the message says why, without its content."""


class TemporaryMailError(MailError):
    pass


class PermanentMailError(MailError):
    pass


class MailTransport(Protocol):
    """Hands one rendered message on; raises a MailError when it was not taken."""

    def send(self, message: EmailMessage) -> None: ...


@dataclass(frozen=True)
class SmtpEndpoint:
    host: str
    port: int
    implicit_tls: bool
    username: str | None
    password: str | None

    @classmethod
    def from_url(cls, url: str) -> SmtpEndpoint:
        """smtp://user:pass@host:587 (STARTTLS), smtps://host:465, smtp://host:25."""
        parts = urlsplit(url)
        implicit = parts.scheme == "smtps"
        return cls(
            host=parts.hostname or "localhost",
            port=parts.port or (465 if implicit else 25),
            implicit_tls=implicit,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )


class SmtpTransport:
    """One connection per message: simple, and a broken connection costs one message's retry."""

    def __init__(self, endpoint: SmtpEndpoint) -> None:
        self.endpoint = endpoint

    def send(self, message: EmailMessage) -> None:
        try:
            with self._connect() as smtp:
                refused = smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            raise _answer_error(*next(iter(error.recipients.values()))) from error
        except smtplib.SMTPAuthenticationError as error:
            # Wrong credentials are the operator's to fix, not this message's fault: keep it.
            raise TemporaryMailError(f"login refused: {error.smtp_code}") from error
        except smtplib.SMTPResponseException as error:
            raise _answer_error(error.smtp_code, error.smtp_error) from error
        except (smtplib.SMTPException, OSError) as error:
            # A reset, a timeout, a server that went away: the message may be tried again.
            raise TemporaryMailError(f"connection failed: {type(error).__name__}") from error
        if refused:
            raise _answer_error(*next(iter(refused.values())))

    def _connect(self) -> smtplib.SMTP:
        endpoint = self.endpoint
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if endpoint.implicit_tls:
            smtp = smtplib.SMTP_SSL(
                endpoint.host, endpoint.port, timeout=SMTP_TIMEOUT, context=context
            )
        else:
            smtp = smtplib.SMTP(endpoint.host, endpoint.port, timeout=SMTP_TIMEOUT)
            smtp.ehlo()
            # STARTTLS whenever the server offers it; a password is never sent in clear, so
            # a server that does not offer it is only usable without credentials (a relay).
            if smtp.has_extn("starttls"):
                smtp.starttls(context=context)
                smtp.ehlo()
            elif endpoint.username:
                smtp.close()
                raise TemporaryMailError("the server offers no STARTTLS; not sending a password")
        if endpoint.username:
            smtp.login(endpoint.username, endpoint.password or "")
        return smtp


def _answer_error(code: int, text: bytes | str) -> MailError:
    reason = text.decode(errors="replace") if isinstance(text, bytes) else text
    described = f"{code} {reason}".strip()
    return TemporaryMailError(described) if 400 <= code < 500 else PermanentMailError(described)


class OutboxDirectory:
    """The embedded default: each message is written as `<Message-ID>.eml` under a folder.

    Nothing is dropped when no SMTP server is configured: the files can be opened in any mail
    program, and the merchant's E-mails page shows the same messages. Writing the same message
    again replaces its file, so a repeated attempt leaves one copy.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = str(message["Message-ID"]).strip("<>").replace("/", "_")
        # The files hold addresses: readable by their owner only, and written whole or not.
        fd, temporary = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".eml")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(message.as_bytes())
            os.replace(temporary, self.folder / f"{name}.eml")
        except OSError as error:
            Path(temporary).unlink(missing_ok=True)
            raise TemporaryMailError(f"could not write the outbox file: {error}") from error


def transport_for(settings: Settings) -> MailTransport:
    """SMTP when PASSITON_SMTP_URL is set, else the `.eml` folder under PASSITON_VAR_DIR."""
    if settings.smtp_url:
        return SmtpTransport(SmtpEndpoint.from_url(settings.smtp_url))
    return OutboxDirectory(settings.var_dir / "outbox")
