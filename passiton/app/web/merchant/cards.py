"""`GET /api/cards/<customer_id>`: a card for the parcel, printed with the packing slip.

An HTML page with a print stylesheet, one A6 page: the buyer's QR code (its link says
`ch=card`), the friend's offer, and the store's name and colour. A page rather than a PDF
library: the browser that prints the packing slip prints it as it is shown, and the QR code is
vector (SVG) so it stays sharp at any printer's resolution. The merchant opens it with their
login or an API key; the card is in the shop's language, since the buyer reads it.
"""

from __future__ import annotations

from flask import Blueprint, g, render_template
from flask.typing import ResponseReturnValue
from flask_babel import format_percent, gettext
from markupsafe import Markup

from passiton.app.web.current import current_runtime
from passiton.app.web.http_errors import error_response
from passiton.app.web.i18n import money, use_locale
from passiton.app.web.merchant.api_params import MAX_ID
from passiton.app.web.merchant.auth import merchant_required
from passiton.app.web.share_links import qr_svg, share_link
from passiton.core.channels import ShareChannel
from passiton.core.models import Customer
from passiton.core.program_settings import DiscountType, ProgramSettings
from passiton.core.services.shops import current_settings, get_shop

bp = Blueprint("cards", __name__, template_folder="templates")


def _offer(settings: ProgramSettings, currency: str) -> str:
    value = settings.friend_discount_value
    if settings.friend_discount_type is DiscountType.PERCENT:
        return str(format_percent(value / 100, "#,##0.##%"))
    return money(value, currency)


@bp.get(f"/cards/<int(max={MAX_ID}):customer_id>")
@merchant_required
def card(customer_id: int) -> ResponseReturnValue:
    with current_runtime().db.sessions() as session:
        customer = session.get(Customer, customer_id)
        # Another shop's customer is as unknown here as one that does not exist.
        if customer is None or customer.shop_id != g.shop_id:
            return error_response(404, "not_found", "no such customer in this shop")
        shop = get_shop(session, g.shop_id)
        _, settings = current_settings(session, g.shop_id)
        code, name, currency, locale = customer.referral_code, shop.name, shop.currency, shop.locale
    use_locale(locale)
    link = share_link(current_runtime().settings.app_url, code, ShareChannel.CARD)
    qr = qr_svg(link, title=gettext("QR code of your referral link"), scale=4)
    page = render_template(
        "card.html",
        shop_name=name,
        colour=settings.brand_color,
        offer=_offer(settings, currency),
        code=code,
        # segno's own SVG, of a link we built: nothing in it comes from the request.
        qr=Markup(qr),  # noqa: S704
    )
    return page, 200, {"Cache-Control": "private, no-store"}
