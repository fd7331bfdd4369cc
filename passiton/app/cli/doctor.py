"""`passiton doctor`: checks what an operator would check by hand, and says what is wrong.

Each check returns findings in plain words; the command exits 1 when any finding is a problem.
The store checks make the same calls the service already makes: the shop facts refresh (a read
that proves the stored credentials still work) and the webhook check that `passiton woocommerce
check-webhooks` and the hourly job run (which repairs what it finds, as they do).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import select, text

from passiton.app import migrate
from passiton.app.config import Settings
from passiton.app.platforms.woocommerce import woocommerce_store
from passiton.app.runtime import Runtime
from passiton.app.tasks.heartbeat import STALE_AFTER, last_beat
from passiton.core.models import Platform, Shop, ShopStatus
from passiton.core.ports import StoreError, StoreShop
from passiton.core.services.shops import store_shop

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass(frozen=True)
class Finding:
    subject: str
    detail: str
    problem: bool = False

    def line(self) -> str:
        return f"{'PROBLEM' if self.problem else 'ok     '}  {self.subject}: {self.detail}"


def check_configuration(settings: Settings) -> list[Finding]:
    """Settings that load but would not work in production."""
    found: list[Finding] = []
    public = settings.app_url.split("://", 1)[1].split("/", 1)[0].rsplit(":", 1)[0].strip("[]")
    if settings.app_url.startswith("http://") and public not in LOCAL_HOSTS:
        found.append(
            Finding(
                "configuration",
                f"PASSITON_APP_URL is {settings.app_url}: stores deliver webhooks only to "
                "https URLs. Put an HTTPS proxy in front and set the https address.",
                problem=True,
            )
        )
    if bool(settings.shopify_api_key) != bool(settings.shopify_api_secret):
        found.append(
            Finding(
                "configuration",
                "only one of SHOPIFY_API_KEY and SHOPIFY_API_SECRET is set: Shopify needs both.",
                problem=True,
            )
        )
    if settings.database_url.startswith("sqlite") and settings.queue_on_redis:
        found.append(
            Finding(
                "configuration",
                "the database is a local SQLite file while the queue is on Redis: workers on "
                "other machines cannot reach the database. Use PostgreSQL.",
                problem=True,
            )
        )
    if not found:
        found.append(Finding("configuration", "loaded"))
    return found


def check_database(runtime: Runtime) -> list[Finding]:
    try:
        with runtime.db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        current, head = migrate.revisions(runtime.settings.database_url)
    except Exception as error:  # what failed is the finding, in the driver's words
        return [Finding("database", f"cannot be reached: {_first_line(error)}", problem=True)]
    if current != head:
        return [
            Finding(
                "database",
                f"is at migration {current or 'none'} but this version needs {head}: "
                "run `passiton db upgrade`.",
                problem=True,
            )
        ]
    return [Finding("database", f"reachable, migrated to {head}")]


def check_queue(runtime: Runtime, now: float | None = None) -> list[Finding]:
    try:
        waiting = runtime.huey.pending_count()
        seen = last_beat(runtime.huey)
    except Exception as error:  # an unreachable queue store is the finding
        return [Finding("queue", f"cannot be reached: {_first_line(error)}", problem=True)]
    found = [Finding("queue", f"reachable, {waiting} task(s) waiting")]
    if seen is None:
        found.append(
            Finding(
                "worker",
                "no task worker has ever been seen on this queue: start `passiton worker` "
                "(or `passiton serve` without --no-worker).",
                problem=True,
            )
        )
        return found
    ago = max((time.time() if now is None else now) - seen, 0.0)
    if ago > STALE_AFTER:
        found.append(
            Finding(
                "worker",
                f"no task worker seen for {ago:.0f} s (they beat every few seconds): "
                "webhooks are recorded but not applied until one runs again.",
                problem=True,
            )
        )
    else:
        found.append(Finding("worker", f"seen {ago:.0f} s ago"))
    return found


def check_shops(runtime: Runtime) -> list[Finding]:
    """Each active shop: do its credentials work, and are its webhooks in place?"""
    with runtime.db.sessions() as session:
        targets = [
            store_shop(shop)
            for shop in session.scalars(
                select(Shop).where(Shop.status == ShopStatus.ACTIVE).order_by(Shop.id)
            )
        ]
    if not targets:
        return [Finding("shops", "none installed or connected yet")]
    found: list[Finding] = []
    for target in targets:
        subject = f"shop {target.shop_id} ({target.domain}, {target.platform})"
        try:
            runtime.stores.store_for(target).shop_facts()
        except StoreError as error:
            found.append(
                Finding(subject, f"the store refused a read with its credentials: {error}", True)
            )
            continue
        found.append(_webhooks(runtime, target, subject))
    return found


def _webhooks(runtime: Runtime, target: StoreShop, subject: str) -> Finding:
    try:
        if target.platform == Platform.WOOCOMMERCE:
            check = woocommerce_store(runtime, target).check_webhooks()
        else:
            runtime.stores.store_for(target).register_webhooks()
            return Finding(subject, "credentials work; webhook subscriptions in place")
    except StoreError as error:
        return Finding(
            subject, f"credentials work, but webhooks could not be checked: {error}", True
        )
    repaired = [f"{t} was missing (created)" for t in check.created] + [
        f"{t} was disabled by WooCommerce (re-activated; check again soon)"
        for t in check.reactivated
    ]
    if repaired:
        return Finding(subject, "credentials work; webhooks: " + "; ".join(repaired), True)
    return Finding(subject, f"credentials work; {len(check.active)} webhooks active")


def run_checks(settings: Settings, runtime: Runtime) -> list[Finding]:
    """Every check, in the order an operator would look."""
    findings = check_configuration(settings)
    findings += check_database(runtime)
    findings += check_queue(runtime)
    # SMTP: e-mail sending adds its own check here (connect and authenticate to the relay).
    if not any(f.problem for f in findings if f.subject == "database"):
        findings += check_shops(runtime)
    return findings


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:300]
