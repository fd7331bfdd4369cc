"""A shop's mail settings: sender name, reply-to, which messages are on, the transactional flag."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from passiton.core.errors import InvalidSettings
from passiton.core.identity import is_plausible_email
from passiton.core.models import MailSettings, MessageKind, utcnow
from passiton.core.services.mail_delivery import mail_settings_of

SWITCHABLE = tuple(kind.value for kind in MessageKind if kind is not MessageKind.TEST)
"""The kinds a merchant may switch off; the test message is always sent when asked for."""
MAX_SENDER_NAME = 100
FIELDS = ("sender_name", "reply_to", "disabled_kinds", "invitations_transactional")


def mail_settings_json(settings: MailSettings) -> dict[str, Any]:
    return {
        "sender_name": settings.sender_name,
        "reply_to": settings.reply_to,
        "disabled_kinds": sorted(settings.disabled_kinds),
        "invitations_transactional": settings.invitations_transactional,
    }


def update_mail_settings(session: Session, shop_id: int, changes: Any) -> MailSettings:
    """Apply a (partial) change; the first invalid field is refused by name, and nothing saved."""
    if not isinstance(changes, dict):
        raise InvalidSettings("settings must be an object")
    unknown = [name for name in changes if name not in FIELDS]
    if unknown:
        raise InvalidSettings(f"unknown setting '{unknown[0]}'", field=str(unknown[0]))
    values = mail_settings_json(mail_settings_of(session, shop_id)) | _checked(changes)
    settings = session.get(MailSettings, shop_id)
    if settings is None:
        settings = MailSettings(shop_id=shop_id, overrides={})
        session.add(settings)
    settings.sender_name = values["sender_name"]
    settings.reply_to = values["reply_to"]
    settings.disabled_kinds = values["disabled_kinds"]
    settings.invitations_transactional = values["invitations_transactional"]
    settings.updated_at = utcnow()
    return settings


def _checked(changes: dict[str, Any]) -> dict[str, Any]:
    checked: dict[str, Any] = {}
    if "sender_name" in changes:
        name = changes["sender_name"]
        if not isinstance(name, str) or len(name) > MAX_SENDER_NAME or _has_controls(name):
            raise InvalidSettings(
                f"sender_name must be text of at most {MAX_SENDER_NAME} characters",
                field="sender_name",
            )
        checked["sender_name"] = name.strip()
    if "reply_to" in changes:
        address = changes["reply_to"]
        if not isinstance(address, str) or (address.strip() and not is_plausible_email(address)):
            raise InvalidSettings("reply_to must be an e-mail address or empty", field="reply_to")
        checked["reply_to"] = address.strip()
    if "disabled_kinds" in changes:
        kinds = changes["disabled_kinds"]
        if not isinstance(kinds, list) or not all(k in SWITCHABLE for k in kinds):
            raise InvalidSettings(
                f"disabled_kinds must be a list of: {', '.join(SWITCHABLE)}",
                field="disabled_kinds",
            )
        checked["disabled_kinds"] = sorted(set(kinds))
    if "invitations_transactional" in changes:
        flag = changes["invitations_transactional"]
        if not isinstance(flag, bool):
            raise InvalidSettings(
                "invitations_transactional must be true or false",
                field="invitations_transactional",
            )
        checked["invitations_transactional"] = flag
    return checked


def _has_controls(text: str) -> bool:
    # A header value with a line break would start a new header (header injection).
    return any(ord(c) < 32 or ord(c) == 127 for c in text)
