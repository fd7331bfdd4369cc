"""A public referral link `/r/<code>`: who it belongs to and the shop's current settings."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, aliased

from passiton.core.codes import canonical, looks_like_code
from passiton.core.models import Customer, ProgramSettingsVersion, Shop, ShopStatus
from passiton.core.program_settings import ProgramSettings, settings_from_json


@dataclass(frozen=True)
class ReferralLink:
    shop: Shop
    referrer: Customer
    settings_version: int
    settings: ProgramSettings

    @property
    def paused(self) -> bool:
        return self.shop.status is not ShopStatus.ACTIVE or not self.settings.enabled


_versions = aliased(ProgramSettingsVersion)
_LINK = (
    # Built once: the friend pages and the claim run it on every request.
    select(Customer, Shop, ProgramSettingsVersion.version, ProgramSettingsVersion.data)
    .join(Shop, Shop.id == Customer.shop_id)
    .join(ProgramSettingsVersion, ProgramSettingsVersion.shop_id == Customer.shop_id)
    .where(
        Customer.referral_code == bindparam("code"),
        Customer.redacted_at.is_(None),
        ProgramSettingsVersion.version
        == select(func.max(_versions.version))
        .where(_versions.shop_id == Customer.shop_id)
        .correlate(Customer)
        .scalar_subquery(),
    )
)


def find_link(session: Session, code: str) -> ReferralLink | None:
    """The link behind `code` in one query (codes are unique across shops), or None."""
    if not looks_like_code(code):
        return None
    row = session.execute(_LINK, {"code": canonical(code)}).one_or_none()
    if row is None:
        return None
    referrer, shop, version, data = row
    return ReferralLink(shop, referrer, version, settings_from_json(data))
