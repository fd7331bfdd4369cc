"""One sandbox WooCommerce store: its data, its API keys, and the requests it sends on its own.

A store sends three kinds of requests to the apps connected to it: the unsigned ping when a
webhook is saved, signed topic deliveries to every active webhook, and the wc-auth key post
(`wc_auth.py`). They all go through `transport`, which points at real HTTP by default and at
Passiton's app in `passiton sandbox`.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import requests

from passiton.sandbox.clock import SandboxClock
from passiton.sandbox.faults import FaultInjector
from passiton.sandbox.webhook_sender import Transport, WebhookSender, requests_transport
from passiton.sandbox.woocommerce_auth import ApiKeys
from passiton.sandbox.woocommerce_identity import WooIdentity
from passiton.sandbox.woocommerce_store import WooBuyer, WooOrder, WooStoreData, order_body

ADMIN_USER = 1
"""The WordPress user who approves key requests and owns the keys."""
UNREACHABLE = 0
"""The status recorded when the delivery URL could not be reached at all."""
MAX_FAILURES = 7
"""WooCommerce disables a webhook on its 7th consecutive failed delivery (seen), silently."""


@dataclass(frozen=True)
class Delivery:
    """One topic delivery to one webhook; `status` None when it was lost before sending."""

    topic: str
    webhook_id: int
    status: int | None


def delivered(status: int | None) -> bool:
    """WooCommerce counts 2xx and 300-302 as delivered."""
    return status is not None and 200 <= status < 303


class WooSite:
    """The store's data and keys, guarded by one lock, and what it sends out."""

    def __init__(
        self,
        clock: SandboxClock,
        faults: FaultInjector,
        keys: tuple[str, str],
    ) -> None:
        self.data = WooStoreData()
        self.identity = WooIdentity()
        self.lock = threading.RLock()
        self.calls: Counter[str] = Counter()
        self.keys = ApiKeys()
        self.keys.issue(ADMIN_USER, "read_write", keys)
        self.clock = clock
        self.home_url = ""
        """The store's address, set when the sandbox starts listening."""
        self.transport: Transport = requests_transport
        self.sender = WebhookSender(self.post, faults)

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        """POST from the store; an unreachable URL is a failure without a status."""
        try:
            return self.transport(url, body, headers)
        except requests.RequestException:
            # WordPress turns a connection failure into a WP_Error: the request failed, and
            # the store goes on (a webhook counts it, the wc-auth step shows an error page).
            return UNREACHABLE

    def place_order(self, buyer: WooBuyer, total: Decimal, codes: tuple[str, ...] = ()) -> WooOrder:
        """A paid order (placed at the checkout: no webhook is sent until `notify`)."""
        with self.lock:
            return self.data.place_order(buyer, total, codes, self.clock.now())

    def refund(self, order_id: int, amount: Decimal) -> WooOrder:
        """A refund on the order; the whole total back makes it `refunded`."""
        with self.lock:
            self.data.refund(order_id, amount, self.clock.now())
            return self.data.orders[order_id]

    def notify(self, order_id: int, *topics: str) -> list[Delivery]:
        """Deliver the order to every active webhook of each topic, body built when sent."""
        made: list[Delivery] = []
        for topic in topics:
            for hook in self._active_hooks(topic):
                with self.lock:
                    body = order_body(self.data.orders[order_id])
                status = self.sender.woocommerce(
                    hook["delivery_url"], self.home_url, topic, body, hook["secret"], hook["id"]
                )
                self._record(hook["id"], status)
                made.append(Delivery(topic, hook["id"], status))
        return made

    def ping(self, webhook_id: int) -> None:
        """Ping a webhook not delivered to yet; only exactly 200 marks it delivered."""
        with self.lock:
            hook = self.data.webhooks.get(webhook_id)
            if hook is None or hook["status"] != "active" or not hook["pending_delivery"]:
                return
            url = str(hook["delivery_url"])
        if self.sender.woocommerce_ping(url, webhook_id) == 200:
            with self.lock:
                hook["pending_delivery"] = False

    def _active_hooks(self, topic: str) -> list[dict[str, Any]]:
        with self.lock:
            return [
                dict(hook)
                for hook in self.data.webhooks.values()
                if hook["status"] == "active" and hook["topic"] == topic
            ]

    def _record(self, webhook_id: int, status: int | None) -> None:
        if status is None:
            return  # lost in the queue: WooCommerce never tried, so nothing is counted
        with self.lock:
            hook = self.data.webhooks.get(webhook_id)
            if hook is None:
                return
            # As `WC_Webhook::failed_delivery()` (`includes/class-wc-webhook.php`) counts: a
            # failure with more than 5 (`woocommerce_max_webhook_delivery_failures`) already
            # counted disables the webhook and leaves the count at 6; only a delivery that
            # succeeds sets it back to 0 (`WC_Webhook::deliver()`).
            if delivered(status):
                hook["failure_count"] = 0
            elif hook["failure_count"] >= MAX_FAILURES - 1:
                hook["status"] = "disabled"
            else:
                hook["failure_count"] += 1
