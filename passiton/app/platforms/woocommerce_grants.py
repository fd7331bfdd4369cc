"""wc-auth key grants: recorded by the callback, proven against the store by a task, then linked.

The store's callback is unsigned and carries only the state we issued, so whoever started a
connect can post made-up keys with that state. Nothing is linked or replaced until a task has
made an authenticated call with the granted key to the store URL the state is bound to, and a
shop another merchant has connected is never handed to a second merchant.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from passiton.app.database import Database
from passiton.app.vault import Vault
from passiton.connectors.woocommerce import auth
from passiton.connectors.woocommerce.key_checks import (
    RevokeOutcome,
    prove_key,
    revoke_key_with_plugin,
)
from passiton.connectors.woocommerce.rest import WooCredentials
from passiton.core.merchants import (
    ConnectRequest,
    GrantStatus,
    MerchantShop,
    OldKeyStatus,
    PluginKey,
)
from passiton.core.models import Platform
from passiton.core.ports import StoreError
from passiton.core.services.shops import find_shop, install_shop

log = logging.getLogger(__name__)
VERIFY_GIVE_UP = timedelta(hours=1)
"""A grant the store has not let us check for this long is refused; the merchant reconnects."""
OWNED_ELSEWHERE = (
    "This store is connected to another Passiton account, which keeps it. "
    "Delete the API key it just created (id {key_id}) "
    "in WooCommerce → Settings → Advanced → REST API."
)
KEY_REFUSED = "The store did not accept the key it sent ({reason}). Connect again from this page."
UNREACHABLE = "The store could not be reached to check its key. Connect again from this page."


class GrantKeeper(Protocol):
    """Where grants are kept: the database, and the vault their keys are sealed with."""

    @property
    def db(self) -> Database: ...

    @property
    def vault(self) -> Vault: ...


@dataclass(frozen=True)
class Linked:
    """A verified grant's result: the shop it connected, and whether an old key is to revoke."""

    shop_id: int
    revoke_old_key: bool


def record_grant(
    session: Session, keeper: GrantKeeper, grant: auth.KeyGrant, now: datetime
) -> int | None:
    """Keep the grant sealed on its connect request, to verify; None for an unusable state."""
    pending = session.scalar(
        select(ConnectRequest)
        .where(ConnectRequest.state_hash == auth.state_digest(grant.state))
        .with_for_update()
    )
    if pending is None or pending.used_at is not None or pending.expires_at <= now:
        return None
    pending.used_at = now
    pending.status = GrantStatus.VERIFYING
    pending.sealed_grant = keeper.vault.seal(
        {
            "consumer_key": grant.consumer_key,
            "consumer_secret": grant.consumer_secret,
            "key_id": grant.key_id,
        }
    )
    return pending.id


def verify_grant(keeper: GrantKeeper, request_id: int, *, last_try: bool) -> Linked | None:
    """Prove a grant's key against its store, then link it; StoreError when worth a retry."""
    credentials = keeper.db.run(lambda s: _grant_to_verify(s, keeper, request_id))
    if credentials is None:
        return None
    try:
        prove_key(credentials)
    except StoreError as error:
        if error.retryable and not last_try:
            raise
        reason = UNREACHABLE if error.retryable else KEY_REFUSED.format(reason=error)
        keeper.db.run(lambda s: _refuse(s, request_id, reason))
        log.warning("woocommerce key grant %s refused: %s", request_id, error)
        return None
    linked = keeper.db.run(lambda s: _link_verified_grant(s, keeper, request_id, datetime.now(UTC)))
    if linked is not None:
        log.info("woocommerce store connected: shop=%s", linked.shop_id)
    return linked


def revoke_old_key(keeper: GrantKeeper, request_id: int, *, last_try: bool) -> OldKeyStatus | None:
    """Ask the plugin to revoke the key a connect replaced; StoreError when worth a retry."""
    call = keeper.db.run(lambda s: _revocation_to_send(s, keeper, request_id))
    if call is None:
        return None
    store_url, shop_id, plugin_key, key_id = call
    try:
        outcome = revoke_key_with_plugin(store_url, shop_id, plugin_key, key_id, int(time.time()))
    except StoreError:
        if not last_try:
            raise
        outcome = RevokeOutcome.NOT_REVOKED
    status = (
        OldKeyStatus.REVOKED if outcome is RevokeOutcome.REVOKED else OldKeyStatus.REMOVE_BY_HAND
    )
    keeper.db.run(lambda s: _record_revocation(s, request_id, status))
    return status


def unfinished_grants(keeper: GrantKeeper, now: datetime) -> tuple[list[int], list[int]]:
    """Grants still to verify and old keys still to revoke; grants waiting too long are refused."""
    with keeper.db.sessions() as session:
        verifying = [
            (request_id, used_at)
            for request_id, used_at in session.execute(
                select(ConnectRequest.id, ConnectRequest.used_at).where(
                    ConnectRequest.status == GrantStatus.VERIFYING
                )
            )
        ]
        revoking = list(
            session.scalars(
                select(ConnectRequest.id).where(
                    ConnectRequest.old_key_status == OldKeyStatus.REVOKING
                )
            )
        )
    given_up = now - VERIFY_GIVE_UP
    stale = [i for i, used_at in verifying if used_at is not None and used_at < given_up]
    for request_id in stale:
        _refuse_unreachable(keeper, request_id)
    return [i for i, _ in verifying if i not in stale], revoking


