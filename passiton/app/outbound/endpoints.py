"""Adding an endpoint and rotating its secret: the URL checked, the secret made and sealed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from passiton.app.outbound.public_address import Resolver, checked_url, system_resolver
from passiton.app.outbound.signature import new_secret
from passiton.app.vault import Vault
from passiton.core.services import hook_endpoints


@dataclass(frozen=True)
class NewSecret:
    """An endpoint's secret in the clear: shown to the merchant once, never stored so."""

    endpoint_id: int
    secret: str


def create_endpoint(
    session: Session,
    vault: Vault,
    shop_id: int,
    *,
    url: str,
    events: Iterable[str],
    include_friend_email: bool,
    allow_private: bool,
    resolve: Resolver = system_resolver,
) -> NewSecret:
    """Raises RefusedUrl (the address) or InvalidHookEndpoint (the events, the count)."""
    checked = checked_url(url, allow_private=allow_private, resolve=resolve)
    secret = new_secret()
    endpoint = hook_endpoints.add_endpoint(
        session,
        shop_id,
        url=checked,
        events=events,
        secret_sealed=vault.seal_text(secret),
        include_friend_email=include_friend_email,
    )
    return NewSecret(endpoint.id, secret)


def rotate_endpoint_secret(
    session: Session, vault: Vault, shop_id: int, endpoint_id: int
) -> NewSecret:
    secret = new_secret()
    hook_endpoints.rotate_secret(session, shop_id, endpoint_id, vault.seal_text(secret))
    return NewSecret(endpoint_id, secret)
