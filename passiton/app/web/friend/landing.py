"""The friend landing page: `GET /r/<code>` shows the offer, `POST` claims a single-use code.

The only place a friend is sent is the store URL built by storefront_links from the shop's own
domain: nothing in the request decides where the redirect goes.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_babel import (
    LazyString,
    format_number,
    format_percent,
    gettext,
    lazy_gettext,
)
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from passiton.app.brand import brand_for
from passiton.app.storefront_links import store_home_url, store_url_with_code
from passiton.app.web.control_chars import has_control_chars
from passiton.app.web.current import current_runtime
from passiton.app.web.friend.claim_limit import KEY_PREFIX, ClaimLimit
from passiton.app.web.friend.link_visits import record_visit
from passiton.app.web.http_errors import status_for
from passiton.app.web.i18n import money, use_locale
from passiton.app.web.rate_limit_storage import rate_limit_storage
from passiton.app.web.refusals import refusal_text
from passiton.core.channels import CHANNEL_PARAMETER, ShareChannel, channel_of
from passiton.core.codes import canonical, looks_like_code
from passiton.core.errors import DomainError, OfferUnavailable, ProgramPaused, UnknownReferralCode
from passiton.core.models import Customer, Platform, Shop, ShopStatus
from passiton.core.program_settings import (
    DEFAULT_HOW_IT_WORKS,
    DiscountType,
    ProgramSettings,
    RewardMode,
)
from passiton.core.services.claims import Claim, claim_on_link
from passiton.core.services.referral_links import ReferralLink, find_link

bp = Blueprint("landing", __name__, template_folder="templates")
MAX_EMAIL_FIELD = 320
_LIMITER = "passiton.claim_limiter"
TYPED_CODE_INVALID = lazy_gettext(
    "Please type the code as it appears at the end of the link, for example 7K2Q-M9XA."
)
INVALID_LINK = lazy_gettext(
    "This referral link is not valid. Please check it with the person who sent it."
)


@bp.record_once
def _install_limiter(state: BlueprintSetupState) -> None:
    settings = state.app.extensions["passiton"].settings
    state.app.extensions[_LIMITER] = ClaimLimit(rate_limit_storage(settings, KEY_PREFIX))


def _limiter() -> ClaimLimit:
    limiter: ClaimLimit = current_app.extensions[_LIMITER]
    return limiter


def discount_text(settings: ProgramSettings, currency: str = "") -> str:
    """The friend's discount as a shopper reads it: "15%" or "10.00 USD"."""
    value = settings.friend_discount_value
    if settings.friend_discount_type is DiscountType.PERCENT:
        return f"{value.normalize():f}%"
    return f"{value:.2f} {currency}".strip()


def friend_discount(settings: ProgramSettings, currency: str) -> str:
    """The friend's discount in the reader's locale: "15%", "15 %", "€10.00" or "10,00 €"."""
    value = settings.friend_discount_value
    if settings.friend_discount_type is DiscountType.PERCENT:
        return str(format_percent(value / 100, "#,##0.##%"))
    return money(value, currency)


def offer_headline(settings: ProgramSettings, referrer_name: str | None, currency: str = "") -> str:
    """The page's headline: the friend's gain, from the person who sent the link."""
    headline = gettext(
        "%(who)s gave you %(discount)s off your first order",
        who=referrer_name or gettext("A friend"),
        discount=friend_discount(settings, currency),
    )
    return str(headline)


def referrer_reward_text(settings: ProgramSettings, referrer_name: str | None) -> str:
    """What the referrer earns, for shops that choose to say so on the friend page."""
    who = referrer_name or gettext("Your friend")
    points = format_number(settings.reward_points)
    if settings.reward_mode is RewardMode.PER_REFERRAL:
        text = gettext(
            "%(who)s earns %(points)s points when your order is complete.", who=who, points=points
        )
    else:
        text = gettext(
            "%(who)s earns %(points)s points for every unit you spend when your order is complete.",
            who=who,
            points=points,
        )
    return str(text)


