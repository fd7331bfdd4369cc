"""The companion plugin's PHP, run from tests through php-cli: its pure functions on their own,
and whole requests to a store on a fake WordPress (tests/woocommerce/php)."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from passiton.app.runtime import Runtime
from passiton.connectors.woocommerce.auth import new_plugin_key
from passiton.core import ledger
from passiton.core.merchants import PluginKey
from passiton.core.models import Customer, EntryKind, Platform
from passiton.core.services.shops import install_shop

PLUGIN = Path(__file__).resolve().parents[2] / "manifest" / "woocommerce" / "passiton"
PHP_DIR = Path(__file__).with_name("php")
HARNESS = PHP_DIR / "plugin_functions.php"
STORE_REQUEST = PHP_DIR / "account_tab.php"
ANNA = {"customer_id": "7", "email": "anna@example.com", "first_name": "Anna"}


def php_binary() -> str:
    """php-cli; its absence fails the test run (scripts/test installs it), it never skips."""
    php = shutil.which("php")
    assert php is not None, "php-cli is required to test the companion plugin"
    return php


def _run(script: Path, payload: object) -> Any:
    # Every notice and warning goes to stderr, and any output there fails the test.
    result = subprocess.run(
        [php_binary(), "-d", "display_errors=stderr", "-d", "error_reporting=-1", str(script)],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert result.stderr == "", result.stderr
    return json.loads(result.stdout)


def php_calls(*calls: tuple[str, list[Any]]) -> list[Any]:
    """Run each `(function, args)` in one PHP process."""
    answers = _run(HARNESS, [[name, args] for name, args in calls])
    assert isinstance(answers, list)
    return answers


def php(function: str, *args: Any) -> Any:
    """One plugin function's result, e.g. `php("passiton_clean_code", "anna-7k2q")`."""
    return php_calls((function, list(args)))[0]


def seed_store(runtime: Runtime, currency: str = "EUR") -> tuple[int, str]:
    """A connected WooCommerce store with its plugin key, and Anna with 800 available points.

    Returns the store id and the plugin key, as the merchant's account page shows them.
    """
    plugin_key = new_plugin_key()
    with runtime.db.transaction() as session:
        shop = install_shop(
            session, platform=Platform.WOOCOMMERCE, domain="https://shop.example", currency=currency
        )
        session.add(PluginKey(shop_id=shop.id, sealed_key=runtime.vault.seal_text(plugin_key)))
        anna = Customer(
            shop_id=shop.id,
            platform_customer_id=ANNA["customer_id"],
            email=ANNA["email"],
            email_key=ANNA["email"],
            first_name=ANNA["first_name"],
            referral_code="ANNA-7K2Q",
        )
        session.add(anna)
        session.flush()
        ledger.post(
            session,
            shop_id=shop.id,
            customer_id=anna.id,
            kind=EntryKind.ADJUST,
            key="adjust:test-800",
            available=800,
        )
        return shop.id, plugin_key


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str]


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.forms.append(Form(values.get("action", ""), values.get("method", "get"), {}))
        elif tag == "input" and self.forms and "name" in values:
            self.forms[-1].fields[values["name"]] = values.get("value", "")


def forms_of(html: str) -> list[Form]:
    parser = _Forms()
    parser.feed(html)
    parser.close()
    return parser.forms


@dataclass
class StoreVisit:
    """A shopper logged in to a store that runs the plugin; the store keeps its transients."""

    options: dict[str, Any]
    user: dict[str, Any]
    transients: dict[str, Any] = field(default_factory=dict)

    def request(self, post: dict[str, str] | None = None) -> dict[str, Any]:
        """One request: the "Refer a friend" tab, or (with `post`) a form's POST."""
        payload = {
            "user": self.user,
            "options": self.options,
            "transients": self.transients,
            "post": post,
        }
        done = _run(STORE_REQUEST, payload)
        assert isinstance(done, dict)
        self.transients = dict(done["transients"])
        return done


JOURNEY = PHP_DIR / "shopper_journey.php"
LIFECYCLE = PHP_DIR / "plugin_lifecycle.php"


def shopper_journey(
    steps: list[list[Any]],
    cookies: dict[str, str] | None = None,
    coupons: list[str] | None = None,
    locale: str = "en_US",
) -> dict[str, Any]:
    """A shopper's requests to a store running the plugin (php/shopper_journey.php).

    Steps: `["visit", {query}]`, `["add_to_cart", product_id]`, `["checkout", "block" | "classic"]`.
    The store has the coupons in `coupons` (lower-cased, as WooCommerce stores them); the pages
    are in WordPress's `locale`.
    """
    payload = {"cookies": cookies or {}, "coupons": coupons or [], "steps": steps, "locale": locale}
    done = _run(JOURNEY, payload)
    assert isinstance(done, dict)
    return done


def plugin_lifecycle(request: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """One request in the plugin's life: "activate", "load" or "deactivate"."""
    done = _run(LIFECYCLE, {"request": request, "options": options or {}})
    assert isinstance(done, dict)
    return done


PRIVACY_REQUEST = PHP_DIR / "privacy_request.php"


def privacy_request(
    tool: str, email: str, options: dict[str, Any], user: dict[str, Any] | None
) -> dict[str, Any]:
    """WordPress's Tools → Export/Erase Personal Data for `email`, through the plugin."""
    done = _run(PRIVACY_REQUEST, {"tool": tool, "email": email, "options": options, "user": user})
    assert isinstance(done, dict)
    return done


STOREFRONT = PHP_DIR / "storefront_request.php"


def placed_order(**changes: Any) -> dict[str, Any]:
    """A paid guest order, placed a minute ago, as php/storefront_request.php places it."""
    order = {
        "id": 17,
        "status": "processing",
        "customer_id": 0,
        "email": "dan@example.com",
        "first_name": "Dan",
        "order_key": "wc_order_Zk3q9XbD1",
        "placed_seconds_ago": 60,
        "locale": "en_US",
    }
    return {**order, **changes}


def storefront_request(
    render: list[Any],
    options: dict[str, Any],
    orders: list[dict[str, Any]] | None = None,
    get: dict[str, str] | None = None,
    query_vars: dict[str, str] | None = None,
    user: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One storefront request through the plugin: a thank-you page, an e-mail, a panel."""
    payload = {
        "render": render,
        "options": options,
        "orders": orders or [],
        "get": get or {},
        "query_vars": query_vars or {},
        "user": user or {"ID": 0, "user_email": "", "first_name": ""},
    }
    done = _run(STOREFRONT, payload)
    assert isinstance(done, dict)
    return done
