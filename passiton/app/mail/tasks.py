"""The mail tasks on Huey: send one message, and the sweep that finds every due one.

The outbox rows say what is owed; the tasks only carry ids. A lost task costs a minute (the
sweep finds the message), a duplicated one nothing (the claim lets one sender take it).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from huey import crontab

from passiton.app.mail.compose import MessageComposer
from passiton.app.mail.sender import MailSender
from passiton.app.mail.transport import MailTransport, transport_for
from passiton.core.models import MessageStatus
from passiton.core.services import mail_delivery

if TYPE_CHECKING:
    from passiton.app.runtime import Runtime

SWEEP_BATCH = 500


@dataclass(frozen=True)
class MailTasks:
    send: Any
    sweep: Any


def install_mail(runtime: Runtime, transport: MailTransport | None = None) -> MailSender:
    """The sender on the runtime's transport, and its tasks registered on the runtime's queue."""
    sender = MailSender(
        runtime.db, transport or transport_for(runtime.settings), MessageComposer(runtime.settings)
    )
    huey = runtime.huey

    @huey.task(name="send_mail")
    def send_mail(message_id: int) -> str:
        status = sender.send(message_id)
        if status is MessageStatus.QUEUED:
            # A temporary failure: the row holds when to try again; the task is only faster
            # than the sweep would be.
            with runtime.db.sessions() as session:
                due = mail_delivery.next_attempt_of(session, message_id)
            if due is not None:
                delay = max((due - datetime.now(UTC)).total_seconds(), 0.0)
                send_mail.schedule(args=(message_id,), delay=delay)
        return status.value if status is not None else ""

    @huey.periodic_task(crontab(minute="*"), name="sweep_mail")
    def sweep_mail() -> int:
        # Every minute rather than with the five-minute sweep of store work: a message delayed
        # (send_after) or retried is due at a moment of its own, and this query is one index
        # range scan (ix_email_messages_due).
        with runtime.db.transaction() as session:
            due = mail_delivery.due_messages(session, datetime.now(UTC), SWEEP_BATCH)
        for message_id in due:
            send_mail(message_id)
        return len(due)

    runtime.mail = sender
    runtime.tasks = replace(runtime.tasks, send_mail=send_mail, sweep_mail=sweep_mail)
    return sender
