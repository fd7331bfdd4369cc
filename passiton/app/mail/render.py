"""Rendering a message: one Jinja template per kind gives the subject, the HTML and the text.

The same content template is rendered twice, with the HTML parts (table layout, CSS inlined by
css-inline, a dark-mode block for the clients that honour it) and with the plain-text parts,
so the two bodies cannot say different things. Words come from the Babel catalogues in
`app/translations` in the recipient's language; money and dates are written by Babel for it.
No tracking pixel and no remote image: the messages read the same with images blocked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import css_inline
from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent
from babel.support import Translations
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from passiton.app.locales import LANGUAGES, parse_locale
from passiton.core.models import MessageKind
from passiton.core.program_settings import DiscountType

TEMPLATES = Path(__file__).parent / "templates"
TRANSLATIONS = Path(__file__).parent.parent / "translations"


@dataclass(frozen=True)
class Rendered:
    subject: str
    html: str
    text: str
    language: str


@dataclass(frozen=True)
class Frame:
    """What every message shows around its content: the store and the way out."""

    shop_name: str
    currency: str
    timezone: str
    brand_background: str
    brand_text: str
    cart_url: str | None
    unsubscribe_url: str | None


def choose_locale(*tags: str | None) -> Locale:
    """The first tag we have words for (recipient's, then shop's), else the first Babel knows."""
    known = [locale for locale in map(parse_locale, tags) if locale is not None]
    translated = [locale for locale in known if locale.language in LANGUAGES]
    return (translated or known or [Locale.parse("en")])[0]


class MailRenderer:
    """Renders messages; the Jinja environments and catalogues are built once per process."""

    def __init__(self) -> None:
        loader = FileSystemLoader(TEMPLATES)
        common: dict[str, Any] = {"trim_blocks": True, "lstrip_blocks": True}
        self._html = Environment(loader=loader, autoescape=True, **common)
        self._text = Environment(loader=loader, autoescape=False, **common)  # noqa: S701
        for env in (self._html, self._text):
            env.undefined = StrictUndefined
        self._inliner = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)

    def render(
        self, kind: MessageKind, context: Mapping[str, Any], frame: Frame, locale: Locale
    ) -> Rendered:
        """The message of `kind` for `context`, in `locale`."""
        values = _VIEWS[kind](context, frame, locale)
        translate = _translator(str(locale))
        shared: dict[str, Any] = {
            **values,
            "_": translate,
            "language": locale.language,
            "shop_name": frame.shop_name,
            "unsubscribe_url": frame.unsubscribe_url,
            "brand": {"background": frame.brand_background, "text": frame.brand_text},
        }
        name = f"{kind.value}.html"
        text_template = self._text.get_template(name)
        subject_context = text_template.new_context({**shared, "layout": "text/layout.html"})
        subject = " ".join("".join(text_template.blocks["subject"](subject_context)).split())
        text = text_template.render(
            **shared,
            subject=subject,
            layout="text/layout.html",
            p=self._text.get_template("text/parts.html").module,
        )
        html = self._html.get_template(name).render(
            **shared,
            subject=subject,
            layout="html/layout.html",
            p=self._html.get_template("html/parts.html").module,
        )
        return Rendered(
            subject=subject,
            html=self._inliner.inline(html),
            text=_tidy(text),
            language=locale.language,
        )


def _friend_code(context: Mapping[str, Any], frame: Frame, locale: Locale) -> dict[str, Any]:
    value = Decimal(str(context["discount_value"]))
    if context["discount_type"] == DiscountType.PERCENT.value:
        discount = format_percent(value / 100, "#,##0.##%", locale=locale)
    else:
        discount = format_currency(value, frame.currency, locale=locale)
    minimum = Decimal(str(context.get("min_subtotal") or "0"))
    expires = context.get("expires_at")
    points = context.get("reward_points")
    return {
        "code": context["code"],
        "referrer_name": context.get("referrer_name"),
        "discount": discount,
        "min_subtotal": format_currency(minimum, frame.currency, locale=locale)
        if minimum
        else None,
        "expires": _day(datetime.fromisoformat(expires), frame.timezone, locale)
        if expires
        else None,
        "cart_url": frame.cart_url,
        # Present only when the shop shows the referrer's reward to friends (claims.py).
        "reward_mode": context.get("reward_mode"),
        "reward_points": format_decimal(points, "#,##0", locale=locale) if points else None,
    }


def _test(context: Mapping[str, Any], frame: Frame, locale: Locale) -> dict[str, Any]:
    return {}


def _invitation(context: Mapping[str, Any], frame: Frame, locale: Locale) -> dict[str, Any]:
    offer = _friend_code({**context, "code": ""}, frame, locale)
    url = context.get("referral_url")
    _ = _translator(str(locale))
    # What the buyer's friend reads when the buyer shares: the friend's gain first.
    pitch = _(
        "Here is %(discount)s off your first order at %(shop)s:",
        discount=offer["discount"],
        shop=frame.shop_name,
    )
    message = f"{pitch} {url}"
    return {
        "discount": offer["discount"],
        "min_subtotal": offer["min_subtotal"],
        "gifts_enabled": bool(context.get("gifts_enabled")),
        "referral_url": url,
        # Share links that open the buyer's own apps, prefilled; no script, no tracking.
        "whatsapp_url": f"https://wa.me/?text={quote(message, safe='')}",
        "sms_url": f"sms:?&body={quote(message, safe='')}",
        "email_url": f"mailto:?subject={quote(frame.shop_name, safe='')}"
        f"&body={quote(message, safe='')}",
    }


def _points(context: Mapping[str, Any], frame: Frame, locale: Locale) -> dict[str, Any]:
    return {
        "points": format_decimal(int(context["points"]), "#,##0", locale=locale),
        # The friend's first name when the shop knows it; nothing else about them, ever.
        "friend_name": context.get("friend_name"),
        "referral_url": context.get("referral_url"),
    }


def _merchant_summary(context: Mapping[str, Any], frame: Frame, locale: Locale) -> dict[str, Any]:
    def number(key: str) -> str:
        return str(format_decimal(int(context[key]), "#,##0", locale=locale))

    return {
        "week": context["week"],
        "referrals": number("referrals"),
        "orders": number("orders"),
        "revenue": format_currency(Decimal(str(context["revenue"])), frame.currency, locale=locale),
        "points_outstanding": number("points_outstanding"),
        "in_review": int(context["in_review"]),
    }


_VIEWS: dict[MessageKind, Callable[[Mapping[str, Any], Frame, Locale], dict[str, Any]]] = {
    MessageKind.FRIEND_CODE: _friend_code,
    MessageKind.TEST: _test,
    MessageKind.INVITATION: _invitation,
    MessageKind.REMINDER: _invitation,
    MessageKind.POINTS_PENDING: _points,
    MessageKind.POINTS_READY: _points,
    MessageKind.MERCHANT_SUMMARY: _merchant_summary,
}


def renders(kind: MessageKind) -> bool:
    """Whether this version has a template for `kind` (the other kinds come with their triggers)."""
    return kind in _VIEWS


@lru_cache(maxsize=16)
def _translator(locale: str) -> Callable[..., str]:
    catalogue = Translations.load(str(TRANSLATIONS), [locale], domain="messages")

    def translate(message: str, **values: Any) -> str:
        # As Flask-Babel's gettext: %-formatting only when values are given.
        text = catalogue.gettext(message)
        return text % values if values else text

    return translate


def _day(moment: datetime, timezone: str, locale: Locale) -> str:
    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return str(format_date(moment.astimezone(zone), "long", locale=locale))


def _tidy(text: str) -> str:
    """At most one empty line in a row, and no trailing spaces: what a mail reader expects."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    tidy: list[str] = []
    for line in lines:
        if line or (tidy and tidy[-1]):
            tidy.append(line)
    return "\n".join(tidy) + "\n"
