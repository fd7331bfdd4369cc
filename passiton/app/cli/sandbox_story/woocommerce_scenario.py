"""The WooCommerce sandbox story: one store's referral program from connecting to reward code.

Everything Passiton does here goes through its real HTTP app and real WooCommerce connector
(REST calls signed with OAuth 1.0a, webhooks verified with the store's own secret); only the
store is the sandbox. The store sends its webhooks itself, to the delivery URLs and with the
secrets Passiton registered, so a registration that went wrong shows as a story that stops.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from passiton.app.cli.sandbox_story import woocommerce_storefront as woo
from passiton.app.cli.sandbox_story.story import Referrer, ScenarioFailed, Story, expect
from passiton.app.cli.sandbox_story.woocommerce_storefront import CompanionPlugin
from passiton.sandbox.woocommerce_store import WooBuyer, WooOrder

MERCHANT = ("owner@anna-rings.example", "sandbox-password-1")
ANNA = WooBuyer(12, "anna@example.com", "Anna", "1 Ring Road", "10115", "+49 30 1000")
FRIENDS = (
    # Guests (customer id 0), as most first-time buyers are.
    WooBuyer(0, "ben@example.com", "Ben", "2 Elm Street", "20095", "+49 40 2000"),
    WooBuyer(0, "cleo@example.com", "Cleo", "3 Oak Lane", "80331", "+49 89 3000"),
)
TOPICS = ("order.created", "order.updated", "order.deleted", "customer.created")
"""The webhooks docs/woocommerce.md says Passiton registers."""
PAID = ("order.created", "order.updated")
"""What a paid checkout order fires (the body is built when sent: both carry the same order)."""
POOL_SIZE = 50


@dataclass
class WooCommerceScenario(Story[WooBuyer, WooOrder]):
    plugin: CompanionPlugin = field(init=False)
    """The companion plugin, once the merchant has pasted its settings."""

    def __post_init__(self) -> None:
        self.sender = self.sandbox.woo_site.sender

    @property
    def title(self) -> str:
        return f"WooCommerce: one referral on the store at {self.sandbox.url}"

    @property
    def domain(self) -> str:
        return self.sandbox.url

    @property
    def referrer(self) -> Referrer:
        return Referrer(ANNA.first_name, str(ANNA.customer_id))

    @property
    def friends(self) -> tuple[WooBuyer, WooBuyer]:
        return FRIENDS

    def install(self) -> None:
        store = self.sandbox.url
        self.say(f"1. The merchant signs up on Passiton and connects the store at {store}.")
        woo.sign_up(self.web, *MERCHANT)
        woo.connect_store(self.web, store)
        self.settle(
            lambda: self.shop_id() is not None,
            "connect the store",
            self.runtime.tasks.sweep_woocommerce_grants,
        )
        account = self.web.get("/account").get_data(as_text=True)
        self.say('   They approved a read/write key for "Passiton" on the store (wc-auth);')
        self.say("   the store POSTed it to Passiton's callback and sent them back to Passiton,")
        self.say("   which proved the key with a REST call to the store before linking it.")
        self.settle(self._webhooks_ready, "register webhooks", self.runtime.tasks.check_webhooks)
        expect(all(s == 200 for _, s in self.sender.pings), "a webhook ping was not answered 200")
        self.say(f"   Passiton registered {len(TOPICS)} webhooks with a secret of its own:")
        self.say(f"   {', '.join(TOPICS)};")
        self.say("   the store pinged each one and Passiton answered 200.")
        self.settle(lambda: self._pool_size() >= POOL_SIZE, "fill the friend-code pool")
        self.say(
            f"   The friend pool is on the store: {self.outcome.friend_codes_on_store} "
            "single-use coupons, created with coupons/batch."
        )
        settings = woo.plugin_settings(account)
        self.say(f"   They copy store id {settings.shop_id} and the plugin key from the account")
        self.say("   page into the companion plugin's settings.")
        self.plugin = CompanionPlugin(self.web.application.test_client(), settings)

    def referrer_buys(self) -> str:
        self.say(
            f"2. Anna buys a ring for 120.00 {self.currency}; "
            "WooCommerce sends order.created + order.updated."
        )
        self.notify(self.checkout(ANNA, Decimal("120.00")), PAID)
        data = self.plugin.refer_a_friend(ANNA)
        link = str(data["referral_code"])
        self.say(f'   Her "Refer a friend" tab (a signed plugin request) shows {data["link"]}')
        return link

    def friend_claims(self, link: str, friend: WooBuyer) -> str:
        # Each friend is a visitor of their own: a fresh browser from an address of its own.
        browser = self.web.application.test_client()
        browser.environ_base["REMOTE_ADDR"] = f"192.0.2.{FRIENDS.index(friend) + 1}"
        code = woo.claim(browser, link, friend.email, self.sandbox.url)
        self.say(f"3. {friend.first_name} opens /r/{link}, enters {friend.email}, and is sent to")
        self.say(f"   the store with ?passiton_coupon={code} (the plugin applies it to the cart).")
        return code

    def friend_buys(self, friend: WooBuyer, code: str) -> WooOrder:
        order = self.checkout(friend, Decimal("80.00"), code)
        self.say(
            f"4. {friend.first_name} pays 80.00 {self.currency} with {code}; "
            "WooCommerce sends order.created + order.updated."
        )
        self.notify(order, PAID)
        return order

    def refund(self, order: WooOrder) -> None:
        self.say("5. The merchant refunds Cleo's order in full; WooCommerce sends order.updated.")
        refunded = self.sandbox.woo_site.refund(order.order_id, Decimal("80.00"))
        self.notify(refunded, ("order.updated",))

    def redeem(self) -> None:
        self.say("7. Anna turns 500 points into a reward code (a signed plugin redeem request).")
        answer = self.plugin.redeem(ANNA, 500, f"sandbox-redeem-{ANNA.customer_id}")
        code = str(answer["code"])
        self.settle(lambda: self.reward_created(code), "create the reward code on the store")
        with self.sandbox.woo_lock:
            coupon = dict(self.sandbox.woo.coupon_by_code(code) or {})
        expect(bool(coupon), f"reward coupon {code} is not on the store")
        expect(coupon.get("email_restrictions") == [ANNA.email], "the reward is not Anna's alone")
        expect(coupon.get("usage_limit") == 1, "the reward can be used more than once")
        self.say(f"   Reward coupon {code} ({coupon['amount']}) now exists on the store,")
        self.say(f"   single use and restricted to {ANNA.email}.")
        self.outcome.reward_codes.append(code)
        self.expect_balance(0, 500, "the redemption debits 500 points")

    def checkout(self, buyer: WooBuyer, total: Decimal, *codes: str) -> WooOrder:
        """A paid order at the store's checkout, which applies each coupon's rules."""
        try:
            return self.sandbox.place_woo_order(buyer, total, codes)
        except ValueError as refused:
            raise ScenarioFailed(str(refused)) from refused

    def notify(self, order: WooOrder, topics: tuple[str, ...]) -> None:
        """The store delivers the order; when every delivery is lost, reconciliation pulls it."""
        made = self.sandbox.woo_site.notify(order.order_id, *topics)
        expect(len(made) == len(topics), f"the store has no active webhook for all of {topics}")
        for delivery in made:
            answered = delivery.status
            expect(answered in (None, 200), f"{delivery.topic} webhook answered {answered}")
        lost = " and ".join(d.topic for d in made if d.status is None)
        if lost and all(d.status is None for d in made):
            self.say(f"   (the sandbox dropped {lost}; reconciliation pulls the order)")
            self.settle(self.reconciled, "pull orders for reconciliation")
        elif lost:
            self.say(f"   (the sandbox dropped {lost}; the other delivery carries the same order)")

    def _webhooks_ready(self) -> bool:
        """One active webhook per topic on the store, delivering to this shop's URL."""
        url = f"{self.runtime.settings.app_url}/webhooks/woocommerce/{self.shop_id()}"
        with self.sandbox.woo_lock:
            active = [
                hook["topic"]
                for hook in self.sandbox.woo.webhooks.values()
                if hook["delivery_url"] == url and hook["status"] == "active"
            ]
        return sorted(active) == sorted(TOPICS)

    def _pool_size(self) -> int:
        with self.sandbox.woo_lock:
            count = len(self.sandbox.woo.coupons)
        self.outcome.friend_codes_on_store = count
        return count
