"""A buyer's referral link, owed to their customer record on the store once it exists.

On Shopify the link is written to the customer metafield `passiton.referral_url`, which the
merchant's own notification templates can show (the shipping confirmation: the order
confirmation is sent before any webhook reaches us). The row is written with the enrolment;
a task writes the metafield after the commit and the sweep re-finds what a lost task left.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from passiton.core.models import (
    Customer,
    LinkPublication,
    LinkPublicationStatus,
    Platform,
    Shop,
    ShopStatus,
    utcnow,
)
from passiton.core.ports import StoreShop
from passiton.core.services.inserts import DIALECTS, insert_unless_present
from passiton.core.services.outbound_hooks import link_created
from passiton.core.services.shops import store_shop

OWED_PUBLICATIONS = "passiton.owed_link_publications"
"""session.info key: publications written in the open transaction, to do after the commit."""
MAX_ATTEMPTS = 8
PUBLISHING_PLATFORMS = frozenset({Platform.SHOPIFY})
_INSERT = {
    dialect: insert_unless_present(dialect, LinkPublication.__table__, ["customer_id"]).returning(
        LinkPublication.id
    )
    for dialect in DIALECTS
}


def link_exists(session: Session, customer: Customer) -> None:
    """The buyer's link now exists: tell the merchant's tools, and owe it to the store."""
    link_created(session, customer)
    if not customer.platform_customer_id:
        return  # a guest: there is no customer record on the store to write to
    platform = session.scalar(select(Shop.platform).where(Shop.id == customer.shop_id))
    if platform not in PUBLISHING_PLATFORMS:
        return
    written = session.scalar(
        _INSERT[session.get_bind().dialect.name],
        {
            "shop_id": customer.shop_id,
            "customer_id": customer.id,
            "status": LinkPublicationStatus.OWED,
            "attempts": 0,
            "created_at": utcnow(),
        },
    )
    if written is not None:
        session.info.setdefault(OWED_PUBLICATIONS, set()).add(written)


def record_publication(
    session: Session, publication_id: int, *, published: bool, retryable: bool, error: str | None
) -> None:
    """What one attempt to write the link got."""
    publication = session.get(LinkPublication, publication_id, with_for_update=True)
    if publication is None or publication.status is not LinkPublicationStatus.OWED:
        return
    publication.attempts += 1
    publication.last_error = error[:500] if error else None
    if published:
        publication.status = LinkPublicationStatus.PUBLISHED
        publication.published_at = utcnow()
    elif not retryable or publication.attempts >= MAX_ATTEMPTS:
        publication.status = LinkPublicationStatus.FAILED


def owed_publications(session: Session, limit: int = 200) -> list[int]:
    """Links still owed to active stores, for the sweep."""
    return list(
        session.scalars(
            select(LinkPublication.id)
            .join(Shop, Shop.id == LinkPublication.shop_id)
            .where(
                LinkPublication.status == LinkPublicationStatus.OWED,
                Shop.status == ShopStatus.ACTIVE,
            )
            .order_by(LinkPublication.id)
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class OwedLink:
    """What writing one link to the store needs."""

    publication_id: int
    shop: StoreShop
    platform_customer_id: str
    referral_code: str


def owed_link(session: Session, publication_id: int) -> OwedLink | None:
    """The link still owed, or None (written, given up, shop gone, buyer redacted)."""
    publication = session.get(LinkPublication, publication_id)
    if publication is None or publication.status is not LinkPublicationStatus.OWED:
        return None
    shop = session.get(Shop, publication.shop_id)
    customer = session.get(Customer, publication.customer_id)
    if shop is None or shop.status is not ShopStatus.ACTIVE or customer is None:
        return None
    if customer.redacted_at is not None or not customer.platform_customer_id:
        return None
    return OwedLink(
        publication_id=publication.id,
        shop=store_shop(shop),
        platform_customer_id=customer.platform_customer_id,
        referral_code=customer.referral_code,
    )
