"""Which e-mails each person of a sandbox story got, read from the outbox."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select

from passiton.app.runtime import Runtime
from passiton.core.models import EmailMessage


def last_message_id(runtime: Runtime) -> int:
    with runtime.db.sessions() as session:
        return int(session.scalar(select(func.max(EmailMessage.id))) or 0)


def mail_report(runtime: Runtime, after: int) -> list[str]:
    """One line per recipient: each message's kind and what became of it, oldest first."""
    with runtime.db.sessions() as session:
        rows = session.execute(
            select(EmailMessage.recipient, EmailMessage.kind, EmailMessage.status)
            .where(EmailMessage.id > after)
            .order_by(EmailMessage.id)
        ).all()
    got: dict[str, list[str]] = defaultdict(list)
    for recipient, kind, status in rows:
        got[recipient].append(f"{kind.value} ({status.value})")
    return [f"{who}: {', '.join(kinds)}" for who, kinds in got.items()]
