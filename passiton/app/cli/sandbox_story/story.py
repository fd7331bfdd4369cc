"""What the Shopify and WooCommerce sandbox stories share: expectations, balances, catching up.

A story drives Passiton's real HTTP app and connector against the sandbox store. With faults on,
failed store calls are left to the program's own safety nets (the task sweep, the webhook
check, reconciliation), which is what a run demonstrates.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Generic, TypeVar

from flask.testing import FlaskClient
from sqlalchemy import select

from passiton.app.runtime import Runtime
from passiton.core.models import Customer, RewardCode, RewardCodeStatus, Shop
from passiton.core.ports import StoreError
from passiton.core.services import approvals, reconciliation
from passiton.sandbox.server import Sandbox
from passiton.sandbox.webhook_sender import WebhookSender

MAX_SETTLE_ROUNDS = 12
"""Bounded retries: with 20 % faults a step almost never needs more than three."""
RETURN_WINDOW_PASSED = timedelta(days=31)

Say = Callable[[str], None]
Friend = TypeVar("Friend")
Order = TypeVar("Order")


class ScenarioFailed(Exception):
    """An expectation of the sandbox run did not hold."""


def expect(condition: bool, message: str) -> None:
    """Stop the run with `message` unless `condition` holds."""
    if not condition:
        raise ScenarioFailed(message)


@dataclass
class Outcome:
    """What the run did, for the summary."""

    balances: dict[str, tuple[int, int]] = field(default_factory=dict)
    reward_codes: list[str] = field(default_factory=list)
    friend_codes_on_store: int = 0
    settle_rounds: int = 0


@dataclass(frozen=True)
class Referrer:
    """Whose points the story follows: a name to print and their id on the platform."""

    name: str
    customer_id: str


@dataclass
class Story(ABC, Generic[Friend, Order]):
    """One referral told step by step against one shop of the sandbox.

    Every platform tells the same story (`run`); each says how its steps happen there.
    """

    runtime: Runtime
    web: FlaskClient
    sandbox: Sandbox
    say: Say
    outcome: Outcome = field(default_factory=Outcome)
    sender: WebhookSender = field(init=False)
    """Whatever sends this platform's webhooks (and counts the lost ones); set by each story."""
    currency: str = field(default="", init=False)
    """The store's currency, as the store told Passiton after the install."""

    @property
    @abstractmethod
    def title(self) -> str:
        """The line that introduces the story."""

    @property
    @abstractmethod
    def domain(self) -> str:
        """The shop's domain as Passiton stores it."""

    @property
    @abstractmethod
    def referrer(self) -> Referrer:
        """The buyer whose link the friends follow."""

    @property
    @abstractmethod
    def friends(self) -> tuple[Friend, Friend]:
        """The two friends who follow the referrer's link; the second one's order is refunded."""

    def run(self) -> Outcome:
        """Every step in order; raises ScenarioFailed when an expectation does not hold."""
        self.install()
        self.tell_identity()
        link = self.referrer_buys()
        codes = [self.friend_claims(link, friend) for friend in self.friends]
        orders = [
            self.friend_buys(friend, code) for friend, code in zip(self.friends, codes, strict=True)
        ]
        name = self.referrer.name
        self.expect_balance(2000, 0, f"both friends' orders credit {name}, pending")
        self.refund(orders[1])
        self.expect_balance(1000, 0, "the refund reverses the second friend's credit")
        self.approve(6)
        self.expect_balance(0, 1000, f"approval makes {name}'s points available")
        self.redeem()
        return self.outcome

    @abstractmethod
    def install(self) -> None:
        """1. The merchant installs or connects the shop; webhooks and the friend pool are set."""

    @abstractmethod
    def referrer_buys(self) -> str:
        """2. The referrer's paid order reaches Passiton; returns their referral code."""

    @abstractmethod
    def friend_claims(self, link: str, friend: Friend) -> str:
        """3. A friend claims a code at /r/<link>; returns the code."""

    @abstractmethod
    def friend_buys(self, friend: Friend, code: str) -> Order:
        """4. The friend pays with the code and the store tells Passiton."""

    @abstractmethod
    def refund(self, order: Order) -> None:
        """5. The merchant refunds the order in full and the store tells Passiton."""

    @abstractmethod
    def redeem(self) -> None:
        """7. The referrer turns 500 points into a reward code created on the store."""

    def approve(self, step: int) -> None:
        """The approval job, as if the return window had passed."""
        later = datetime.now(UTC) + RETURN_WINDOW_PASSED
        approved = self.runtime.db.run(lambda s: approvals.approve_due(s, later))
        self.say(f"{step}. 31 days later the return window has passed: {approved} credit approved.")

    def tell_identity(self) -> None:
        """What the store said it is, asked by a task after the install (not the host name)."""
        shop_id = self.shop_id()
        expect(shop_id is not None, "the shop is not installed")
        self.settle(
            lambda: self._shop().facts_refreshed_at is not None,
            "learn the store's name and currency",
            lambda: self.runtime.tasks.refresh_shop_facts(shop_id),
        )
        shop = self._shop()
        self.currency = shop.currency
        self.say(
            f'   The store says it is "{shop.name}": prices in {shop.currency}, '
            f"language {shop.locale}, time zone {shop.timezone}."
        )

    def _shop(self) -> Shop:
        with self.runtime.db.sessions() as session:
            shop = session.scalar(select(Shop).where(Shop.domain == self.domain))
            expect(shop is not None, "the shop is not installed")
            assert shop is not None
            return shop

    def expect_balance(self, pending: int, available: int, why: str) -> None:
        have = self.balance()
        self.outcome.balances[self.referrer.name] = have
        expect(have == (pending, available), f"{why}: expected {pending}/{available}, got {have}")
        self.say(f"   {self.referrer.name}'s points: {have[0]} pending, {have[1]} available.")

    def balance(self) -> tuple[int, int]:
        """The referrer's (pending, available) points in this shop."""
        with self.runtime.db.sessions() as session:
            customer = session.scalar(
                select(Customer)
                .join(Shop, Shop.id == Customer.shop_id)
                .where(
                    Shop.domain == self.domain,
                    Customer.platform_customer_id == self.referrer.customer_id,
                )
            )
            return (
                (0, 0) if customer is None else (customer.points_pending, customer.points_available)
            )

    def settle(
        self, done: Callable[[], bool], what: str, catch_up: Callable[[], object] | None = None
    ) -> None:
        """Run a periodic job (the sweep by default) until `done` holds: how faults converge."""
        for _ in range(MAX_SETTLE_ROUNDS):
            if done():
                return
            self.outcome.settle_rounds += 1
            (catch_up or self.runtime.tasks.sweep)()
        if not done():
            raise ScenarioFailed(f"could not {what} in {MAX_SETTLE_ROUNDS} rounds")

    def shop_id(self) -> int | None:
        with self.runtime.db.sessions() as session:
            return session.scalar(select(Shop.id).where(Shop.domain == self.domain))

    def reconciled(self) -> bool:
        """One reconciliation pass over the shop's orders; False when the store failed it."""
        shop_id = self.shop_id()
        if shop_id is None:
            return False
        try:
            reconciliation.reconcile_shop(
                self.runtime.db.sessions, self.runtime.stores, shop_id, datetime.now(UTC)
            )
        except StoreError:
            return False
        return True

    def reward_created(self, code: str) -> bool:
        with self.runtime.db.sessions() as session:
            reward = session.scalar(select(RewardCode).where(RewardCode.code == code))
            return reward is not None and reward.status is RewardCodeStatus.CREATED