def milestone_texts(settings: ProgramSettings) -> list[str]:
    """Each milestone tier as a shopper reads it, in the request's locale."""
    # One sentence shape for every count, so no language needs plural forms for it.
    return [
        str(
            gettext(
                "%(count)s confirmed referrals: %(points)s bonus points",
                count=format_number(tier.referrals),
                points=format_number(tier.points),
            )
        )
        for tier in settings.milestones
    ]


def _error_page(message: LazyString, status: int, shop: Shop | None = None) -> ResponseReturnValue:
    """A page that tells the friend what went wrong, in the store's language, and where to go."""
    store = shop or (_the_only_store() if status == 404 else None)
    if store is not None:
        use_locale(store.locale)
    return render_template(
        "landing_error.html",
        message=str(message),
        shop=shop,
        store=store,
        store_url=store_home_url(store) if store else None,
        ask_for_code=status in (400, 404),
    ), status


def _the_only_store() -> Shop | None:
    """The store this Passiton serves, when it serves exactly one: where a lost friend can go.

    With several stores an unknown code names none of them (and must not reveal which stores
    run here), so the page only offers to type the code again.
    """
    with current_runtime().db.sessions() as session:
        shops = session.scalars(
            select(Shop)
            .where(Shop.status == ShopStatus.ACTIVE, Shop.platform != Platform.FAKE)
            .limit(2)
        ).all()
        if len(shops) != 1:
            return None
        session.expunge(shops[0])
        return shops[0]


@bp.get("/r")
def enter_code() -> ResponseReturnValue:
    """A code typed by hand (from a card, or a link that broke in a chat) opens its link."""
    typed = request.args.get("code", "")
    if has_control_chars(typed) or not looks_like_code(typed):
        return _error_page(TYPED_CODE_INVALID, 400)
    return redirect(url_for("landing.show", code=canonical(typed)), code=303)


def _paused_page(shop: Shop) -> ResponseReturnValue:
    message = lazy_gettext("%(shop)s's referral program is paused at the moment.", shop=shop.name)
    return _error_page(message, 409, shop)


def _offer_page(
    link: ReferralLink,
    refused: DomainError | None = None,
    email: str = "",
    channel: ShareChannel = ShareChannel.DIRECT,
) -> str:
    # The friend's own language is not known before they order: the shop's primary language.
    use_locale(link.shop.locale)
    error = refusal_text(refused) if refused is not None else None
    name = link.referrer.first_name
    return render_template(
        "landing.html",
        shop=link.shop,
        code=link.referrer.referral_code,
        headline=offer_headline(link.settings, name, link.shop.currency),
        min_subtotal=money(link.settings.friend_min_subtotal, link.shop.currency),
        reward=referrer_reward_text(link.settings, name)
        if link.settings.show_referrer_reward
        else None,
        settings=link.settings,
        brand=brand_for(link.settings),
        error=error,
        email=email,
        channel=channel.value,
    )


@bp.get("/r/<code>")
def show(code: str) -> ResponseReturnValue:
    with current_runtime().db.transaction() as session:
        link = find_link(session, code)
        if link is not None:
            if link.paused:
                return _paused_page(link.shop)
            session.execute(
                update(Customer)
                .where(Customer.id == link.referrer.id)
                .values(link_visits=Customer.link_visits + 1)
                .execution_options(synchronize_session=False)
            )
            channel = channel_of(request.args.get(CHANNEL_PARAMETER))
            record_visit(session, link.shop.id, datetime.now(UTC).date(), channel)
            return _offer_page(link, channel=channel), 200
    # Outside the transaction: on SQLite it holds the database, and the page reads it again.
    return _error_page(INVALID_LINK, 404)


