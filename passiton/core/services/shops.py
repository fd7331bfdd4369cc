"""Installing, configuring and uninstalling shops."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from passiton.core.errors import UnknownShop
from passiton.core.models import (
    FriendCode,
    FriendCodeStatus,
    FriendOffer,
    Platform,
    ProgramSettingsVersion,
    Shop,
    ShopStatus,
    utcnow,
)
from passiton.core.ports import StoreShop
from passiton.core.program_settings import (
    FriendOfferSpec,
    ProgramSettings,
    parse_settings,
    settings_from_json,
)


def install_shop(
    session: Session,
    *,
    platform: Platform,
    domain: str,
    name: str = "",
    currency: str = "USD",
    now: datetime | None = None,
) -> Shop:
    """Create the shop, or revive it after an uninstall; give it default settings and an offer."""
    shop = session.scalar(select(Shop).where(Shop.platform == platform, Shop.domain == domain))
    if shop is None:
        shop = Shop(platform=platform, domain=domain, name=name or domain, currency=currency)
        session.add(shop)
        session.flush()
    else:
        shop.status = ShopStatus.ACTIVE
        shop.uninstalled_at = None
        shop.installed_at = now or utcnow()
        if name:
            shop.name = name
        shop.currency = currency or shop.currency
    if _latest_settings_row(session, shop.id) is None:
        defaults = ProgramSettings()
        session.add(ProgramSettingsVersion(shop_id=shop.id, version=1, data=defaults.to_json()))
        session.add(
            FriendOffer(
                shop_id=shop.id, settings_version=1, spec=_offer_json(defaults.friend_offer)
            )
        )
        session.flush()
    return shop


def get_shop(session: Session, shop_id: int) -> Shop:
    shop = session.get(Shop, shop_id)
    if shop is None:
        raise UnknownShop(f"no shop with id {shop_id}")
    return shop


def find_shop(session: Session, platform: Platform, domain: str) -> Shop | None:
    return session.scalar(select(Shop).where(Shop.platform == platform, Shop.domain == domain))


def find_shop_id(session: Session, platform: Platform, domain: str) -> int | None:
    """The shop's id alone: webhook verification needs no more, on every delivery."""
    return session.scalar(select(Shop.id).where(Shop.platform == platform, Shop.domain == domain))


def store_shop(shop: Shop) -> StoreShop:
    return StoreShop(
        shop_id=shop.id, platform=shop.platform.value, domain=shop.domain, currency=shop.currency
    )


def current_settings(session: Session, shop_id: int) -> tuple[int, ProgramSettings]:
    row = _latest_settings_row(session, shop_id)
    if row is None:
        raise UnknownShop(f"no shop with id {shop_id}")
    return row.version, settings_from_json(row.data)


def settings_at(session: Session, shop_id: int, version: int) -> ProgramSettings:
    """The settings a referral was made under: changes apply to new referrals only."""
    row = session.scalar(
        select(ProgramSettingsVersion).where(
            ProgramSettingsVersion.shop_id == shop_id, ProgramSettingsVersion.version == version
        )
    )
    if row is None:
        return current_settings(session, shop_id)[1]
    return settings_from_json(row.data)


def update_settings(
    session: Session, shop_id: int, changes: dict[str, object]
) -> tuple[int, ProgramSettings]:
    """Validate and store a new settings version; a new friend offer retires the old pool."""
    get_shop(session, shop_id)
    version, current = current_settings(session, shop_id)
    updated = parse_settings(dict(changes), current)
    if updated == current:
        return version, current
    new_version = version + 1
    session.add(
        ProgramSettingsVersion(shop_id=shop_id, version=new_version, data=updated.to_json())
    )
    if updated.friend_offer != current.friend_offer:
        _replace_offer(session, shop_id, new_version, updated.friend_offer)
    session.flush()
    return new_version, updated


def current_offer(session: Session, shop_id: int) -> FriendOffer:
    offer = session.scalar(
        select(FriendOffer)
        .where(FriendOffer.shop_id == shop_id, FriendOffer.active.is_(True))
        .order_by(FriendOffer.id.desc())
        .limit(1)
    )
    if offer is None:
        raise UnknownShop(f"shop {shop_id} has no friend offer")
    return offer


def offer_spec(offer: FriendOffer) -> FriendOfferSpec:
    return settings_from_json(
        {
            "friend_discount_type": offer.spec["discount_type"],
            "friend_discount_value": offer.spec["value"],
            "friend_min_subtotal": offer.spec["min_subtotal"],
            "friend_code_expiry_days": offer.spec["expiry_days"],
        }
    ).friend_offer


def uninstall_shop(session: Session, shop_id: int, now: datetime | None = None) -> None:
    """Stop calling the store at once; the data stays until the shop asks for redaction."""
    shop = session.get(Shop, shop_id)
    if shop is None or shop.status is ShopStatus.UNINSTALLED:
        return
    shop.status = ShopStatus.UNINSTALLED
    shop.uninstalled_at = now or utcnow()
    shop.credentials = None


def _replace_offer(session: Session, shop_id: int, version: int, spec: FriendOfferSpec) -> None:
    old = current_offer(session, shop_id)
    old.active = False
    session.execute(
        update(FriendCode)
        .where(
            FriendCode.offer_id == old.id,
            FriendCode.status.in_([FriendCodeStatus.AVAILABLE, FriendCodeStatus.OWED]),
        )
        .values(status=FriendCodeStatus.RETIRING)
        .execution_options(synchronize_session=False)
    )
    session.add(FriendOffer(shop_id=shop_id, settings_version=version, spec=_offer_json(spec)))


def _latest_settings_row(session: Session, shop_id: int) -> ProgramSettingsVersion | None:
    return session.scalar(
        select(ProgramSettingsVersion)
        .where(ProgramSettingsVersion.shop_id == shop_id)
        .order_by(ProgramSettingsVersion.version.desc())
        .limit(1)
    )


def _offer_json(spec: FriendOfferSpec) -> dict[str, object]:
    return {
        "discount_type": spec.discount_type.value,
        "value": str(spec.value),
        "min_subtotal": str(spec.min_subtotal),
        "expiry_days": spec.expiry_days,
    }
