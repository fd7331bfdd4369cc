"""The composition root's object graph: settings, database, queue, stores and connectors."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from huey.api import Huey

from passiton.app.config import Settings
from passiton.app.database import Database
from passiton.app.mail.sender import MailSender
from passiton.app.mail.tasks import install_mail
from passiton.app.mail.transport import MailTransport
from passiton.app.outbound.sender import HookSender
from passiton.app.outbound.wiring import install_outbound_hooks
from passiton.app.platforms.shopify import shopify_configured, wire_shopify
from passiton.app.platforms.shopify_links import install_link_publishing
from passiton.app.platforms.woocommerce import install_woocommerce
from passiton.app.stores import PlatformStores
from passiton.app.tasks.jobs import Tasks, make_huey, register_tasks
from passiton.app.vault import Vault, identity_hasher
from passiton.core.ports import StoreDirectory, WebhookConnector
from passiton.core.services.retention import RetentionPolicy


@dataclass
class Runtime:
    settings: Settings
    db: Database
    vault: Vault
    stores: StoreDirectory
    huey: Huey
    tasks: Tasks
    connectors: dict[str, WebhookConnector] = field(default_factory=dict)
    hook_sender: HookSender | None = None
    mail: MailSender | None = None
    """Set by install_mail: sends the outbox's messages through the configured transport."""

    def close(self) -> None:
        self.db.dispose()


def retention_policy(settings: Settings) -> RetentionPolicy:
    keep = settings.keep_days
    return RetentionPolicy(
        webhook_deliveries=timedelta(days=keep.webhook_deliveries),
        link_visit_days=timedelta(days=keep.link_visits),
        login_failures=timedelta(days=keep.login_failures),
        data_exports=timedelta(days=keep.data_exports),
    )


def build_runtime(
    settings: Settings,
    *,
    stores: StoreDirectory | None = None,
    connectors: dict[str, WebhookConnector] | None = None,
    mail_transport: MailTransport | None = None,
) -> Runtime:
    vault = Vault(settings.secret_key)
    db = Database(settings.database_url, hasher=identity_hasher(settings.secret_key))
    directory = stores if stores is not None else PlatformStores()
    huey = make_huey(settings)
    tasks = register_tasks(huey, db, directory, retention_policy(settings))
    runtime = Runtime(
        settings=settings,
        db=db,
        vault=vault,
        stores=directory,
        huey=huey,
        tasks=tasks,
        connectors=dict(connectors or {}),
    )
    # Each platform's wiring is handed the parts it uses; none of it imports this module.
    wire_shopify(settings, db, vault, runtime.connectors, directory)
    runtime.tasks = install_woocommerce(runtime, huey, runtime.connectors, directory)
    if shopify_configured(settings):
        runtime.tasks = install_link_publishing(settings, db, vault, huey, runtime.tasks)
    install_outbound_hooks(runtime)
    install_mail(runtime, mail_transport)
    return runtime
