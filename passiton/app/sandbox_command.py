"""`passiton sandbox`: the whole program against a local sandbox store, told step by step."""

from __future__ import annotations

import logging
import secrets
import tempfile
from pathlib import Path

import click

from passiton.app import migrate
from passiton.app.config import Settings
from passiton.app.factory import create_app
from passiton.app.runtime import build_runtime
from passiton.sandbox.faults import FaultSettings
from passiton.sandbox.server import Sandbox
from passiton.sandbox.shopify_oauth import ShopifyApp
from passiton.sandbox.shopify_scenario import ShopifyScenario
from passiton.sandbox.story import Outcome, ScenarioFailed

FAULT_RATE = 0.2


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


def run_sandbox(var_dir: Path | None, faults: bool, seed: int) -> None:
    """Start the sandbox, run the scenario, print the summary; ClickException on failure."""
    work = var_dir or Path(tempfile.mkdtemp(prefix="passiton-sandbox-"))
    work.mkdir(parents=True, exist_ok=True)
    handler = _log_to_file(work / "sandbox.log")
    try:
        _run(work, faults, seed)
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()


def _run(work: Path, faults: bool, seed: int) -> None:
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
        click.echo("")
        migrate.upgrade(settings.database_url)
        runtime = build_runtime(settings)
        try:
            scenario = ShopifyScenario(
                runtime, create_app(runtime=runtime).test_client(), sandbox, click.echo
            )
            outcome = scenario.run()
        except ScenarioFailed as failed:
            raise click.ClickException(f"expectation failed: {failed}") from failed
        finally:
            runtime.close()
        _summary(outcome, scenario, sandbox)


def _summary(outcome: Outcome, scenario: ShopifyScenario, sandbox: Sandbox) -> None:
    click.echo("")
    click.echo("Summary")
    for name, (pending, available) in outcome.balances.items():
        click.echo(f"  balance {name}: {pending} pending, {available} available")
    click.echo(f"  friend codes created on the store: {outcome.friend_codes_on_store}")
    click.echo(f"  reward codes created on the store: {', '.join(outcome.reward_codes)}")
    calls = sandbox.api_calls()
    click.echo(f"  store API calls served: {sum(calls.values())}")
    for operation, count in sorted(calls.items()):
        click.echo(f"    {count:4d}  {operation}")
    injected = sandbox.faults.injected
    click.echo(
        f"  webhooks delivered: {len(scenario.sender.sent)}, dropped: "
        f"{len(scenario.sender.dropped)}"
    )
    click.echo(
        f"  faults injected: {sum(injected.values())} "
        f"({', '.join(f'{k}: {v}' for k, v in sorted(injected.items())) or 'none'})"
    )
    click.echo(f"  catch-up rounds (sweep / reconciliation): {outcome.settle_rounds}")
    click.echo("All expectations held.")


def _log_to_file(path: Path) -> logging.Handler:
    # The story goes to the terminal; the service's own log (retries, refusals) to a file.
    handler = logging.FileHandler(path)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return handler
