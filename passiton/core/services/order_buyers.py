"""An order's buyer as enrolment knows them, and enrolling them before the order's webhook.

The checkout's thank-you page asks for the buyer's link before `orders/paid` has arrived. The
record made then must be the one the webhook finds later, so both build the buyer from the
order in one way: the platform customer id and the e-mail key that `enrolment.find_customer`
looks up, and the same shipping, phone and language.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from passiton.core.events import OrderState
from passiton.core.identity import phone_key
from passiton.core.models import Customer
from passiton.core.services.enrolment import Buyer, enrol
from passiton.core.services.redactions import unless_redacted
from passiton.core.services.shop_facts import normalise_locale


def buyer_of_order(state: OrderState) -> Buyer:
    """Who placed the order, for enrolment."""
    return Buyer(
        customer_id=state.customer_id,
        email=state.email,
        first_name=state.first_name,
        shipping_key=state.shipping_key,
        phone_key=phone_key(state.phone),
        locale=normalise_locale(state.locale),
    )


def enrol_order_buyer(session: Session, shop_id: int, state: OrderState) -> Customer | None:
    """The buyer's referrer record, made now if need be; None for a cancelled or nameless order.

    Nothing is written to the ledger or the order records: the order's own webhook (or
    reconciliation) still applies the order, and finds this record by customer id or e-mail.
    """
    state = unless_redacted(session, shop_id, state)
    if state.cancelled:
        return None
    return enrol(session, shop_id, buyer_of_order(state))
