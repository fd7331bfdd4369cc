"""ShopifyStore: the StorePort on the Admin GraphQL API (discount codes, webhooks, order pull)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from passiton.connectors.shopify import documents as gql
from passiton.connectors.shopify.client import ShopifyAdminClient, Sleep
from passiton.connectors.shopify.order_nodes import order_from_node
from passiton.connectors.shopify.payloads import items, mapping, text
from passiton.core.events import OrderState, ShopFacts
from passiton.core.ports import BulkCodesResult, MalformedPayload, RestrictedCodeSpec, StoreError
from passiton.core.program_settings import DiscountType, FriendOfferSpec

BULK_LIMIT = 100
"""discountRedeemCodeBulkAdd: PLATFORMS.md says send at most 100 codes per call."""
BULK_POLLS = 10
BULK_POLL_SECONDS = 1.0
TAKEN = "TAKEN"
# Topics registered over the API. Compliance topics can only be declared in shopify.app.toml.
API_TOPICS = (
    "ORDERS_CREATE",
    "ORDERS_PAID",
    "ORDERS_UPDATED",
    "ORDERS_CANCELLED",
    "REFUNDS_CREATE",
    "CUSTOMERS_CREATE",
    "CUSTOMERS_EMAIL_MARKETING_CONSENT_UPDATE",
    "APP_UNINSTALLED",
    "APP_SCOPES_UPDATE",
    "SHOP_UPDATE",
)


class ShopifyStore:
    """One shop's store, as the program sees it."""

    def __init__(self, client: ShopifyAdminClient, *, webhook_uri: str, sleep: Sleep) -> None:
        self._client = client
        self._webhook_uri = webhook_uri
        self._sleep = sleep

    def create_friend_codes(
        self, offer_ref: str | None, offer: FriendOfferSpec, codes: Sequence[str]
    ) -> BulkCodesResult:
        if not codes:
            raise StoreError("no codes to create", retryable=False)
        if len(codes) > BULK_LIMIT:
            raise StoreError(f"at most {BULK_LIMIT} codes per call", retryable=False)
        remaining = list(codes)
        created: list[str] = []
        if offer_ref is None:
            # One shared discount holds the whole pool: far cheaper than a discount per friend.
            first = remaining.pop(0)
            offer_ref = self._create_discount(_friend_discount(offer, first), first)
            created.append(first)
        if not remaining:
            return BulkCodesResult(offer_ref=offer_ref, created=tuple(created))
        added, failed = self._bulk_add(offer_ref, remaining)
        return BulkCodesResult(offer_ref=offer_ref, created=(*created, *added), failed=failed)

    def create_restricted_code(self, spec: RestrictedCodeSpec) -> str:
        return self._create_discount(_restricted_discount(spec), spec.code)

    def deactivate_codes(self, offer_ref: str | None, codes: Sequence[str]) -> None:
        if offer_ref is None:
            for code in codes:
                node = self._client.execute(gql.DISCOUNT_BY_CODE, {"code": code})
                found = mapping(node.get("codeDiscountNodeByCode")).get("id")
                if isinstance(found, str):
                    data = self._client.execute(gql.DISCOUNT_DEACTIVATE, {"id": found})
                    _raise_user_errors(mapping(data.get("discountCodeDeactivate")), ())
            return
        # Friend codes share one discount: delete just these codes, the assigned ones stay usable.
        ids = self._redeem_code_ids(offer_ref, {c.upper() for c in codes})
        if ids:
            data = self._client.execute(
                gql.CODES_BULK_DELETE, {"discountId": offer_ref, "ids": ids}
            )
            _raise_user_errors(mapping(data.get("discountCodeRedeemCodeBulkDelete")), ())

    def orders_modified_since(self, since: datetime) -> Iterator[OrderState]:
        stamp = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        after: str | None = None
        while True:
            data = self._client.execute(
                gql.ORDERS_SINCE, {"query": f"updated_at:>='{stamp}'", "after": after}
            )
            page = mapping(data.get("orders"))
            for node in items(page.get("nodes")):
                try:
                    yield order_from_node(node)
                except MalformedPayload as error:
                    raise StoreError(
                        f"unreadable order from Shopify: {error}", retryable=False
                    ) from error
            info = mapping(page.get("pageInfo"))
            after = info.get("endCursor")
            if not info.get("hasNextPage") or not isinstance(after, str):
                return

    def shop_facts(self) -> ShopFacts:
        shop = mapping(self._client.execute(gql.SHOP_FACTS).get("shop"))
        return ShopFacts(
            name=text(shop.get("name")),
            currency=text(shop.get("currencyCode")),
            locale=self._primary_locale(),
            timezone=text(shop.get("ianaTimezone")),
            contact_email=text(shop.get("contactEmail")),
        )

    def _primary_locale(self) -> str | None:
        try:
            data = self._client.execute(gql.SHOP_LOCALES)
        except StoreError as error:
            if error.retryable:
                raise
            # ACCESS_DENIED until the merchant grants read_locales: the rest is still worth
            # storing, and the stored language stays.
            return None
        for node in items(data.get("shopLocales")):
            if node.get("primary") is True:
                return text(node.get("locale"))
        return None

    def register_webhooks(self) -> None:
        data = self._client.execute(gql.WEBHOOKS, {"uri": self._webhook_uri})
        have = {
            n.get("topic") for n in items(mapping(data.get("webhookSubscriptions")).get("nodes"))
        }
        for topic in API_TOPICS:
            if topic in have:
                continue
            made = self._client.execute(
                gql.WEBHOOK_CREATE, {"topic": topic, "uri": self._webhook_uri}
            )
            errors = items(mapping(made.get("webhookSubscriptionCreate")).get("userErrors"))
            # "already been taken" means another run registered it first: that is the goal.
            if errors and not all("taken" in str(e.get("message", "")).lower() for e in errors):
                raise StoreError(
                    f"webhook {topic} refused: {errors[0].get('message')}", retryable=False
                )

    def _create_discount(self, discount: dict[str, Any], code: str) -> str:
        data = self._client.execute(gql.DISCOUNT_CREATE, {"discount": discount})
        payload = mapping(data.get("discountCodeBasicCreate"))
        node_id = mapping(payload.get("codeDiscountNode")).get("id")
        if isinstance(node_id, str):
            return node_id
        _raise_user_errors(payload, (TAKEN,))
        # TAKEN: an earlier try created it and its answer was lost; the code is the key.
        found = self._client.execute(gql.DISCOUNT_BY_CODE, {"code": code})
        existing = mapping(found.get("codeDiscountNodeByCode")).get("id")
        if not isinstance(existing, str):
            raise StoreError(
                f"code {code} is taken by something that is not a discount", retryable=False
            )
        return existing

    def _bulk_add(
        self, offer_ref: str, codes: list[str]
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        data = self._client.execute(
            gql.CODES_BULK_ADD, {"discountId": offer_ref, "codes": [{"code": c} for c in codes]}
        )
        payload = mapping(data.get("discountRedeemCodeBulkAdd"))
        _raise_user_errors(payload, ())
        creation = mapping(payload.get("bulkCreation")).get("id")
        if not isinstance(creation, str):
            raise StoreError("bulk code creation did not start", retryable=True)
        # The bulk add is asynchronous: poll until Shopify says it is done.
        for _ in range(BULK_POLLS):
            state = mapping(
                self._client.execute(gql.BULK_CREATION, {"id": creation, "first": len(codes)}).get(
                    "discountRedeemCodeBulkCreation"
                )
            )
            if state.get("done") is True:
                return _bulk_outcome(codes, items(mapping(state.get("codes")).get("nodes")))
            self._sleep(BULK_POLL_SECONDS)
        raise StoreError("bulk code creation still running", retryable=True)

    def _redeem_code_ids(self, offer_ref: str, wanted: set[str]) -> list[str]:
        ids: list[str] = []
        after: str | None = None
        while wanted:
            data = self._client.execute(gql.OFFER_CODES, {"id": offer_ref, "after": after})
            discount = mapping(mapping(data.get("codeDiscountNode")).get("codeDiscount"))
            page = mapping(discount.get("codes"))
            for node in items(page.get("nodes")):
                code = str(node.get("code", "")).upper()
                if code in wanted and isinstance(node.get("id"), str):
                    ids.append(node["id"])
                    wanted.discard(code)
            info = mapping(page.get("pageInfo"))
            after = info.get("endCursor")
            if not info.get("hasNextPage") or not isinstance(after, str):
                break
        return ids


def _bulk_outcome(codes: list[str], nodes: list[Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Codes created (a TAKEN code was created by an earlier try) and codes refused for good."""
    refused = {
        str(n.get("code", "")).upper()
        for n in nodes
        if any(e.get("code") != TAKEN for e in items(n.get("errors")))
    }
    created = tuple(c for c in codes if c.upper() not in refused)
    failed = tuple(c for c in codes if c.upper() in refused)
    return created, failed


def _raise_user_errors(payload: Any, tolerated: tuple[str, ...]) -> None:
    """userErrors come back with HTTP 200; all but the tolerated codes are refusals."""
    errors = items(mapping(payload).get("userErrors"))
    if not errors:
        return
    if tolerated and all(e.get("code") in tolerated for e in errors):
        return
    first = errors[0]
    raise StoreError(
        f"Shopify refused: {first.get('code')}: {first.get('message')}", retryable=False
    )


def _friend_discount(offer: FriendOfferSpec, code: str) -> dict[str, Any]:
    starts = datetime.now(UTC)
    discount: dict[str, Any] = {
        "title": "Passiton friend offer",
        "code": code,
        "startsAt": starts.isoformat(),
        "context": {"all": "ALL"},
        "customerGets": {"value": _value(offer.discount_type, offer.value), "items": {"all": True}},
        # Verified: on a discount with many redeem codes, `usageLimit` counts per redeem code,
        # not for the whole discount, so usageLimit 1 makes every friend code single use while
        # the pool's other codes stay usable (Shopify staff answer, community.shopify.dev
        # t/scope-of-usagelimit-for-discounts-with-multiple-codes-via-discountredeemcodebulkadd
        # /12269). The same answer says the per-customer limit is tracked per code too, so
        # appliesOncePerCustomer does not stop one buyer using two friend codes: the core's
        # one-referral-per-friend and fraud rules do that, not the store.
        "usageLimit": 1,
        "appliesOncePerCustomer": True,
    }
    if offer.min_subtotal > 0:
        discount["minimumRequirement"] = {
            "subtotal": {"greaterThanOrEqualToSubtotal": str(offer.min_subtotal)}
        }
    return discount


def _restricted_discount(spec: RestrictedCodeSpec) -> dict[str, Any]:
    # Shopify can restrict a code to a customer account, not to an e-mail address: a reward
    # for a guest buyer is single use but open to anyone holding the code.
    context: dict[str, Any] = (
        {"customers": {"add": [f"gid://shopify/Customer/{spec.customer_id}"]}}
        if spec.customer_id
        else {"all": "ALL"}
    )
    discount: dict[str, Any] = {
        "title": spec.title,
        "code": spec.code,
        "startsAt": (datetime.now(UTC) - timedelta(minutes=1)).isoformat(),
        "context": context,
        "customerGets": {"value": _value(DiscountType.FIXED, spec.amount), "items": {"all": True}},
        "usageLimit": 1,
        "appliesOncePerCustomer": True,
    }
    if spec.expires_at is not None:
        discount["endsAt"] = spec.expires_at.isoformat()
    return discount


def _value(kind: DiscountType, value: Any) -> dict[str, Any]:
    if kind is DiscountType.PERCENT:
        # Shopify takes the percentage as a fraction: 15 % is 0.15.
        return {"percentage": float(value / 100)}
    return {"discountAmount": {"amount": str(value), "appliesOnEachItem": False}}
