"""The storefront widget page served through the Shopify app proxy.

The proxy route renders `widget.html` with `render_widget_page`, passing the same data that its
`widget.json` endpoint answers, so the first paint needs no script. The page's script then talks
to the proxy under `api_base`, the storefront path Shopify serves the proxy at (it differs per
shop, and the page may be shown with or without a trailing slash):

- `GET  {api_base}widget.json` → `WidgetData` as JSON (`customer` is null when nobody is logged in);
- `POST {api_base}redeem` with `{"points": int, "kind": "reward" | "gift", "idempotency_key": str}`
  → `WidgetRedemption`, or `{"error": {"code", "message"}}` with a 4xx.
"""

from __future__ import annotations

from typing import Any, TypedDict

from flask import Blueprint, render_template
from flask_babel import gettext

from passiton.app.web.refusals import refusal_texts

# Routes none: the widget is served by each platform's face; this blueprint carries its
# templates and script (`/static/widget/widget.js`).
bp = Blueprint(
    "widget",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static/widget",
)


class WidgetCustomer(TypedDict):
    first_name: str | None
    referral_code: str
    link: str
    points_pending: int
    points_available: int
    available_value: str
    """Money as a decimal string, in the shop's currency."""
    available_value_text: str
    """The same money as the reader's locale writes it ("15,00 €")."""


class WidgetHistoryLine(TypedDict):
    date: str
    """ISO 8601, in UTC."""
    date_text: str
    """The date in the shop's time zone, as the reader's locale writes dates."""
    description: str
    points: int


class WidgetReward(TypedDict):
    kind: str
    code: str
    amount: str
    amount_text: str
    status: str


class WidgetRedeemedCode(TypedDict):
    kind: str
    code: str
    amount: str
    amount_text: str
    currency: str
    status: str


class WidgetRedemption(TypedDict):
    reward: WidgetRedeemedCode


class WidgetData(TypedDict):
    shop_name: str
    currency: str
    friend_offer: str
    """The friend's discount as shoppers read it, e.g. "15%"."""
    min_redemption_points: int
    points_per_currency_unit: int
    unit_value_text: str
    """One unit of the shop's currency in the reader's locale ("1,00 €"), for the exchange rate."""
    gifts_enabled: bool
    milestones: list[str]
    """Each milestone tier in plain words: the bonus and how many friends' orders reach it."""
    login_url: str
    customer: WidgetCustomer | None
    history: list[WidgetHistoryLine]
    rewards: list[WidgetReward]


def render_widget_page(data: WidgetData, *, script_url: str, api_base: str) -> str:
    """The widget's HTML page; `script_url` is absolute, since the page is served from the store."""
    context: dict[str, Any] = {
        "w": data,
        "script_url": script_url,
        "api_base": api_base,
        "script_text": widget_script_text(),
    }
    return render_template("widget_document.html", **context)


def widget_script_text() -> dict[str, Any]:
    """The words widget.js writes, in the page's language; `%(name)s` is filled in by the script."""
    return {
        "copied": gettext("Link copied."),
        "min_points": gettext("Enter a whole number of at least %(points)s points."),
        "your_code": gettext("Your code: %(code)s (%(amount)s)"),
        "your_gift_code": gettext("Your gift code: %(code)s (%(amount)s)"),
        "a_gift": gettext("a gift"),
        "you": gettext("you"),
        "offline": gettext("No connection. Please try again."),
        "refusals": refusal_texts(),
    }
