"""The merchant API's e-mail routes: what they answer and take, as pydantic models."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from passiton.app.web.merchant.api_shapes import Answer, Stamp
from passiton.core.models import MessageKind, MessageStatus
from passiton.core.services.mail_settings import MAX_SENDER_NAME, SWITCHABLE

# The checks themselves are the core's (`mail_settings.update_mail_settings`), which refuses
# with the API's error shape; these types say the same rules to API clients.
SwitchableKind = Annotated[str, WithJsonSchema({"enum": list(SWITCHABLE)})]
ReplyTo = Annotated[
    str,
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "maxLength": 0},
                {"type": "string", "format": "email", "maxLength": 254},
            ],
            "description": "An e-mail address, or empty for the store's contact address; "
            "addresses at special-use domains (.test, .invalid, .localhost) are refused",
        }
    ),
]
SenderName = Annotated[
    str,
    Field(max_length=MAX_SENDER_NAME),
    WithJsonSchema(
        {"type": "string", "maxLength": MAX_SENDER_NAME, "pattern": r"^[^\x00-\x1f\x7f]*$"}
    ),
]


class EmailView(Answer):
    id: int
    kind: MessageKind
    recipient: str
    status: MessageStatus
    attempts: int
    last_error: str | None
    created_at: Stamp
    send_after: Stamp
    sent_at: Stamp | None


class EmailPage(Answer):
    page: int
    per_page: int
    total: int
    emails: list[EmailView]


class EmailPreview(Answer):
    """An e-mail as its recipient reads it."""

    subject: str
    text: str
    html: str


class QueuedEmail(Answer):
    email: EmailView


class MailSettingsView(Answer):
    sender_name: SenderName
    reply_to: ReplyTo
    disabled_kinds: list[SwitchableKind]
    invitations_transactional: bool


class MailSettingsAnswer(Answer):
    settings: MailSettingsView


class MailSettingsBody(BaseModel):
    """A change to the mail settings: any subset of the fields."""

    model_config = ConfigDict(extra="forbid")

    sender_name: SenderName = ""
    reply_to: ReplyTo = ""
    disabled_kinds: list[SwitchableKind] = Field(default_factory=list)
    invitations_transactional: bool = False
