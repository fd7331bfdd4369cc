"""`WooCommerceStore`: the StorePort for one WooCommerce store, over its REST API."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, NoReturn

from passiton.connectors.woocommerce.coupons import (
    ALREADY_EXISTS,
    expiry_kept,
    friend_coupon,
    restricted_coupon,
    wc_datetime,
    wc_expiry,
)
from passiton.connectors.woocommerce.orders import order_state
from passiton.connectors.woocommerce.rest import (
    PAGE_SIZE,
    WooCredentials,
    WooRest,
    error_code,
    json_body,
)
from passiton.connectors.woocommerce.shop_identity import (
    EMAIL_SENDER,
    GENERAL_SETTINGS,
    SYSTEM_STATUS,
    shop_facts_from,
)
from passiton.core.digits import ascii_digits
from passiton.core.events import OrderState, ShopFacts
from passiton.core.ports import BulkCodesResult, MalformedPayload, RestrictedCodeSpec, StoreError
from passiton.core.program_settings import FriendOfferSpec

log = logging.getLogger(__name__)

OFFER_REF = "woocommerce-coupons"
"""WooCommerce has no discount object grouping codes: each code is its own coupon."""
BATCH_LIMIT = 100
"""`POST /coupons/batch` takes at most 100 items in total (101 → 413)."""
WEBHOOK_TOPICS = ("order.created", "order.updated", "order.deleted", "customer.created")
ACTIVE = "active"


@dataclass(frozen=True)
class WebhookTarget:
    """Where this store must deliver, and the secret it signs with (ours, never readable there)."""

    delivery_url: str
    secret: str = field(repr=False)


@dataclass(frozen=True)
class WebhookCheck:
    """What a webhook check found on the store (by topic) and what it did."""

    active: tuple[str, ...]
    created: tuple[str, ...]
    reactivated: tuple[str, ...]
    duplicates_removed: int = 0


class WooCommerceStore:
    """Friend, reward and gift coupons; order pull for reconciliation; webhook upkeep."""

    def __init__(
        self,
        credentials: WooCredentials,
        webhooks: WebhookTarget,
        *,
        on_webhooks_repaired: Callable[[], None] | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        rest: WooRest | None = None,
    ) -> None:
        self._rest = rest or WooRest(credentials)
        self._webhooks = webhooks
        self._on_repaired = on_webhooks_repaired
        self._clock = clock

    def create_friend_codes(
        self, offer_ref: str | None, offer: FriendOfferSpec, codes: Sequence[str]
    ) -> BulkCodesResult:
        """Create single-use coupons in one batch; codes that already exist count as created."""
        if len(codes) > BATCH_LIMIT:
            raise StoreError("at most 100 coupons per batch", retryable=False)
        now = self._clock()
        items = [friend_coupon(code, offer, now) for code in codes]
        body = json_body(self._rest.post("coupons/batch", {"create": items}), "coupon batch")
        answers = body.get("create") if isinstance(body, dict) else None
        if not isinstance(answers, list) or len(answers) != len(codes):
            raise StoreError("coupon batch: unexpected answer", retryable=True)
        created: list[str] = []
        failed: list[str] = []
        stored: dict[str, object] = {}
        # The answer lists items in request order; a failed item is {"id": 0, "error": {…}}
        # and does not repeat its code, so position is the only link back.
        for code, answer in zip(codes, answers, strict=True):
            error = answer.get("error") if isinstance(answer, dict) else None
            if not error:
                created.append(code)
                stored[code] = answer
            elif isinstance(error, dict) and error.get("code") == ALREADY_EXISTS:
                # An earlier, interrupted try made it: retries must converge, not fail. That
                # coupon is read back, since it may have been made without its expiry.
                created.append(code)
                stored[code] = self._coupon(code)
            else:
                failed.append(code)
        if failed:
            log.warning("woocommerce refused %d of %d coupons", len(failed), len(codes))
        if offer.expiry_days > 0 and created:
            self._ensure_expiry(stored, now + timedelta(days=offer.expiry_days))
        return BulkCodesResult(
            offer_ref=offer_ref or OFFER_REF, created=tuple(created), failed=tuple(failed)
        )

    def create_restricted_code(self, spec: RestrictedCodeSpec) -> str:
        """Create a reward or gift coupon; an existing coupon with the code is reused."""
        response = self._rest.post("coupons", restricted_coupon(spec))
        if response.status_code == 400 and error_code(response) == ALREADY_EXISTS:
            coupon = self._coupon(spec.code)
            if coupon is None:
                raise StoreError("coupon exists but cannot be found", retryable=True)
        else:
            coupon = json_body(response, "create coupon")
            if not isinstance(coupon, dict) or "id" not in coupon:
                _no_id()
        if spec.expires_at is not None:
            self._ensure_expiry({spec.code: coupon}, spec.expires_at)
        return str(coupon["id"])

    def deactivate_codes(self, offer_ref: str | None, codes: Sequence[str]) -> None:
        """Expire the coupons at once and check the store kept it (unknown codes are skipped).

        Expiring rather than deleting keeps each coupon (and its usage) in the merchant's order
        history and reports, and can be undone by the merchant; an expired coupon is refused at
        checkout exactly like a deleted one. A coupon already used also gets its usage limit
        lowered to its usage count, a second lock that holds even if the expiry were lost
        (a limit of 0 means "unlimited" in WooCommerce, so an unused one keeps its own).
        """
        found = [coupon for code in codes[:BATCH_LIMIT] if (coupon := self._coupon(code))]
        if not found:
            return
        now = self._clock()
        past = wc_expiry(now - timedelta(days=1))
        updates = []
        for coupon in found:
            update: dict[str, Any] = {"id": int(coupon["id"]), "date_expires": past}
            used = coupon.get("usage_count")
            if isinstance(used, int) and not isinstance(used, bool) and used > 0:
                update["usage_limit"] = used
            updates.append(update)
        body = json_body(self._rest.post("coupons/batch", {"update": updates}), "expire coupons")
        answers = body.get("update") if isinstance(body, dict) else None
        if not isinstance(answers, list) or len(answers) != len(updates):
            raise StoreError("expire coupons: unexpected answer", retryable=True)
        usable = [a for a in answers if not expiry_kept(a, now)]
        if usable:
            raise StoreError(
                f"the store answered but kept {len(usable)} retired coupons without a past "
                "expiry date (date_expires)",
                retryable=False,
            )

    def orders_modified_since(self, since: datetime) -> Iterator[OrderState]:
        """Every order modified at or after `since`, oldest change first, page by page."""
        page = 1
        while True:
            response = self._rest.get(
                "orders",
                {
                    "modified_after": wc_datetime(since.astimezone(UTC)),
                    "dates_are_gmt": "true",
                    "orderby": "modified",
                    "order": "asc",
                    "status": "any",
                    "per_page": PAGE_SIZE,
                    "page": page,
                },
            )
            orders = json_body(response, "list orders")
            if not isinstance(orders, list):
                raise StoreError("list orders: unexpected answer", retryable=True)
            for order in orders:
                state = _state_or_none(order)
                if state is not None:
                    yield state
            if page >= _total_pages(response.headers.get("X-WP-TotalPages")) or not orders:
                return
            page += 1

    def register_webhooks(self) -> None:
        """Create missing subscriptions, re-activate disabled ones, drop duplicates."""
        self.check_webhooks()

    def check_webhooks(self) -> WebhookCheck:
        """Make the store's subscriptions what Passiton needs, and say what was found and done.

        WooCommerce disables a webhook after its 7th failed delivery, silently, and never
        retries: after a repair, what was missed must be pulled (reconciliation). A webhook
        re-activated here keeps WooCommerce's failure count at 6 until one delivery succeeds,
        so one more failure disables it again: the caller should check again soon.
        """
        ours = [w for w in self._list_webhooks() if _url(w) == self._webhooks.delivery_url]
        ok: list[str] = []
        created: list[str] = []
        reactivated: list[str] = []
        removed = 0
        for topic in WEBHOOK_TOPICS:
            same = [w for w in ours if w.get("topic") == topic]
            if not same:
                self._create_webhook(topic)
                created.append(topic)
                continue
            keep, *extra = same
            if keep.get("status") != ACTIVE:
                self._rest_ok(
                    self._rest.put(f"webhooks/{int(keep['id'])}", {"status": ACTIVE}),
                    "re-activate webhook",
                )
                reactivated.append(topic)
            else:
                ok.append(topic)
            for duplicate in extra:
                self._rest_ok(
                    self._rest.delete(f"webhooks/{int(duplicate['id'])}", {"force": "true"}),
                    "delete duplicate webhook",
                )
                removed += 1
        check = WebhookCheck(tuple(ok), tuple(created), tuple(reactivated), removed)
        if (check.created or check.reactivated) and self._on_repaired is not None:
            self._on_repaired()
        return check

    def shop_facts(self) -> ShopFacts:
        """Name and time zone from WordPress, currency, language and sender from WooCommerce."""
        return shop_facts_from(
            json_body(self._rest.site_index(), "site index"),
            json_body(self._rest.get(GENERAL_SETTINGS), "general settings"),
            json_body(self._rest.get(SYSTEM_STATUS), "system status"),
            json_body(self._rest.get(EMAIL_SENDER), "e-mail sender"),
        )

    def _create_webhook(self, topic: str) -> None:
        payload = {
            "name": f"Passiton {topic}",
            "topic": topic,
            "delivery_url": self._webhooks.delivery_url,
            "secret": self._webhooks.secret,
        }
        self._rest_ok(self._rest.post("webhooks", payload), "create webhook")

    def _list_webhooks(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        page = 1
        while True:
            response = self._rest.get("webhooks", {"per_page": PAGE_SIZE, "page": page})
            hooks = json_body(response, "list webhooks")
            if not isinstance(hooks, list):
                raise StoreError("list webhooks: unexpected answer", retryable=True)
            found += [h for h in hooks if isinstance(h, dict) and "id" in h]
            if page >= _total_pages(response.headers.get("X-WP-TotalPages")) or not hooks:
                return found
            page += 1

    def _coupon(self, code: str) -> dict[str, Any] | None:
        """The store's coupon with that code (codes are case-insensitive there), or None."""
        coupons = json_body(self._rest.get("coupons", {"code": code}), "find coupon")
        if not isinstance(coupons, list):
            return None
        for coupon in coupons:
            if (
                isinstance(coupon, dict)
                and "id" in coupon
                and str(coupon.get("code", "")).lower() == code.lower()
            ):
                return coupon
        return None

    def _ensure_expiry(self, coupons: dict[str, object], wanted: datetime) -> None:
        """Check each coupon as the store answered it expires by `wanted`; fix it once if not.

        A WooCommerce write answer is the coupon read back from the database after the save
        (`WC_REST_CRUD_Controller::save_object` returns `get_object()`, in
        `includes/abstracts/abstract-wc-rest-crud-controller.php`), so it shows what the store
        kept, not what we sent: a 2xx alone proves nothing (see `coupons.py`).
        """
        wrong = [c for c in coupons.values() if not expiry_kept(c, wanted)]
        if not wrong:
            return
        ids = [int(c["id"]) for c in wrong if isinstance(c, dict) and "id" in c]
        if len(ids) != len(wrong):
            raise StoreError("a coupon to check cannot be found on the store", retryable=True)
        updates = [{"id": i, "date_expires": wc_expiry(wanted)} for i in ids]
        body = json_body(self._rest.post("coupons/batch", {"update": updates}), "set expiry")
        answers = body.get("update") if isinstance(body, dict) else None
        if not isinstance(answers, list) or any(not expiry_kept(a, wanted) for a in answers):
            raise StoreError(
                f"the store did not keep the expiry date (date_expires) of {len(ids)} coupons",
                retryable=False,
            )

    @staticmethod
    def _rest_ok(response: Any, what: str) -> None:
        json_body(response, what)


def _state_or_none(order: object) -> OrderState | None:
    if not isinstance(order, dict):
        return None
    try:
        return order_state(order)
    except MalformedPayload as error:
        # One unreadable order must not stop reconciliation of all the others.
        log.warning("skipping unreadable order %s: %s", order.get("id"), error)
        return None


def _url(hook: dict[str, Any]) -> str:
    return str(hook.get("delivery_url") or "")


def _total_pages(raw: str | None) -> int:
    return int(raw) if raw and ascii_digits(raw) else 1


def _no_id() -> NoReturn:
    raise StoreError("create coupon: the answer has no id", retryable=True)
