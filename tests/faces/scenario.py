"""Builders for the faces tests: shops with keys, referrers, claims and friends' orders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from passiton.app.runtime import Runtime
from passiton.app.web.merchant.api_keys import create_api_key
from passiton.core.events import OrderState
from passiton.core.models import Platform
from passiton.core.services.claims import claim_friend_code
from passiton.core.services.enrolment import Buyer, enrol
from passiton.core.services.friend_pool import fill_pool
from passiton.core.services.orders import handle_order
from passiton.core.services.shops import install_shop


@dataclass(frozen=True)
class ShopAccess:
    shop_id: int
    key: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}


def shop_with_key(
    runtime: Runtime, domain: str, platform: Platform = Platform.FAKE, name: str = ""
) -> ShopAccess:
    """An installed shop with a filled friend-code pool and one API key."""

    def install(session: Session) -> ShopAccess:
        shop = install_shop(session, platform=platform, domain=domain, name=name)
        return ShopAccess(shop.id, create_api_key(session, shop.id, "tests"))

    access = runtime.db.run(install)
    fill_pool(runtime.db.sessions, runtime.stores, access.shop_id)
    return access


def referrer(
    runtime: Runtime, shop_id: int, email: str, first_name: str, shipping: str | None = None
) -> str:
    """Enrol a buyer and return their referral code."""

    def work(session: Session) -> str:
        customer = enrol(
            session,
            shop_id,
            Buyer(customer_id=None, email=email, first_name=first_name, shipping_key=shipping),
        )
        assert customer is not None
        return customer.referral_code

    return runtime.db.run(work)


def claim(runtime: Runtime, shop_id: int, code: str, friend_email: str) -> str:
    """A friend claims a code through `code`; returns the friend's single-use code."""
    return runtime.db.run(lambda s: claim_friend_code(s, shop_id, code, friend_email)).code


def friend_orders(
    runtime: Runtime,
    shop_id: int,
    order_id: str,
    friend_email: str,
    friend_code: str,
    subtotal: str,
    *,
    shipping: str | None = None,
    now: datetime | None = None,
) -> None:
    """The friend pays an order with their code."""
    amount = Decimal(subtotal)
    when = now or datetime.now(UTC)
    state = OrderState(
        order_id=order_id,
        updated_at=when,
        customer_id=None,
        email=friend_email,
        first_name=None,
        currency="USD",
        total=amount,
        subtotal=amount,
        paid=True,
        cancelled=False,
        codes=(friend_code,),
        shipping_key=shipping,
    )
    runtime.db.run(lambda s: handle_order(s, shop_id, state, when))


def converted_referral(
    runtime: Runtime, shop_id: int, code: str, friend_email: str, order_id: str, subtotal: str
) -> None:
    """A friend claims through `code` and pays an order: a pending referral."""
    friend_code = claim(runtime, shop_id, code, friend_email)
    friend_orders(runtime, shop_id, order_id, friend_email, friend_code, subtotal)
