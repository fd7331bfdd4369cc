"""From an outbox row to a MIME message: headers, the text part and the HTML part."""

from __future__ import annotations

from email.message import EmailMessage as MimeMessage
from email.utils import format_datetime, formataddr, parseaddr
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from passiton.app.brand import brand_for
from passiton.app.config import Settings
from passiton.app.mail.render import Frame, MailRenderer, Rendered, choose_locale
from passiton.app.mail.unsubscribe_tokens import UnsubscribeTokens
from passiton.app.storefront_links import store_url_with_code
from passiton.core.models import Customer, EmailMessage, Referral, Shop, utcnow
from passiton.core.services.mail_delivery import mail_settings_of
from passiton.core.services.mail_suppression import address_digest
from passiton.core.services.shops import current_settings


class MessageComposer:
    """Renders outbox rows for sending and for the merchant's preview."""

    def __init__(self, settings: Settings, renderer: MailRenderer | None = None) -> None:
        self.settings = settings
        self.renderer = renderer or MailRenderer()
        self.tokens = UnsubscribeTokens(settings.secret_key)
        self.sender_address = parseaddr(settings.mail_from)[1]
        self.domain = self.sender_address.rpartition("@")[2] or "localhost"

    def unsubscribe_url(self, session: Session, message: EmailMessage) -> str:
        digest = address_digest(session, message.shop_id, message.recipient)
        token = self.tokens.token(message.shop_id, digest)
        return f"{self.settings.app_url}/unsubscribe/{token}"

    def render(self, session: Session, message: EmailMessage) -> Rendered:
        """The message's words in the recipient's language (else the shop's)."""
        shop = session.get_one(Shop, message.shop_id)
        _, program = current_settings(session, shop.id)
        brand = brand_for(program)
        code = message.context.get("code")
        frame = Frame(
            shop_name=shop.name or shop.domain,
            currency=shop.currency,
            timezone=shop.timezone,
            brand_background=brand.background,
            brand_text=brand.text,
            cart_url=store_url_with_code(shop, code) if isinstance(code, str) else None,
            unsubscribe_url=self.unsubscribe_url(session, message),
        )
        locale = choose_locale(message.locale, shop.locale)
        context = _with_names(session, message, self.settings.app_url)
        return self.renderer.render(message.kind, context, frame, locale)

    def compose(self, session: Session, message: EmailMessage) -> MimeMessage:
        """The MIME message, with the same Message-ID on every attempt."""
        shop = session.get_one(Shop, message.shop_id)
        mail = mail_settings_of(session, shop.id)
        rendered = self.render(session, message)
        mime = MimeMessage()
        mime["From"] = formataddr(
            (mail.sender_name or shop.name or shop.domain, self.sender_address)
        )
        mime["To"] = message.recipient
        reply_to = mail.reply_to or shop.contact_email
        if reply_to:
            mime["Reply-To"] = reply_to
        mime["Subject"] = rendered.subject
        mime["Date"] = format_datetime(utcnow())
        mime["Message-ID"] = f"<{message.message_id}@{self.domain}>"
        # RFC 8058 one-click unsubscribe: the mail client POSTs List-Unsubscribe=One-Click to
        # the https URL, without the recipient visiting a page. No mailto: alternative, as no
        # mailbox of ours reads unsubscribe requests.
        mime["List-Unsubscribe"] = f"<{self.unsubscribe_url(session, message)}>"
        mime["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        mime.set_content(rendered.text)
        mime.add_alternative(rendered.html, subtype="html")
        # After the parts: setting the content replaces every Content-* header.
        mime["Content-Language"] = rendered.language
        return mime


def _with_names(session: Session, message: EmailMessage, app_url: str) -> dict[str, Any]:
    """The context with the people it names by id looked up (None once they are redacted)."""
    context = dict(message.context)
    referrer_id = context.get("referrer_id")
    if isinstance(referrer_id, int):
        referrer = session.get(Customer, referrer_id)
        context["referrer_name"] = referrer.first_name if referrer is not None else None
    customer_id = context.get("customer_id")
    if isinstance(customer_id, int):
        # The referrer's own messages: their link, read now (a redaction changes the code).
        customer = session.get(Customer, customer_id)
        live = customer is not None and customer.redacted_at is None
        context["referral_url"] = (
            f"{app_url}/r/{customer.referral_code}" if customer is not None and live else None
        )
    referral_id = context.get("referral_id")
    if isinstance(referral_id, int):
        context["friend_name"] = friend_first_name(session, referral_id)
    return context


def friend_first_name(session: Session, referral_id: int) -> str | None:
    """The referred friend's first name when they became a known customer; else None."""
    referral = session.get(Referral, referral_id)
    if referral is None:
        return None
    who = []
    if referral.friend_customer_id:
        who.append(Customer.platform_customer_id == referral.friend_customer_id)
    if referral.friend_email_key:
        who.append(Customer.email_key == referral.friend_email_key)
    if not who:
        return None
    friend = session.scalar(
        select(Customer).where(
            Customer.shop_id == referral.shop_id, Customer.redacted_at.is_(None), or_(*who)
        )
    )
    return friend.first_name if friend is not None else None
