"""One referral through the real Shopify wiring: install, orders, claim, refund, approval, reward.

Only Shopify itself is faked: its token endpoint and an Admin GraphQL endpoint (on `responses`)
that checks every document against the real schema and remembers the discounts it holds.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import responses
from flask.testing import FlaskClient
from graphql import parse
from graphql.language import OperationDefinitionNode
from requests import PreparedRequest
from sqlalchemy import select

from passiton.app.factory import create_app
from passiton.app.runtime import Runtime
from passiton.app.stores import PlatformStores
from passiton.core.models import Customer, Referral, ReferralStatus, RewardCode, RewardCodeStatus
from passiton.core.services.approvals import approve_due
from tests.conftest import RuntimeFactory
from tests.shopify.admin_api import schema_errors
from tests.shopify.app_requests import (
    TOKEN_ANSWER,
    TOKEN_URL,
    callback_query,
    proxy_query,
    start_install,
)
from tests.shopify.shopify_data import SHOP, fixture, paid_order, signed_headers

GRAPHQL_URL = f"https://{SHOP}/admin/api/2026-10/graphql.json"
ANNA_ID = 1001
FRIEND_ID = 2002
FRIEND_ORDER = 5_000_000_000_000_777  # above 2**53, as Shopify's are


@dataclass
class ShopifyDiscounts:
    """The discounts part of the Admin API, enough for pools and reward codes."""

    discounts: dict[str, dict[str, Any]] = field(default_factory=dict)
    redeem_codes: dict[str, str] = field(default_factory=dict)
    """code → discount id"""
    tokens: set[str] = field(default_factory=set)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _bulk: dict[str, list[str]] = field(default_factory=dict)
    metafields: dict[tuple[str, str], str] = field(default_factory=dict)
    """(owner gid, key) → value, as metafieldsSet wrote them."""

    def __call__(self, request: PreparedRequest) -> tuple[int, dict[str, str], str]:
        body = json.loads(request.body or b"{}")
        assert schema_errors(body["query"]) == []
        operation = next(
            d.name.value
            for d in parse(body["query"]).definitions
            if isinstance(d, OperationDefinitionNode) and d.name is not None
        )
        self.tokens.add(request.headers["X-Shopify-Access-Token"])
        data = getattr(self, operation)(body["variables"])
        return 200, {}, json.dumps({"data": data})

    def DiscountCreate(self, variables: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        discount_id = f"gid://shopify/DiscountCodeNode/{next(self._ids)}"
        discount = variables["discount"]
        self.discounts[discount_id] = discount
        self.redeem_codes[discount["code"].upper()] = discount_id
        return {
            "discountCodeBasicCreate": {"codeDiscountNode": {"id": discount_id}, "userErrors": []}
        }

    def CodesBulkAdd(self, variables: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        creation = f"gid://shopify/DiscountRedeemCodeBulkCreation/{next(self._ids)}"
        codes = [c["code"] for c in variables["codes"]]
        self._bulk[creation] = codes
        for code in codes:
            self.redeem_codes[code.upper()] = variables["discountId"]
        return {"discountRedeemCodeBulkAdd": {"bulkCreation": {"id": creation}, "userErrors": []}}

    def BulkCreation(self, variables: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        nodes = [{"code": c, "errors": []} for c in self._bulk[variables["id"]]]
        return {"discountRedeemCodeBulkCreation": {"done": True, "codes": {"nodes": nodes}}}

    def CustomerReferralUrl(self, variables: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        for metafield in variables["metafields"]:
            self.metafields[(metafield["ownerId"], metafield["key"])] = metafield["value"]
        written = [{"id": f"gid://shopify/Metafield/{len(self.metafields)}"}]
        return {"metafieldsSet": {"metafields": written, "userErrors": []}}


def deliver(web: FlaskClient, payload: dict[str, Any], topic: str, delivery: str) -> None:
    body = json.dumps(payload).encode()
    response = web.post(
        "/webhooks/shopify", data=body, headers=signed_headers(body, topic, delivery=delivery)
    )
    assert (response.status_code, response.get_json()["status"]) == (200, "accepted")


def balances(runtime: Runtime, platform_customer_id: int) -> tuple[int, int]:
    with runtime.db.sessions() as session:
        customer = session.scalars(
            select(Customer).where(Customer.platform_customer_id == str(platform_customer_id))
        ).one()
        return customer.points_pending, customer.points_available


def friend_order() -> dict[str, Any]:
    """The friend's paid order; another address and phone than Anna's, so no self-referral."""
    order = paid_order(order_id=FRIEND_ORDER, email="friend@example.com", customer_id=FRIEND_ID)
    order["shipping_address"] = {
        **order["shipping_address"],
        "address1": "9 Elm Road",
        "zip": "20095",
        "phone": "+49 40 555 0101",
    }
    order["phone"] = "+49 40 555 0101"
    order["customer"]["phone"] = None
    return order


@responses.activate
def test_a_referral_from_install_to_reward_code(
    make_runtime: RuntimeFactory, database_url: str
) -> None:
    runtime = make_runtime(database_url, stores=PlatformStores())
    web = create_app(runtime=runtime).test_client()
    shopify = ShopifyDiscounts()
    responses.add(responses.POST, TOKEN_URL, json=TOKEN_ANSWER)
    responses.add_callback(responses.POST, GRAPHQL_URL, callback=shopify)

    # Install: the merchant approves the app, Shopify sends them back with a code.
    installed = web.get(f"/shopify/callback?{callback_query(start_install(web))}")
    assert installed.status_code == 302
    # The pool was filled on Shopify with the installed token: one shared friend discount.
    assert shopify.tokens == {"shpat_installed"}
    assert len(shopify.discounts) == 1
    (friend_discount,) = shopify.discounts.values()
    assert friend_discount["usageLimit"] == 1
    assert len(shopify.redeem_codes) == 50

    # Anna buys: her paid order enrols her as a referrer.
    deliver(web, paid_order(customer_id=ANNA_ID, email="anna@example.com"), "orders/paid", "d1")
    assert balances(runtime, ANNA_ID) == (0, 0)
    widget = web.get(f"/proxy/widget.json?{proxy_query(customer=str(ANNA_ID))}").get_json()
    link_code = widget["customer"]["referral_code"]
    assert widget["customer"]["link"] == f"http://passiton.test/r/{link_code}"
    # …and writes her link to her customer record, for the shop's shipping confirmation.
    assert shopify.metafields == {
        (f"gid://shopify/Customer/{ANNA_ID}", "referral_url"): widget["customer"]["link"]
    }

    # Her friend follows the link and is sent to the store with a pool code applied.
    claimed = web.post(f"/r/{link_code}", data={"email": "friend@example.com"})
    assert claimed.status_code == 303
    target = urlsplit(claimed.headers["Location"])
    assert (target.netloc, target.query) == (SHOP, "redirect=/")
    friend_code = target.path.removeprefix("/discount/")
    assert friend_code.upper() in shopify.redeem_codes

    # The friend's paid order carries that code: Anna earns pending points.
    order = friend_order()
    order["discount_codes"] = [{"code": friend_code.lower(), "amount": "10.00", "type": "fixed"}]
    deliver(web, order, "orders/paid", "d2")
    assert balances(runtime, ANNA_ID) == (1000, 0)

    # A partial refund of 85.00 of 404.95 keeps 79 % of the order: pending drops pro rata.
    refund = fixture("refunds_create.json")
    refund["order_id"] = FRIEND_ORDER
    deliver(web, refund, "refunds/create", "d3")
    assert balances(runtime, ANNA_ID) == (790, 0)

    # Past the return window the credit is approved.
    later = datetime.now(UTC) + timedelta(days=31)
    assert runtime.db.run(lambda s: approve_due(s, later)) == 1
    assert balances(runtime, ANNA_ID) == (0, 790)

    # Anna turns 500 points into a reward code from the storefront widget.
    redeemed = web.post(
        f"/proxy/redeem?{proxy_query(customer=str(ANNA_ID))}",
        json={"points": 500, "kind": "reward", "idempotency_key": "widget-click-1"},
    )
    assert redeemed.status_code == 200
    reward = redeemed.get_json()["reward"]
    assert (reward["amount"], reward["status"]) == ("5.00", "created")
    assert balances(runtime, ANNA_ID) == (0, 290)
    history = web.get(f"/proxy/widget.json?{proxy_query(customer=str(ANNA_ID))}").get_json()
    assert [line["points"] for line in history["history"]] == [-500, 790, -210, 1000]
    reward_discount = shopify.discounts[shopify.redeem_codes[reward["code"].upper()]]
    assert reward_discount["context"] == {
        "customers": {"add": [f"gid://shopify/Customer/{ANNA_ID}"]}
    }
    assert reward_discount["customerGets"]["value"]["discountAmount"]["amount"] == "5.00"
    assert reward_discount["usageLimit"] == 1
    with runtime.db.sessions() as session:
        referral = session.scalars(select(Referral)).one()
        assert (referral.status, referral.points_approved) == (ReferralStatus.APPROVED, 790)
        stored = session.scalars(select(RewardCode)).one()
        assert stored.status is RewardCodeStatus.CREATED
