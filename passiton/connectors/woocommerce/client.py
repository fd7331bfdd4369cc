"""`WooCommerceStore`: the StorePort for one WooCommerce store, over its REST API."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from passiton.connectors.woocommerce.coupons import (
    ALREADY_EXISTS,
    friend_coupon,
    restricted_coupon,
    wc_datetime,
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
        # The answer lists items in request order; a failed item is {"id": 0, "error": {…}}
        # and does not repeat its code, so position is the only link back.
        for code, answer in zip(codes, answers, strict=True):
            error = answer.get("error") if isinstance(answer, dict) else None
            if not error:
                created.append(code)
            elif isinstance(error, dict) and error.get("code") == ALREADY_EXISTS:
                # An earlier, interrupted try made it: retries must converge, not fail.
                created.append(code)
            else:
                failed.append(code)
        if failed:
            log.warning("woocommerce refused %d of %d coupons", len(failed), len(codes))
        return BulkCodesResult(
            offer_ref=offer_ref or OFFER_REF, created=tuple(created), failed=tuple(failed)
        )

    def create_restricted_code(self, spec: RestrictedCodeSpec) -> str:
        """Create a reward or gift coupon; an existing coupon with the code is reused."""
        response = self._rest.post("coupons", restricted_coupon(spec))
        if response.status_code == 400 and error_code(response) == ALREADY_EXISTS:
            existing = self._coupon_id(spec.code)
            if existing is None:
                raise StoreError("coupon exists but cannot be found", retryable=True)
            return existing
        body = json_body(response, "create coupon")
        return str(body["id"]) if isinstance(body, dict) and "id" in body else _no_id()

    def deactivate_codes(self, offer_ref: str | None, codes: Sequence[str]) -> None:
        """Expire the coupons at once (idempotent; unknown codes are skipped).

        Expiring rather than deleting keeps each coupon (and its usage) in the merchant's order
        history and reports, and can be undone by the merchant; an expired coupon is refused at
        checkout exactly like a deleted one.
        """
        ids = [found for code in codes[:BATCH_LIMIT] if (found := self._coupon_id(code))]
        if not ids:
            return
        past = wc_datetime(self._clock() - timedelta(days=1))
        updates = [{"id": int(i), "date_expires_gmt": past} for i in ids]
        json_body(self._rest.post("coupons/batch", {"update": updates}), "expire coupons")

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
        """Create missing subscriptions, re-activate disabled ones, drop duplicates.

        WooCommerce disables a webhook after its 7th failed delivery, silently, and never
        retries: after a repair, what was missed must be pulled (reconciliation).
        """
        ours = [w for w in self._list_webhooks() if _url(w) == self._webhooks.delivery_url]
        changed = False
        for topic in WEBHOOK_TOPICS:
            same = [w for w in ours if w.get("topic") == topic]
            if not same:
                self._create_webhook(topic)
                changed = True
                continue
            keep, *extra = same
            if keep.get("status") != ACTIVE:
                self._rest_ok(
                    self._rest.put(f"webhooks/{int(keep['id'])}", {"status": ACTIVE}),
                    "re-activate webhook",
                )
                changed = True
            for duplicate in extra:
                self._rest_ok(
                    self._rest.delete(f"webhooks/{int(duplicate['id'])}", {"force": "true"}),
                    "delete duplicate webhook",
                )
        if changed and self._on_repaired is not None:
            self._on_repaired()

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

    def _coupon_id(self, code: str) -> str | None:
        coupons = json_body(self._rest.get("coupons", {"code": code}), "find coupon")
        if not isinstance(coupons, list):
            return None
        for coupon in coupons:
            if isinstance(coupon, dict) and str(coupon.get("code", "")).lower() == code.lower():
                return str(coupon["id"])
        return None

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


def _no_id() -> str:
    raise StoreError("create coupon: the answer has no id", retryable=True)
