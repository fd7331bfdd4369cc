"""Merchant accounts: sign up, log in (rate limited), log out, and the account page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, session
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from passiton.app.merchant_auth import csrf_token, csrf_valid
from passiton.app.runtime import Runtime
from passiton.app.woocommerce_grants import recent_grants
from passiton.core.identity import email_key, is_plausible_email
from passiton.core.merchants import LoginFailure, Merchant, MerchantShop, PluginKey
from passiton.core.models import Shop

bp = Blueprint("accounts", __name__)
MIN_PASSWORD = 10
MAX_FIELD = 320
FAILURE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_IP = 20
"""Higher than per e-mail: several merchants may share one office address."""
# Checked when the e-mail is unknown, so a miss costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def _runtime() -> Runtime:
    runtime: Runtime = current_app.extensions["passiton"]
    return runtime


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
        return _page("account_signup.html", 400, error="Please reload and try again.", email=email)
    key = email_key(email) if is_plausible_email(email) else None
    if key is None:
        return _page("account_signup.html", 422, error="Enter a valid e-mail.", email=email)
    if len(password) < MIN_PASSWORD:
        error = f"Use a password of at least {MIN_PASSWORD} characters."
        return _page("account_signup.html", 422, error=error, email=email)
    merchant = Merchant(email=email, email_key=key, password_hash=generate_password_hash(password))
    try:
        with _runtime().db.transaction() as db_session:
            db_session.add(merchant)
    except IntegrityError:
        error = "An account with this e-mail exists; log in instead."
        return _page("account_signup.html", 409, error=error, email=email)
    _log_in(merchant.id, None)
    return redirect("/account", code=303)


@bp.get("/login")
def login_form() -> ResponseReturnValue:
    return _page("account_login.html", error=None, email="")


@bp.post("/login")
def login() -> ResponseReturnValue:
    email, password = _form("email").strip(), _form("password")
    if not csrf_valid():
        return _page("account_login.html", 400, error="Please reload and try again.", email=email)
    key = email_key(email) or email.lower()
    ip = (request.remote_addr or "unknown")[:64]
    now = datetime.now(UTC)
    with _runtime().db.transaction() as db_session:
        if _too_many_failures(db_session, key, ip, now):
            error = "Too many failed attempts. Try again in 15 minutes."
            return _page("account_login.html", 429, error=error, email=email)
        merchant = db_session.scalar(select(Merchant).where(Merchant.email_key == key))
        ok = check_password_hash(merchant.password_hash if merchant else _DUMMY_HASH, password)
        if merchant is None or not ok:
            db_session.add(LoginFailure(email_key=key, ip=ip, failed_at=now))
            merchant_id = None
        else:
            merchant_id = merchant.id
            shop_id = latest_shop(db_session, merchant.id)
    if merchant_id is None:
        return _page("account_login.html", 401, error="Wrong e-mail or password.", email=email)
    _log_in(merchant_id, shop_id)
    return redirect("/account", code=303)


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    if not csrf_valid():
        return redirect("/account", code=303)
    session.clear()
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


def _too_many_failures(db_session: Session, key: str, ip: str, now: datetime) -> bool:
    since = now - FAILURE_WINDOW
    recent = select(func.count()).select_from(LoginFailure).where(LoginFailure.failed_at > since)
    by_email = db_session.scalar(recent.where(LoginFailure.email_key == key)) or 0
    by_ip = db_session.scalar(recent.where(LoginFailure.ip == ip)) or 0
    return by_email >= MAX_FAILURES_PER_EMAIL or by_ip >= MAX_FAILURES_PER_IP


def _log_in(merchant_id: int, shop_id: int | None) -> None:
    # A fresh session (and CSRF token) at login: a session fixed before login is worthless.
    session.clear()
    session["merchant_id"] = merchant_id
    if shop_id is not None:
        session["shop_id"] = shop_id