@bp.get("/r/<code>/how-it-works")
def how_it_works(code: str) -> ResponseReturnValue:
    """The program explained to the friend who holds the link, not to the referrer."""
    with current_runtime().db.sessions() as session:
        link = find_link(session, code)
        if link is not None:
            use_locale(link.shop.locale)
            name = link.referrer.first_name
            return render_template(
                "how_it_works.html",
                shop=link.shop,
                code=link.referrer.referral_code,
                paragraphs=friend_paragraphs(link.settings),
                settings=link.settings,
                brand=brand_for(link.settings),
                discount=friend_discount(link.settings, link.shop.currency),
                min_subtotal=money(link.settings.friend_min_subtotal, link.shop.currency),
                referrer_name=name or gettext("A friend"),
                reward=referrer_reward_text(link.settings, name)
                if link.settings.show_referrer_reward
                else None,
                milestones=milestone_texts(link.settings)
                if link.settings.show_referrer_reward
                else [],
            ), 200
    # Outside the session: on SQLite it holds the database, and the page reads it again.
    return _error_page(INVALID_LINK, 404)


def friend_paragraphs(settings: ProgramSettings) -> list[str]:
    """The merchant's own explanation, unless it is still the default one.

    The default text is written to the referrer ("you earn points"); shown to a friend it would
    tell them what the referrer gains, which is exactly what `show_referrer_reward` hides. The
    page's own details already explain the program to the friend.
    """
    if settings.how_it_works.strip() == DEFAULT_HOW_IT_WORKS:
        return []
    return [p.strip() for p in settings.how_it_works.split("\n\n") if p.strip()]


@bp.post("/r/<code>")
def claim(code: str) -> ResponseReturnValue:
    runtime = current_runtime()
    limiter = _limiter()
    client = request.remote_addr or "unknown"
    if not limiter.allow(client):
        response = render_template(
            "landing_error.html",
            message=gettext("Too many attempts from your connection. Please wait a few minutes."),
            shop=None,
        )
        return response, 429, {"Retry-After": str(limiter.retry_after(client))}
    email = (request.form.get("email") or "")[:MAX_EMAIL_FIELD]
    if has_control_chars(email):
        email = ""  # the claim then refuses it as an invalid address, at the field
    # The offer page carries the channel its link came with in a hidden field.
    channel = channel_of(request.form.get(CHANNEL_PARAMETER))
    try:
        link, result = runtime.db.run(lambda s: _claim(s, code, email, channel))
    except DomainError as error:
        return _claim_refused(code, email, error, channel)
    if result.pool_low:
        runtime.tasks.refill_pool(link.shop.id)
    if result.email_id is not None:
        runtime.tasks.send_mail(result.email_id)
    target = store_url_with_code(link.shop, result.code)
    if target is None:
        use_locale(link.shop.locale)
        page = render_template(
            "landing_code.html",
            shop=link.shop,
            friend_code=result.code,
            brand=brand_for(link.settings),
        )
        return page, 200
    return redirect(target, code=303)


def _claim(
    session: Session, code: str, email: str, channel: ShareChannel
) -> tuple[ReferralLink, Claim]:
    """The link and the claim in one transaction: a claim is a handful of queries."""
    link = find_link(session, code)
    if link is None:
        raise UnknownReferralCode("this referral link is not valid")
    return link, claim_on_link(session, link, email, channel)


def _claim_refused(
    code: str, email: str, error: DomainError, channel: ShareChannel
) -> ResponseReturnValue:
    """The page for a refused claim; the link is read again, refusals being the rare case."""
    runtime = current_runtime()
    with runtime.db.sessions() as session:
        link = find_link(session, code)
    if link is None or isinstance(error, UnknownReferralCode):
        return _error_page(INVALID_LINK, 404)
    if isinstance(error, ProgramPaused):
        return _paused_page(link.shop)
    if isinstance(error, OfferUnavailable):
        runtime.tasks.refill_pool(link.shop.id)
        return _offer_page(link, error, email, channel), 503, {"Retry-After": "30"}
    return _offer_page(link, error, email, channel), status_for(error)
