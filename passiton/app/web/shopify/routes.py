"""Shopify install and embedded entry: `/shopify/install`, `/shopify/callback`, `/shopify/app`.

Every path gets its token from Shopify *before* writing anything, so a refused or unreachable
token endpoint leaves the database as it was; the shop row and its sealed credentials are then
written in one transaction, and the friend-code pool is filled by a task after the commit.
"""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime
from urllib.parse import urlencode

from flask import Blueprint, Flask, current_app, redirect, request, session
from flask.typing import ResponseReturnValue
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from passiton.app.platforms.shopify import (
    VaultCredentialStore,
    install_with_credentials,
    shopify_secrets,
    token_endpoint,
)
from passiton.app.runtime import Runtime
from passiton.app.web.http_errors import error_response
from passiton.app.web.merchant.auth import BearerResolver, add_bearer_resolver
from passiton.app.web.shopify.extension import extension_blueprint
from passiton.app.web.shopify.proxy import proxy_blueprint
from passiton.connectors.shopify.auth import (
    SCOPES,
    SessionTokenInvalid,
    authorize_url,
    decode_session_token,
    oauth_query_valid,
    shop_domain,
)
from passiton.connectors.shopify.tokens import ShopifyCredentials
from passiton.core.models import Platform, ShopStatus
from passiton.core.ports import StoreError
from passiton.core.services.shops import find_shop

log = logging.getLogger(__name__)
bp = Blueprint("shopify", __name__, url_prefix="/shopify")
STATE_MAX_AGE = 600
"""Seconds a merchant has between /shopify/install and Shopify's redirect to the callback."""
_STATE_SALT = "passiton.shopify.oauth-state"
_NONCE_KEY = "shopify_oauth_nonce"


def install_shopify(app: Flask) -> None:
    """Add the Shopify routes, app proxy and session-token auth when Shopify is configured."""
    runtime: Runtime = app.extensions["passiton"]
    if "shopify" not in runtime.connectors:
        return
    app.register_blueprint(bp)
    app.register_blueprint(proxy_blueprint())
    app.register_blueprint(extension_blueprint())
    add_bearer_resolver(app, session_token_resolver(runtime))


def session_token_resolver(runtime: Runtime) -> BearerResolver:
    """A bearer resolver: a valid session token authenticates its own installed shop."""
    settings = runtime.settings
    client_id = settings.shopify_api_key or ""
    keys = shopify_secrets(settings)

    def resolve(db_session: Session, token: str) -> int | None:
        if token.count(".") != 2:
            return None  # not a JWT: an API key or another kind of bearer
        try:
            claims = decode_session_token(token, client_id=client_id, secrets=keys)
        except SessionTokenInvalid:
            return None
        shop = find_shop(db_session, Platform.SHOPIFY, claims.shop)
        if shop is None or shop.status is not ShopStatus.ACTIVE:
            return None
        return shop.id

    return resolve


def _runtime() -> Runtime:
    runtime: Runtime = current_app.extensions["passiton"]
    return runtime


def _state_signer(runtime: Runtime) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(runtime.settings.secret_key, salt=_STATE_SALT)


def _single_valued_query() -> dict[str, str] | None:
    """The query as a plain mapping; None if a key repeats (Shopify never sends that here)."""
    pairs = list(request.args.items(multi=True))
    values = dict(pairs)
    return values if len(values) == len(pairs) else None


@bp.get("/install")
def install() -> ResponseReturnValue:
    runtime = _runtime()
    query = _single_valued_query()
    domain = shop_domain(query.get("shop") if query else None)
    if query is None or domain is None:
        return error_response(400, "invalid_shop", "shop must be a *.myshopify.com domain")
    # From the admin the link is signed; typed by hand it is not. Either way the callback's
    # own HMAC and the state below decide, but a signature that is present must be right.
    if "hmac" in query and not oauth_query_valid(query, shopify_secrets(runtime.settings)):
        return error_response(401, "invalid_hmac", "the request signature is not valid")
    nonce = secrets.token_urlsafe(24)
    # The state is signed, expires, names the shop, and its nonce is kept in this browser's
    # session: a callback from another browser, another shop or a replay is refused.
    session[_NONCE_KEY] = nonce
    state = _state_signer(runtime).dumps({"shop": domain, "nonce": nonce})
    target = authorize_url(
        runtime.settings.shopify_admin_url_template.format(shop=domain),
        client_id=runtime.settings.shopify_api_key or "",
        redirect_uri=f"{runtime.settings.app_url}/shopify/callback",
        state=state,
        scopes=SCOPES,
    )
    return redirect(target, code=302)


