"""Merchant accounts: sign up, log in (throttled per client and account), log out, account."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, session
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from passiton.app.platforms.woocommerce_grants import recent_grants
from passiton.app.runtime import Runtime
from passiton.app.web.merchant.auth import csrf_token, csrf_valid
from passiton.app.web.merchant.login_throttle import KEY_PREFIX, LoginThrottle
from passiton.app.web.merchant.sessions import end_session, start_session
from passiton.app.web.rate_limit_storage import rate_limit_storage
from passiton.core.identity import email_key, is_plausible_email
from passiton.core.merchants import Merchant, MerchantShop, PluginKey
from passiton.core.models import Shop

bp = Blueprint("accounts", __name__)
MIN_PASSWORD = 10
MAX_FIELD = 320
_THROTTLE = "passiton.login_throttle"
# Checked when the e-mail is unknown, so a miss costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def _runtime() -> Runtime:
    runtime: Runtime = current_app.extensions["passiton"]
    return runtime


@bp.record_once
def _install_throttle(state: BlueprintSetupState) -> None:
    settings = state.app.extensions["passiton"].settings
    state.app.extensions[_THROTTLE] = LoginThrottle(rate_limit_storage(settings, KEY_PREFIX))


def _throttle() -> LoginThrottle:
    throttle: LoginThrottle = current_app.extensions[_THROTTLE]
    return throttle


def current_merchant_id() -> int | None:
    value = session.get("merchant_id")
    return value if isinstance(value, int) else None


def _form(field: str) -> str:
    return (request.form.get(field) or "")[:MAX_FIELD]


def _page(template: str, status: int = 200, **context: Any) -> ResponseReturnValue:
    return render_template(template, csrf=csrf_token(), **context), status


@bp.get("/signup")
def signup_form() -> ResponseReturnValue:
    return _page("account_signup.html", error=None, email="")


@bp.post("/signup")
def signup() -> ResponseReturnValue:
    email, password = _form("email").strip(), _form("password")
    if not csrf_valid():
        return _page(
            "account_signup.html", 400, error=gettext("Please reload and try again."), email=email
        )
    key = email_key(email) if is_plausible_email(email) else None
    if key is None:
        return _page(
            "account_signup.html", 422, error=gettext("Enter a valid e-mail."), email=email
        )
    if len(password) < MIN_PASSWORD:
        error = gettext("Use a password of at least %(count)s characters.", count=MIN_PASSWORD)
        return _page("account_signup.html", 422, error=error, email=email)
    merchant = Merchant(email=email, email_key=key, password_hash=generate_password_hash(password))
    try:
        with _runtime().db.transaction() as db_session:
            db_session.add(merchant)
    except IntegrityError:
        error = gettext("An account with this e-mail exists; log in instead.")
        return _page("account_signup.html", 409, error=error, email=email)
    start_session(merchant.id, merchant.session_generation, None)
    return redirect("/account", code=303)


@bp.get("/login")
def login_form() -> ResponseReturnValue:
    return _page("account_login.html", error=None, email="")


@bp.post("/login")
def login() -> ResponseReturnValue:
    email, password = _form("email").strip(), _form("password")
    if not csrf_valid():
        return _page(
            "account_login.html", 400, error=gettext("Please reload and try again."), email=email
        )
    key = email_key(email) or email.lower()
    client = (request.remote_addr or "unknown")[:64]
    throttle = _throttle()
    throttled = throttle.check(key, client)
    if throttled is not None:
        minutes = max(1, round(throttled.retry_after / 60))
        error = gettext(
            "Too many failed attempts. Try again in %(minutes)s minute(s).", minutes=minutes
        )
        page = render_template("account_login.html", csrf=csrf_token(), error=error, email=email)
        return page, 429, {"Retry-After": str(throttled.retry_after)}
    with _runtime().db.sessions() as db_session:
        merchant = db_session.scalar(select(Merchant).where(Merchant.email_key == key))
        ok = check_password_hash(merchant.password_hash if merchant else _DUMMY_HASH, password)
        if merchant is None or not ok:
            merchant_id = None
        else:
            merchant_id, generation = merchant.id, merchant.session_generation
            shop_id = latest_shop(db_session, merchant.id)
    if merchant_id is None:
        throttle.failed(key, client)
        return _page(
            "account_login.html", 401, error=gettext("Wrong e-mail or password."), email=email
        )
    throttle.succeeded(key, client)
    start_session(merchant_id, generation, shop_id)
    return redirect("/account", code=303)


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    if not csrf_valid():
        return redirect("/account", code=303)
    end_session()
    return redirect("/login", code=303)


@bp.get("/account")
def account() -> ResponseReturnValue:
    merchant_id = current_merchant_id()
    if merchant_id is None:
        return redirect("/login", code=303)
    runtime = _runtime()
    with runtime.db.sessions() as db_session:
        merchant = db_session.get(Merchant, merchant_id)
        if merchant is None:
            session.clear()
            return redirect("/login", code=303)
        shops = merchant_shops(db_session, merchant_id)
        rows = [
            {
                "id": shop.id,
                "domain": shop.domain,
                "status": shop.status.value,
                "plugin_key": runtime.vault.open_text(key.sealed_key) if key else None,
            }
            for shop, key in shops
        ]
        grants = recent_grants(db_session, merchant_id)
        # The settings API reads the session's shop: the most recently connected one.
        session["shop_id"] = latest_shop(db_session, merchant_id)
    return _page(
        "account_home.html",
        email=merchant.email,
        shops=rows,
        grants=grants,
        error=request.args.get("error"),
        app_url=runtime.settings.app_url,
    )


def latest_shop(db_session: Session, merchant_id: int) -> int | None:
    return db_session.scalar(
        select(MerchantShop.shop_id)
        .where(MerchantShop.merchant_id == merchant_id)
        .order_by(MerchantShop.id.desc())
        .limit(1)
    )


def merchant_shops(db_session: Session, merchant_id: int) -> list[tuple[Shop, PluginKey | None]]:
    rows = db_session.execute(
        select(Shop, PluginKey)
        .join(MerchantShop, MerchantShop.shop_id == Shop.id)
        .outerjoin(PluginKey, PluginKey.shop_id == Shop.id)
        .where(MerchantShop.merchant_id == merchant_id)
        .order_by(MerchantShop.id)
    )
    return [(shop, key) for shop, key in rows]
