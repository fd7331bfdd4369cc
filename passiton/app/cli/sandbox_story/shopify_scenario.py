"""The Shopify sandbox story: one shop's referral program from install to reward code.

Everything Passiton does here goes through its real HTTP app and real Shopify connector;
only Shopify is the sandbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from passiton.app.cli.sandbox_story import storefront
from passiton.app.cli.sandbox_story.story import Referrer, Story, expect
from passiton.sandbox.shopify_orders import Buyer, order_webhook_body, refund_webhook_body
from passiton.sandbox.webhook_sender import WebhookSender

SHOP = "anna-rings.myshopify.com"
ANNA = Buyer(7001, "anna@example.com", "Anna", "1 Ring Road", "10115", "+49 30 1000")
FRIENDS = (
    Buyer(8001, "ben@example.com", "Ben", "2 Elm Street", "20095", "+49 40 2000"),
    Buyer(8002, "cleo@example.com", "Cleo", "3 Oak Lane", "80331", "+49 89 3000"),
)


@dataclass
class ShopifyScenario(Story[Buyer, int]):
    def __post_init__(self) -> None:
        self.sender = WebhookSender(storefront.flask_transport(self.web), self.sandbox.faults)
        self.secret = self.runtime.settings.shopify_api_secret or ""

    @property
    def title(self) -> str:
        return f"Shopify: one referral on {SHOP}"

    @property
    def domain(self) -> str:
        return SHOP

    @property
    def referrer(self) -> Referrer:
        return Referrer(ANNA.first_name, str(ANNA.customer_id))

    @property
    def friends(self) -> tuple[Buyer, Buyer]:
        return FRIENDS

    def install(self) -> None:
        self.say(f"1. The merchant installs Passiton on {SHOP} (OAuth code grant).")
        storefront.install_shopify_shop(self.web, SHOP)
        self.say("   Passiton verified the signed callback and got an expiring offline token.")
        self.settle(lambda: self._pool_size() >= 50, "fill the friend-code pool")
        pool = self.sandbox.shopify.shop(SHOP).discounts
        self.say(
            f"   The friend pool is on the store: {pool.code_count()} single-use codes under "
            f"{len(pool.discounts)} shared discount"
        )
        self.say("   (one created with the discount, the rest bulk-added asynchronously).")

    def referrer_buys(self) -> str:
        self.say(f"2. Anna buys a ring for 120.00 {self.currency}; Shopify sends orders/paid.")
        order = self.sandbox.shopify.place_order(SHOP, ANNA, Decimal("120.00"))
        self.deliver("orders/paid", order_webhook_body(order))
        data = storefront.widget(self.web, SHOP, ANNA.customer_id, self.secret)
        customer = data["customer"]
        expect(isinstance(customer, dict), "the widget does not know Anna")
        link = str(customer["referral_code"])
        self.say(f"   Her widget shows her referral link: {customer['link']}")
        return link

    def friend_claims(self, link: str, friend: Buyer) -> str:
        code = storefront.claim(self.web, link, friend.email)
        self.say(
            f"3. {friend.first_name} opens /r/{link}, enters {friend.email}, gets code {code}."
        )
        return code

    def friend_buys(self, friend: Buyer, code: str) -> int:
        order = self.sandbox.shopify.place_order(SHOP, friend, Decimal("80.00"), (code,))
        self.say(
            f"4. {friend.first_name} pays 80.00 {self.currency} with {code}; "
            "Shopify sends orders/paid."
        )
        self.deliver("orders/paid", order_webhook_body(order))
        return order.order_id

    def refund(self, order_id: int) -> None:
        self.say("5. The merchant refunds Cleo's order in full; Shopify sends refunds/create.")
        refund_id = self.sandbox.shopify.refund(SHOP, order_id, Decimal("80.00"))
        order = self.sandbox.shopify.shop(SHOP).orders[order_id]
        self.deliver("refunds/create", refund_webhook_body(order, refund_id, Decimal("80.00")))
        self.deliver("orders/updated", order_webhook_body(order))

    def redeem(self) -> None:
        self.say("7. Anna turns 500 points into a reward code in the storefront widget.")
        answer = storefront.redeem(self.web, SHOP, ANNA.customer_id, self.secret, 500)
        code = str(answer["reward"]["code"])
        self.settle(lambda: self.reward_created(code), "create the reward code on the store")
        discount = self.sandbox.shopify.shop(SHOP).discounts.discount_for_code(code)
        expect(discount is not None, f"reward code {code} is not on the store")
        assert discount is not None
        customers = discount.spec.get("context", {}).get("customers", {}).get("add")
        expect(customers == [f"gid://shopify/Customer/{ANNA.customer_id}"], "reward not hers")
        self.say(
            f"   Reward code {code} ({answer['reward']['amount']} {self.currency}) "
            "now exists on the store,"
        )
        self.say("   single use and restricted to Anna's customer account.")
        self.outcome.reward_codes.append(code)
        self.expect_balance(0, 500, "the redemption debits 500 points")

    def deliver(self, topic: str, payload: dict[str, Any]) -> None:
        """Send a signed webhook; when it is lost, reconciliation must pull the order."""
        url = f"{self.runtime.settings.app_url}/webhooks/shopify"
        status = self.sender.shopify(url, SHOP, topic, payload, self.secret)
        if status is None:
            self.say(f"   (the sandbox dropped this {topic} webhook; reconciliation pulls it)")
            self.settle(self.reconciled, "pull orders for reconciliation")
        else:
            expect(status == 200, f"{topic} webhook answered {status}")

    def _pool_size(self) -> int:
        count = self.sandbox.shopify.shop(SHOP).discounts.code_count()
        self.outcome.friend_codes_on_store = count
        return count
