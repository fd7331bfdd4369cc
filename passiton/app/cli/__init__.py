"""The `passiton` command."""

from __future__ import annotations

import os
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from passiton.app import migrate
from passiton.app.config import ConfigError, Settings, load_settings
from passiton.app.log_setup import configure_logging, redact
from passiton.app.mail.operator_check import send_operator_test
from passiton.app.mail.transport import MailError
from passiton.app.platforms.woocommerce import woocommerce_store
from passiton.app.runtime import build_runtime
from passiton.app.serving.public_url import public_url, served_url
from passiton.app.tasks.heartbeat import HeartbeatThread
from passiton.app.tasks.jobs import WEBHOOK_RECHECK
from passiton.app.web.merchant.api_keys import create_api_key
from passiton.connectors.woocommerce.client import WebhookCheck
from passiton.core.identity import is_plausible_email
from passiton.core.models import Platform, Shop, ShopStatus
from passiton.core.ports import StoreError
from passiton.core.services import reconciliation
from passiton.core.services.shops import store_shop


def _settings() -> Settings:
    try:
        return load_settings()
    except ConfigError as error:
        raise click.ClickException(str(error)) from error


@click.group()
def main() -> None:
    """Passiton: a self-hostable referral program for Shopify and WooCommerce stores."""


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION."""
    settings = _settings()
    migrate.upgrade(settings.database_url, revision)
    click.echo(f"database at {revision}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--web-workers", default=2, show_default=True, type=int)
@click.option("--task-workers", default=2, show_default=True, type=int)
@click.option("--no-worker", is_flag=True, help="Do not start the embedded task worker.")
def serve(host: str, port: int, web_workers: int, task_workers: int, no_worker: bool) -> None:
    """Run the web service (gunicorn) with an embedded task worker, restarted if it dies."""
    from passiton.app.serving.supervisor import Child, Supervisor

    settings = _settings()
    configure_logging(settings.log_format)
    migrate.upgrade(settings.database_url)
    public = public_url(settings.app_url if settings.app_url_given else None, host, port)
    # Both children read their settings from this environment: the links the web role writes
    # and the ones the worker puts in e-mails and store calls must agree.
    os.environ["PASSITON_APP_URL"] = public.url
    if public.warning:
        click.echo(f"warning: {public.warning}", err=True)
    # The web role runs in its own interpreter so gevent patches it before anything of the
    # app is imported (see passiton.app.serving.server); this process only supervises.
    children = [
        Child(
            "web",
            [
                *(sys.executable, "-m", "passiton.app.serving.server"),
                *("--host", host, "--port", str(port), "--workers", str(web_workers)),
            ],
            restart=False,
        )
    ]
    if not no_worker:
        children.append(
            Child(
                "worker",
                [
                    *(sys.executable, "-m", "passiton.app.cli", "worker"),
                    *("--workers", str(task_workers)),
                ],
                restart=True,
                # Huey finishes the tasks in hand on SIGINT; SIGTERM would abandon them.
                stop_signal=signal.SIGINT,
            )
        )
    click.echo(
        f"Passiton listening on {served_url(host, port)}  (health: /healthz; links point at "
        f"{public.url})"
    )
    status = Supervisor(children).run()
    if status:
        raise SystemExit(status)


@main.command()
@click.option("--workers", default=2, show_default=True, type=int)
@click.option(
    "--scheduler/--no-scheduler",
    default=True,
    show_default=True,
    help="Also enqueue the periodic jobs; run exactly one worker with it.",
)
def worker(workers: int, scheduler: bool) -> None:
    """Run the task worker (Huey consumer, with the periodic jobs unless --no-scheduler)."""
    settings = _settings()
    configure_logging(settings.log_format)
    runtime = build_runtime(settings)
    consumer = runtime.huey.create_consumer(
        workers=workers, worker_type="thread", periodic=scheduler
    )
    role = "with the periodic jobs" if scheduler else "without the periodic jobs"
    click.echo(
        f"Passiton worker running ({workers} threads, {role}, "
        f"queue {redact(runtime.settings.queue_url)})"
    )
    heartbeat = HeartbeatThread(runtime.huey)
    heartbeat.start()
    try:
        consumer.run()
    finally:
        heartbeat.stop()


@main.command()
def doctor() -> None:
    """Check configuration, database, queue, workers and each shop's store; say what is wrong."""
    from passiton.app.cli.doctor import Finding, run_checks

    try:
        settings = load_settings()
    except ConfigError as error:
        click.echo(Finding("configuration", str(error), problem=True).line())
        raise SystemExit(1) from error
    runtime = build_runtime(settings)
    try:
        findings = run_checks(settings, runtime)
    finally:
        runtime.close()
    for finding in findings:
        click.echo(finding.line())
    problems = sum(f.problem for f in findings)
    click.echo(f"{problems} problem(s) found." if problems else "All good.")
    if problems:
        raise SystemExit(1)


@main.group()
def shops() -> None:
    """Installed shops."""


@shops.command("list")
def shops_list() -> None:
    """List shops with their platform and status."""
    runtime = build_runtime(_settings())
    with runtime.db.sessions() as session:
        rows = session.scalars(select(Shop).order_by(Shop.id)).all()
        if not rows:
            click.echo("no shops yet")
        for shop in rows:
            click.echo(f"{shop.id}\t{shop.platform.value}\t{shop.domain}\t{shop.status.value}")


@main.group("api-keys")
def api_keys() -> None:
    """Per-shop keys for the merchant API."""


