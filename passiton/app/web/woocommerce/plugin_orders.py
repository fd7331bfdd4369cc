"""The companion plugin's order call: the buyer's link for the thank-you page and order e-mails.

WooCommerce sends the customer's *processing* e-mail during the payment request itself, and
shows the thank-you page right after it, both before any webhook has reached Passiton (webhooks
go out from WP-Cron, minutes later on a quiet store). So the plugin asks here, signed with the
store's plugin key, and the buyer is enrolled on demand from the order it names.

The order is taken on the signed plugin's word rather than read back through the store's REST
API: the plugin runs on the store's own server and reads the order from the store's own
database, and only that server holds the plugin key. Calling the store back from here would
make the store's payment request wait on a second request to the same store (a store with one
PHP worker would deadlock, as the wc-auth callback would) and could not fit in the few seconds
the plugin waits. Nothing is credited on this word: enrolment only gives the buyer a referral
code; points still come from the order's webhook or reconciliation, which read the store.
The webhook later enrols the same buyer by the same customer id or e-mail, so it finds this
record instead of making a second one (unique per shop, see `enrol`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, Response, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session

from passiton.app.web.current import current_runtime
from passiton.app.web.http_errors import error_response
from passiton.app.web.i18n import use_locale
from passiton.app.web.widget.data import widget_data
from passiton.app.web.woocommerce.routes import buyer_of, customer_json, signed_plugin_call
from passiton.connectors.woocommerce.orders import PAID_STATUSES, gmt_datetime, platform_id
from passiton.core.errors import UnknownCustomer
from passiton.core.identity import email_key
from passiton.core.models import Shop
from passiton.core.ports import MalformedPayload
from passiton.core.services.enrolment import enrol
from passiton.core.services.redactions import redacted_at
from passiton.core.services.shop_facts import normalise_locale
from passiton.core.services.shops import current_settings

bp = Blueprint("woocommerce_plugin_orders", __name__)
# Refunded orders were paid, but a buyer whose order is already refunded is not asked to refer.
ASKING_STATUSES = PAID_STATUSES - {"refunded"}


@bp.post("/woocommerce/plugin/order")
def plugin_order() -> ResponseReturnValue:
    """The buyer of a paid order, enrolled now if the webhook has not come yet: link and offer."""
    signed = signed_plugin_call()
    if isinstance(signed, Response):
        return signed
    shop_id, body = signed
    try:
        platform_id(body.get("order_id"), "order_id")
        created = _created_at(body.get("created_at"))
    except MalformedPayload as error:
        return error_response(422, "invalid_order", str(error))
    if body.get("status") not in ASKING_STATUSES:
        return error_response(409, "order_not_paid", "the order is not paid yet")
    raw_locale = body.get("locale")
    order_locale = normalise_locale(raw_locale[:35]) if isinstance(raw_locale, str) else None
    buyer = buyer_of(body, locale=order_locale)
    app_url = current_runtime().settings.app_url

    def work(session: Session) -> dict[str, Any]:
        erased = redacted_at(session, shop_id, buyer.customer_id, email_key(buyer.email))
        # An e-mail re-sent for an order placed before its buyer was erased must not bring
        # them back; a newer order is a new relationship, as `unless_redacted` has it.
        if erased is not None and (created is None or created <= erased):
            raise UnknownCustomer("no such referrer in this store")
        customer = enrol(session, shop_id, buyer)
        if customer is None:
            raise UnknownCustomer("the order names no customer id and no e-mail")
        shop = session.get(Shop, shop_id)
        assert shop is not None  # the signed call found it active
        use_locale(customer.locale, shop.locale)
        _, settings = current_settings(session, shop_id)
        data = widget_data(session, shop, settings, customer, app_url=app_url, login_url="")
        return {**customer_json(data, settings), "shop_name": data["shop_name"]}

    return jsonify(current_runtime().db.run(work))


def _created_at(raw: object) -> datetime | None:
    # `date_created_gmt` as the REST API writes it; the plugin omits it when it has none.
    return None if raw in (None, "") else gmt_datetime(raw)
