"""The composition root's object graph: settings, database, queue, stores and connectors."""

from __future__ import annotations

from dataclasses import dataclass, field

from huey.api import Huey

from passiton.app.config import Settings
from passiton.app.database import Database
from passiton.app.mail.sender import MailSender
from passiton.app.mail.tasks import install_mail
from passiton.app.mail.transport import MailTransport
from passiton.app.platforms.shopify import wire_shopify
from passiton.app.platforms.woocommerce import install_woocommerce
from passiton.app.stores import PlatformStores
from passiton.app.tasks.jobs import Tasks, make_huey, register_tasks
from passiton.app.vault import Vault, identity_hasher
from passiton.core.ports import StoreDirectory, WebhookConnector


@dataclass
class Runtime:
    settings: Settings
    db: Database
    vault: Vault
    stores: StoreDirectory
    huey: Huey
    tasks: Tasks
    connectors: dict[str, WebhookConnector] = field(default_factory=dict)
    mail: MailSender | None = None
    """Set by install_mail: sends the outbox's messages through the configured transport."""

    def close(self) -> None:
        self.db.dispose()


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
    tasks = register_tasks(huey, db, directory)
    runtime = Runtime(
        settings=settings,
        db=db,
        vault=vault,
        stores=directory,
        huey=huey,
        tasks=tasks,
        connectors=dict(connectors or {}),
    )
    wire_shopify(runtime)
    install_woocommerce(runtime)
    install_mail(runtime, mail_transport)
    return runtime