@api_keys.command("create")
@click.option("--shop", "shop_ref", required=True, help="Shop id or domain.")
@click.option("--name", default="cli", show_default=True)
def api_keys_create(shop_ref: str, name: str) -> None:
    """Create an API key for a shop and print it (it is shown only once)."""
    runtime = build_runtime(_settings())
    with runtime.db.transaction() as session:
        shop = _find_shop(session, shop_ref)
        key = create_api_key(session, shop.id, name)
    click.echo(key)


@main.command()
@click.option("--shop", "shop_ref", default=None, help="Shop id or domain (default: all).")
def reconcile(shop_ref: str | None) -> None:
    """Pull orders changed since the last watermark from the stores and apply them now."""
    runtime = build_runtime(_settings())
    with runtime.db.sessions() as session:
        if shop_ref:
            ids = [_find_shop(session, shop_ref).id]
        else:
            ids = list(session.scalars(select(Shop.id).order_by(Shop.id)))
    for shop_id in ids:
        seen = reconciliation.reconcile_shop(
            runtime.db.sessions, runtime.stores, shop_id, datetime.now(UTC)
        )
        click.echo(f"shop {shop_id}: {seen} orders reconciled")


@main.group()
def mail() -> None:
    """E-mail."""


@mail.command("test")
@click.option("--to", "to", required=True, help="The address to send the test message to.")
def mail_test(to: str) -> None:
    """Send one test message through the configured transport (SMTP, or var/outbox/)."""
    if not is_plausible_email(to):
        raise click.ClickException(f"not an e-mail address: {to}")
    try:
        click.echo(send_operator_test(_settings(), to))
    except MailError as error:
        raise click.ClickException(f"the message was not sent: {error}") from error


@main.group()
def woocommerce() -> None:
    """Connected WooCommerce stores."""


@woocommerce.command("check-webhooks")
@click.option(
    "--shop", "shop_ref", default=None, help="Shop id or domain (default: every connected store)."
)
def woocommerce_check_webhooks(shop_ref: str | None) -> None:
    """Check the stores' webhooks now: create missing ones, re-activate disabled ones."""
    runtime = build_runtime(_settings())
    with runtime.db.sessions() as session:
        if shop_ref:
            shop = _find_shop(session, shop_ref)
            if shop.platform is not Platform.WOOCOMMERCE:
                raise click.ClickException(f"shop '{shop_ref}' is not a WooCommerce store")
            if shop.status is not ShopStatus.ACTIVE:
                raise click.ClickException(f"shop '{shop_ref}' is disconnected")
            targets = [store_shop(shop)]
        else:
            found = session.scalars(
                select(Shop)
                .where(Shop.platform == Platform.WOOCOMMERCE, Shop.status == ShopStatus.ACTIVE)
                .order_by(Shop.id)
            )
            targets = [store_shop(shop) for shop in found]
    if not targets:
        click.echo("no connected WooCommerce stores")
    failed = 0
    for target in targets:
        try:
            check = woocommerce_store(runtime, target).check_webhooks()
        except StoreError as error:
            click.echo(f"shop {target.shop_id} ({target.domain}): not checked: {error}", err=True)
            failed += 1
            continue
        click.echo(_webhook_report(target.shop_id, target.domain, check))
    if failed:
        raise click.ClickException(f"{failed} store(s) could not be checked")


def _webhook_report(shop_id: int, domain: str, check: WebhookCheck) -> str:
    minutes = int(WEBHOOK_RECHECK.total_seconds() // 60)
    lines = [f"shop {shop_id} ({domain}):"]
    lines += [f"  {topic}: active" for topic in check.active]
    lines += [f"  {topic}: missing, created" for topic in check.created]
    lines += [f"  {topic}: disabled, re-activated" for topic in check.reactivated]
    if check.duplicates_removed:
        lines.append(f"  {check.duplicates_removed} duplicate webhook(s) removed")
    if check.created or check.reactivated:
        lines.append("  orders changed meanwhile are being reconciled (WooCommerce never retries).")
    if check.reactivated:
        lines.append(
            "  note: WooCommerce keeps a re-activated webhook's failure count at 6 until a "
            "delivery succeeds, so one more failure disables it again; it is checked again "
            f"in {minutes} minutes - check again soon, not in an hour."
        )
    return "\n".join(lines)


@main.command()
@click.option("--faults", is_flag=True, help="Make 20 % of store calls fail and drop webhooks.")
@click.option("--var-dir", type=click.Path(path_type=Path), default=None, help="Keep data here.")
@click.option("--seed", default=7, show_default=True, type=int, help="Seed for the faults.")
@click.option(
    "--platform",
    type=click.Choice(["shopify", "woocommerce", "both"]),
    default="both",
    show_default=True,
    help="Whose story to tell (both: Shopify, then WooCommerce).",
)
def sandbox(faults: bool, var_dir: Path | None, seed: int, platform: str) -> None:
    """Run a whole referral against a local sandbox store and explain each step."""
    from passiton.app.cli.sandbox_run import run_sandbox

    platforms = ("shopify", "woocommerce") if platform == "both" else (platform,)
    run_sandbox(var_dir, faults, seed, platforms)


def _find_shop(session: Session, ref: str) -> Shop:
    query = (
        select(Shop).where(Shop.id == int(ref))
        if ref.isdigit()
        else select(Shop).where(Shop.domain == ref)
    )
    shop = session.scalar(query)
    if shop is None:
        raise click.ClickException(f"no shop '{ref}'")
    return shop
