"""The merchant's webhook endpoints: add, remove, rotate the secret, and the delivery log.

The URL is checked (https, public address) and the secret sealed by the composition root
before they reach here: the core neither resolves host names nor holds the vault.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from passiton.core.errors import InvalidHookEndpoint, UnknownHookEndpoint
from passiton.core.models import HookDelivery, HookEndpoint, utcnow
from passiton.core.services.outbound_hooks import SUBSCRIBABLE

MAX_ENDPOINTS = 10
LOG_LENGTH = 50


def add_endpoint(
    session: Session,
    shop_id: int,
    *,
    url: str,
    events: Iterable[str],
    secret_sealed: bytes,
    include_friend_email: bool,
) -> HookEndpoint:
    chosen = sorted(set(events))
    known = {e.value for e in SUBSCRIBABLE}
    if not chosen:
        raise InvalidHookEndpoint("choose at least one event", field="events")
    if not set(chosen) <= known:
        raise InvalidHookEndpoint("unknown event", field="events")
    count = session.scalar(
        select(func.count()).select_from(HookEndpoint).where(HookEndpoint.shop_id == shop_id)
    )
    if (count or 0) >= MAX_ENDPOINTS:
        raise InvalidHookEndpoint(f"at most {MAX_ENDPOINTS} endpoints per shop", field="url")
    endpoint = HookEndpoint(
        shop_id=shop_id,
        url=url,
        events=chosen,
        secret_sealed=secret_sealed,
        include_friend_email=include_friend_email,
        active=True,
    )
    session.add(endpoint)
    session.flush()
    return endpoint


def shop_endpoint(session: Session, shop_id: int, endpoint_id: int) -> HookEndpoint:
    """One of this shop's endpoints (another shop's is as unknown as a missing one)."""
    endpoint = session.scalar(
        select(HookEndpoint).where(HookEndpoint.id == endpoint_id, HookEndpoint.shop_id == shop_id)
    )
    if endpoint is None:
        raise UnknownHookEndpoint("no such webhook endpoint")
    return endpoint


def remove_endpoint(session: Session, shop_id: int, endpoint_id: int) -> None:
    """Remove it with its deliveries (owed ones are not sent any more)."""
    endpoint = shop_endpoint(session, shop_id, endpoint_id)
    session.delete(endpoint)
    session.flush()


def rotate_secret(session: Session, shop_id: int, endpoint_id: int, secret_sealed: bytes) -> None:
    """A new secret: deliveries from now on (retries included) are signed with it."""
    endpoint = shop_endpoint(session, shop_id, endpoint_id)
    endpoint.secret_sealed = secret_sealed
    endpoint.secret_rotated_at = utcnow()


def endpoints(session: Session, shop_id: int) -> list[HookEndpoint]:
    return list(
        session.scalars(
            select(HookEndpoint).where(HookEndpoint.shop_id == shop_id).order_by(HookEndpoint.id)
        )
    )


def recent_deliveries(
    session: Session, shop_id: int, limit: int = LOG_LENGTH
) -> list[HookDelivery]:
    """The shop's latest deliveries, newest first, for the log on the merchant's page."""
    return list(
        session.scalars(
            select(HookDelivery)
            .where(HookDelivery.shop_id == shop_id)
            .order_by(HookDelivery.id.desc())
            .limit(limit)
        )
    )
