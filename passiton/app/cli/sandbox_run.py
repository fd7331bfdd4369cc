"""`passiton sandbox`: the whole program against a local sandbox store, told step by step."""

from __future__ import annotations

import logging
import secrets
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
from flask import Flask

from passiton.app import migrate
from passiton.app.cli.sandbox_mail import last_message_id, mail_report
from passiton.app.cli.sandbox_story.shopify_scenario import ShopifyScenario
from passiton.app.cli.sandbox_story.storefront import app_transport
from passiton.app.cli.sandbox_story.story import ScenarioFailed, Story
from passiton.app.cli.sandbox_story.woocommerce_scenario import WooCommerceScenario
from passiton.app.config import Settings
from passiton.app.factory import create_app
from passiton.app.runtime import Runtime, build_runtime
from passiton.sandbox.faults import FaultSettings
from passiton.sandbox.server import Sandbox
from passiton.sandbox.shopify_oauth import ShopifyApp

FAULT_RATE = 0.2
STORIES: dict[str, type[Story[Any, Any]]] = {
    "shopify": ShopifyScenario,
    "woocommerce": WooCommerceScenario,
}
"""The stories in the order `--platform both` tells them."""


def sandbox_settings(var_dir: Path, app: ShopifyApp, sandbox: Sandbox) -> Settings:
    """The embedded defaults (SQLite, tasks run inline) pointed at the sandbox."""
    return Settings(
        database_url=f"sqlite:///{var_dir / 'passiton.db'}",
        queue_url=f"sqlite:///{var_dir / 'queue.db'}",
        app_url="http://127.0.0.1:8000",
        secret_key=secrets.token_urlsafe(32),
        shopify_api_key=app.client_id,
        shopify_api_secret=app.client_secret,
        shopify_admin_url_template=sandbox.shopify_admin_template,
        var_dir=var_dir,
        immediate_tasks=True,
    )


def run_sandbox(
    var_dir: Path | None, faults: bool, seed: int, platforms: Sequence[str] = tuple(STORIES)
) -> None:
    """Start the sandbox, tell each platform's story, print summaries; ClickException on failure."""
    work = var_dir or Path(tempfile.mkdtemp(prefix="passiton-sandbox-"))
    work.mkdir(parents=True, exist_ok=True)
    handler = _log_to_file(work / "sandbox.log")
    try:
        _run(work, faults, seed, platforms)
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()


def _run(work: Path, faults: bool, seed: int, platforms: Sequence[str]) -> None:
    app = ShopifyApp("sandbox-client-id", secrets.token_hex(16))
    chaos = FaultSettings.flaky(FAULT_RATE, seed) if faults else FaultSettings.off()
    with Sandbox(app, faults=chaos) as sandbox:
        settings = sandbox_settings(work, app, sandbox)
        click.echo(f"Sandbox store on {sandbox.url}; Passiton's data in {work}")
        if faults:
            click.echo(
                f"Faults on: {FAULT_RATE:.0%} of store calls fail, {FAULT_RATE:.0%} "
                "of webhooks are dropped."
            )
        migrate.upgrade(settings.database_url)
        runtime = build_runtime(settings)
        try:
            web = create_app(runtime=runtime)
            # What the WooCommerce store sends on its own (key posts, pings, webhooks) goes
            # into the same app the merchant and shoppers use.
            sandbox.deliver_to(app_transport(web))
            for platform in platforms:
                _tell(STORIES[platform], runtime, web, sandbox)
        except ScenarioFailed as failed:
            raise click.ClickException(f"expectation failed: {failed}") from failed
        finally:
            runtime.close()
    click.echo("All expectations held.")


@dataclass(frozen=True)
class Tally:
    """The sandbox's counters at one moment, so each story reports only its own."""

    calls: Counter[str]
    faults: Counter[str]

    @classmethod
    def of(cls, sandbox: Sandbox) -> Tally:
        return cls(sandbox.api_calls(), Counter(sandbox.faults.injected))

    def since(self, before: Tally) -> Tally:
        return Tally(self.calls - before.calls, self.faults - before.faults)


def _tell(kind: type[Story[Any, Any]], runtime: Runtime, web: Flask, sandbox: Sandbox) -> None:
    before = Tally.of(sandbox)
    mail_before = last_message_id(runtime)
    story = kind(runtime, web.test_client(), sandbox, click.echo)
    click.echo("")
    click.echo(story.title)
    story.run()
    _summary(story, Tally.of(sandbox).since(before))
    click.echo("  e-mails each person got (queued ones go out when due):")
    for line in mail_report(runtime, mail_before) or ["none"]:
        click.echo(f"    {line}")


def _summary(story: Story[Any, Any], tally: Tally) -> None:
    outcome = story.outcome
    click.echo("")
    click.echo("Summary")
    for name, (pending, available) in outcome.balances.items():
        click.echo(f"  balance {name}: {pending} pending, {available} available")
    click.echo(f"  friend codes created on the store: {outcome.friend_codes_on_store}")
    click.echo(f"  reward codes created on the store: {', '.join(outcome.reward_codes)}")
    click.echo(f"  store API calls served: {sum(tally.calls.values())}")
    for operation, count in sorted(tally.calls.items()):
        click.echo(f"    {count:4d}  {operation}")
    click.echo(
        f"  webhooks delivered: {len(story.sender.sent)}, dropped: {len(story.sender.dropped)}"
    )
    injected = tally.faults
    click.echo(
        f"  faults injected: {sum(injected.values())} "
        f"({', '.join(f'{k}: {v}' for k, v in sorted(injected.items())) or 'none'})"
    )
    click.echo(f"  catch-up rounds (sweep / reconciliation): {outcome.settle_rounds}")


def _log_to_file(path: Path) -> logging.Handler:
    # The story goes to the terminal; the service's own log (retries, refusals) to a file.
    handler = logging.FileHandler(path)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return handler