def _refuse_unreachable(keeper: GrantKeeper, request_id: int) -> None:
    keeper.db.run(lambda s: _refuse(s, request_id, UNREACHABLE))


def _grant_to_verify(
    session: Session, keeper: GrantKeeper, request_id: int
) -> WooCredentials | None:
    pending = session.get(ConnectRequest, request_id)
    if pending is None or pending.status is not GrantStatus.VERIFYING:
        return None
    keys = keeper.vault.open(pending.sealed_grant)
    if not keys:
        return None
    return WooCredentials(
        store_url=pending.store_url,
        consumer_key=str(keys["consumer_key"]),
        consumer_secret=str(keys["consumer_secret"]),
    )


def _refuse(session: Session, request_id: int, reason: str) -> None:
    pending = _locked(session, request_id)
    if pending is not None and pending.status is GrantStatus.VERIFYING:
        pending.status = GrantStatus.REFUSED
        pending.refusal = reason[:255]
        pending.sealed_grant = None


def _link_verified_grant(
    session: Session, keeper: GrantKeeper, request_id: int, now: datetime
) -> Linked | None:
    """Link the merchant to the store and store its keys, unless another merchant owns it."""
    pending = _locked(session, request_id)
    if pending is None or pending.status is not GrantStatus.VERIFYING:
        return None
    grant = keeper.vault.open(pending.sealed_grant) or {}
    key_id = str(grant.get("key_id", ""))
    existing = find_shop(session, Platform.WOOCOMMERCE, pending.store_url)
    if existing is not None:
        owners = set(
            session.scalars(
                select(MerchantShop.merchant_id).where(MerchantShop.shop_id == existing.id)
            )
        )
        if owners - {pending.merchant_id}:
            # The owner keeps the shop, its keys and its plugin key; sharing is by invitation.
            _refuse(session, request_id, OWNED_ELSEWHERE.format(key_id=key_id or "?"))
            return None
    old_keys = keeper.vault.open(existing.credentials) if existing is not None else None
    host = urlsplit(pending.store_url).hostname or pending.store_url
    shop = install_shop(
        session, platform=Platform.WOOCOMMERCE, domain=pending.store_url, name=host, now=now
    )
    # Reconnecting replaces the keys; the webhook secret is kept so that subscriptions
    # already on the store (found again by their delivery URL) keep verifying.
    shop.credentials = keeper.vault.seal(
        {
            "store_url": pending.store_url,
            "consumer_key": grant.get("consumer_key", ""),
            "consumer_secret": grant.get("consumer_secret", ""),
            "key_id": key_id,
        }
    )
    if keeper.vault.open_text(shop.webhook_secret) is None:
        shop.webhook_secret = keeper.vault.seal_text(auth.new_webhook_secret())
    link = select(MerchantShop).where(
        MerchantShop.merchant_id == pending.merchant_id, MerchantShop.shop_id == shop.id
    )
    if session.scalar(link) is None:
        session.add(MerchantShop(merchant_id=pending.merchant_id, shop_id=shop.id))
    if session.get(PluginKey, shop.id) is None:
        session.add(
            PluginKey(shop_id=shop.id, sealed_key=keeper.vault.seal_text(auth.new_plugin_key()))
        )
    pending.status = GrantStatus.CONNECTED
    pending.shop_id = shop.id
    pending.sealed_grant = None
    old_key_id = str(old_keys.get("key_id") or "") if old_keys else ""
    if old_key_id and old_key_id != key_id:
        pending.old_key_id = old_key_id[:32]
        pending.old_key_status = OldKeyStatus.REVOKING
    session.flush()
    return Linked(shop_id=shop.id, revoke_old_key=pending.old_key_status is not None)


def _revocation_to_send(
    session: Session, keeper: GrantKeeper, request_id: int
) -> tuple[str, int, str, str] | None:
    pending = session.get(ConnectRequest, request_id)
    if (
        pending is None
        or pending.old_key_status is not OldKeyStatus.REVOKING
        or pending.shop_id is None
        or pending.old_key_id is None
    ):
        return None
    sealed = session.get(PluginKey, pending.shop_id)
    plugin_key = keeper.vault.open_text(sealed.sealed_key) if sealed is not None else None
    if plugin_key is None:
        pending.old_key_status = OldKeyStatus.REMOVE_BY_HAND
        return None
    return pending.store_url, pending.shop_id, plugin_key, pending.old_key_id


def _record_revocation(session: Session, request_id: int, status: OldKeyStatus) -> None:
    pending = _locked(session, request_id)
    if pending is not None and pending.old_key_status is OldKeyStatus.REVOKING:
        pending.old_key_status = status


def _locked(session: Session, request_id: int) -> ConnectRequest | None:
    return session.scalar(
        select(ConnectRequest).where(ConnectRequest.id == request_id).with_for_update()
    )


def recent_grants(session: Session, merchant_id: int, limit: int = 5) -> list[dict[str, str]]:
    """The merchant's latest key grants, for the account page (which they reload to follow)."""
    rows = session.scalars(
        select(ConnectRequest)
        .where(
            ConnectRequest.merchant_id == merchant_id,
            ConnectRequest.status != GrantStatus.STARTED,
        )
        .order_by(ConnectRequest.id.desc())
        .limit(limit)
    )
    return [
        {
            "store_url": row.store_url,
            "status": row.status.value,
            "refusal": row.refusal or "",
            "old_key_id": row.old_key_id or "",
            "old_key_status": row.old_key_status.value if row.old_key_status else "",
        }
        for row in rows
    ]
