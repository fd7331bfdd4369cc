"""The friend landing page: `GET /r/<code>` shows the offer, `POST` claims a single-use code."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import update

from passiton.app.http_errors import status_for
from passiton.app.runtime import Runtime
from passiton.app.storefront_links import store_url_with_code
from passiton.core.codes import looks_like_code
from passiton.core.errors import DomainError, OfferUnavailable
from passiton.core.models import Customer, Shop, ShopStatus
from passiton.core.program_settings import DiscountType, ProgramSettings
from passiton.core.services.claims import claim_friend_code
from passiton.core.services.enrolment import referrer_for_link
from passiton.core.services.shops import current_settings

bp = Blueprint("landing", __name__)
MAX_EMAIL_FIELD = 320


def _runtime() -> Runtime:
    runtime: Runtime = current_app.extensions["passiton"]
    return runtime


def offer_headline(settings: ProgramSettings, referrer_name: str | None) -> str:
    value = settings.friend_discount_value
    amount = (
        f"{value.normalize():f}%"
        if settings.friend_discount_type is DiscountType.PERCENT
        else f"{value:.2f}"
    )
    who = referrer_name or "A friend"
    return f"{who} gave you {amount} off your first order"


@bp.get("/r/<code>")
def show(code: str) -> tuple[str, int]:
    runtime = _runtime()
    with runtime.db.transaction() as session:
        referrer = referrer_for_link(session, code) if looks_like_code(code) else None
        if referrer is None:
            return render_template(
                "landing_error.html", message="This referral link is not valid."
            ), 404
        shop = session.get(Shop, referrer.shop_id)
        assert shop is not None
        _, settings = current_settings(session, shop.id)
        if shop.status is not ShopStatus.ACTIVE or not settings.enabled:
            return render_template(
                "landing_error.html", message=f"{shop.name}'s referral program is paused."
            ), 409
        session.execute(
            update(Customer)
            .where(Customer.id == referrer.id)
            .values(link_visits=Customer.link_visits + 1)
            .execution_options(synchronize_session=False)
        )
        page = render_template(
            "landing.html",
            shop=shop,
            code=referrer.referral_code,
            headline=offer_headline(settings, referrer.first_name),
            settings=settings,
            error=None,
        )
    return page, 200


@bp.post("/r/<code>")
def claim(code: str) -> ResponseReturnValue:
    runtime = _runtime()
    email = (request.form.get("email") or "")[:MAX_EMAIL_FIELD]
    with runtime.db.sessions() as session:
        referrer = referrer_for_link(session, code) if looks_like_code(code) else None
        if referrer is None:
            return render_template(
                "landing_error.html", message="This referral link is not valid."
            ), 404
        shop_id = referrer.shop_id
    try:
        result = runtime.db.run(lambda s: claim_friend_code(s, shop_id, code, email))
    except DomainError as error:
        if isinstance(error, OfferUnavailable):
            runtime.tasks.refill_pool(shop_id)
        return _render_with_error(code, error), status_for(error)
    if result.pool_low:
        runtime.tasks.refill_pool(shop_id)
    with runtime.db.sessions() as session:
        shop = session.get(Shop, shop_id)
        assert shop is not None
        target = store_url_with_code(shop, result.code)
        if target is None:
            return render_template("landing_code.html", shop=shop, friend_code=result.code), 200
    return redirect(target, code=303)


def _render_with_error(code: str, error: DomainError) -> str:
    runtime = _runtime()
    with runtime.db.sessions() as session:
        referrer = referrer_for_link(session, code)
        assert referrer is not None
        shop = session.get(Shop, referrer.shop_id)
        _, settings = current_settings(session, referrer.shop_id)
        return render_template(
            "landing.html",
            shop=shop,
            code=referrer.referral_code,
            headline=offer_headline(settings, referrer.first_name),
            settings=settings,
            error=error.message,
        )