@bp.get("/callback")
def callback() -> ResponseReturnValue:
    runtime = _runtime()
    query = _single_valued_query()
    domain = shop_domain(query.get("shop") if query else None)
    if query is None or domain is None:
        return error_response(400, "invalid_shop", "shop must be a *.myshopify.com domain")
    if not oauth_query_valid(query, shopify_secrets(runtime.settings)):
        return error_response(401, "invalid_hmac", "the request signature is not valid")
    expected_nonce = session.pop(_NONCE_KEY, None)
    if not _state_valid(runtime, query.get("state", ""), domain, expected_nonce):
        return error_response(403, "invalid_state", "this install link expired; start again")
    code = query.get("code", "")
    if not code or len(code) > 512:
        return error_response(400, "missing_code", "Shopify sent no authorization code")
    now = datetime.now(UTC)
    try:
        credentials = token_endpoint(runtime.settings).exchange_code(domain, code, now)
    except StoreError as error:
        log.warning("code exchange for %s failed: %s", domain, error)
        return error_response(400, "token_exchange_failed", "Shopify did not issue a token")
    _install(runtime, domain, credentials, now)
    return redirect(f"https://{domain}/admin/apps/{runtime.settings.shopify_api_key}", code=302)


@bp.get("/app")
def embedded_entry() -> ResponseReturnValue:
    runtime = _runtime()
    settings = runtime.settings
    id_token = request.args.get("id_token", "")
    if not id_token or len(id_token) > 4096:
        return error_response(401, "missing_session_token", "open the app from the Shopify admin")
    try:
        claims = decode_session_token(
            id_token, client_id=settings.shopify_api_key or "", secrets=shopify_secrets(settings)
        )
    except SessionTokenInvalid as error:
        return error_response(401, "invalid_session_token", f"session token {error.reason}")
    named = request.args.get("shop")
    if named is not None and shop_domain(named) != claims.shop:
        return error_response(401, "wrong_shop", "the session token is for another shop")
    now = datetime.now(UTC)
    if not _has_usable_token(runtime, claims.shop, now):
        try:
            credentials = token_endpoint(settings).exchange_session_token(
                claims.shop, id_token, now
            )
        except StoreError as error:
            log.warning("token exchange for %s failed: %s", claims.shop, error)
            return error_response(400, "token_exchange_failed", "Shopify did not issue a token")
        _install(runtime, claims.shop, credentials, now)
    query = {"shop": claims.shop, "host": request.args.get("host", "")}
    return redirect(f"/settings?{urlencode(query)}", code=302)


def _state_valid(runtime: Runtime, state: str, domain: str, nonce: object) -> bool:
    try:
        data = _state_signer(runtime).loads(state, max_age=STATE_MAX_AGE)
    except BadSignature:  # SignatureExpired is a BadSignature too
        return False
    return (
        isinstance(data, dict)
        and isinstance(nonce, str)
        and data.get("shop") == domain
        and secrets.compare_digest(str(data.get("nonce", "")), nonce)
    )


def _has_usable_token(runtime: Runtime, domain: str, now: datetime) -> bool:
    """An installed shop whose token works now or can still be refreshed."""
    with runtime.db.sessions() as db_session:
        shop = find_shop(db_session, Platform.SHOPIFY, domain)
        if shop is None or shop.status is not ShopStatus.ACTIVE:
            return False
        shop_id = shop.id
    held = VaultCredentialStore(runtime.db, runtime.vault).load(shop_id)
    return held is not None and _usable(held, now)


def _usable(credentials: ShopifyCredentials, now: datetime) -> bool:
    if credentials.refresh_token is None:
        # Non-expiring tokens stop working for public apps in 2027: exchange them too.
        return credentials.expires_at is not None and credentials.expires_at > now
    return credentials.refresh_expires_at is None or credentials.refresh_expires_at > now


def _install(runtime: Runtime, domain: str, credentials: ShopifyCredentials, now: datetime) -> int:
    shop_id = install_with_credentials(runtime.db, runtime.vault, domain, credentials, now)
    log.info("installed Shopify shop %s (%s)", shop_id, domain)
    runtime.tasks.refill_pool(shop_id)
    runtime.tasks.refresh_shop_facts(shop_id)
    return shop_id
