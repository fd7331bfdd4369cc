"""Typed settings, built once at start-up from the environment (and a `.env` file if present)."""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import dotenv_values

DEFAULT_VAR = Path("var")
LOG_FORMATS = ("text", "json")
DEFAULT_APP_URL = "http://127.0.0.1:8000"
DEFAULT_MAIL_FROM = "passiton@localhost"
SMTP_SCHEMES = ("smtp", "smtps")


class ConfigError(Exception):
    """A setting is missing or malformed; the message names the variable."""


@dataclass(frozen=True)
class KeepDays:
    """How many days the periodic pruning keeps each kind of record (the ledger: always)."""

    webhook_deliveries: int = 30
    link_visits: int = 400
    login_failures: int = 30
    data_exports: int = 30


KEEP_VARIABLES = {
    "webhook_deliveries": ("PASSITON_KEEP_DELIVERIES_DAYS", 2),
    "link_visits": ("PASSITON_KEEP_LINK_VISITS_DAYS", 1),
    "login_failures": ("PASSITON_KEEP_LOGIN_FAILURES_DAYS", 1),
    "data_exports": ("PASSITON_KEEP_DATA_EXPORTS_DAYS", 1),
}
"""Each KeepDays field's variable and its smallest accepted value (deliveries: past Shopify's
4 hours of retries with a margin, so a late redelivery is still recognised)."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    queue_url: str
    app_url: str
    secret_key: str = field(repr=False)
    shopify_api_key: str | None = None
    shopify_api_secret: str | None = field(default=None, repr=False)
    shopify_api_secret_previous: str | None = field(default=None, repr=False)
    shopify_api_version: str = "2026-10"
    shopify_admin_url_template: str = "https://{shop}"
    var_dir: Path = DEFAULT_VAR
    immediate_tasks: bool = False
    """Run background tasks inline (tests and one-off commands)."""
    max_body_bytes: int = 1_048_576
    trusted_proxies: int = 0
    """How many reverse proxies in front set X-Forwarded-*; 0 trusts none of those headers."""
    app_url_given: bool = True
    """False when PASSITON_APP_URL was not set and app_url is the built-in default."""
    log_format: str = "text"
    """`text` (human-readable lines) or `json` (one JSON object per line)."""
    keep_days: KeepDays = field(default_factory=KeepDays)
    hooks_allow_private: bool = False
    """Let merchants' webhooks go to loopback and private addresses (development only)."""
    smtp_url: str | None = field(default=None, repr=False)
    """smtp:// (STARTTLS when offered, required with a password) or smtps://; None keeps
    every message as an .eml file under var/outbox/."""
    mail_from: str = DEFAULT_MAIL_FROM

    @property
    def queue_on_redis(self) -> bool:
        """The production layout: the queue (and the shared claim limit) on Redis, not SQLite."""
        return self.queue_url.startswith(("redis://", "rediss://", "unix://"))

    def with_overrides(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]


def load_settings(
    environ: Mapping[str, str] | None = None, *, dotenv_path: Path | None = None
) -> Settings:
    """Settings from the environment, with `.env` values underneath it."""
    env: dict[str, str] = {}
    path = dotenv_path or Path(".env")
    if path.is_file():
        env.update({k: v for k, v in dotenv_values(path).items() if v is not None})
    env.update(os.environ if environ is None else environ)
    var_dir = Path(env.get("PASSITON_VAR_DIR", str(DEFAULT_VAR)))
    app_url = env.get("PASSITON_APP_URL", DEFAULT_APP_URL).rstrip("/")
    if not app_url.startswith(("http://", "https://")):
        raise ConfigError("PASSITON_APP_URL must start with http:// or https://")
    template = env.get("SHOPIFY_ADMIN_URL_TEMPLATE", "https://{shop}")
    if "{shop}" not in template:
        raise ConfigError("SHOPIFY_ADMIN_URL_TEMPLATE must contain {shop}")
    proxies = env.get("PASSITON_TRUSTED_PROXIES", "0")
    if not proxies.isdigit() or int(proxies) > 5:
        raise ConfigError("PASSITON_TRUSTED_PROXIES must be a whole number from 0 to 5")
    log_format = env.get("PASSITON_LOG_FORMAT", "text").strip().lower() or "text"
    if log_format not in LOG_FORMATS:
        raise ConfigError("PASSITON_LOG_FORMAT must be text or json")
    smtp_url = env.get("PASSITON_SMTP_URL") or None
    if smtp_url is not None and urlsplit(smtp_url).scheme not in SMTP_SCHEMES:
        raise ConfigError("PASSITON_SMTP_URL must start with smtp:// or smtps://")
    mail_from = env.get("PASSITON_MAIL_FROM") or DEFAULT_MAIL_FROM
    if "@" not in parseaddr(mail_from)[1]:
        raise ConfigError("PASSITON_MAIL_FROM must be an e-mail address")
    return Settings(
        keep_days=_keep_days(env),
        log_format=log_format,
        trusted_proxies=int(proxies),
        hooks_allow_private=env.get("PASSITON_HOOKS_ALLOW_PRIVATE", "") == "1",
        smtp_url=smtp_url,
        mail_from=mail_from,
        database_url=env.get("PASSITON_DATABASE_URL", f"sqlite:///{var_dir / 'passiton.db'}"),
        queue_url=env.get("PASSITON_QUEUE_URL", f"sqlite:///{var_dir / 'queue.db'}"),
        app_url=app_url,
        app_url_given=bool(env.get("PASSITON_APP_URL")),
        secret_key=env.get("PASSITON_SECRET_KEY") or _local_secret_key(var_dir),
        shopify_api_key=env.get("SHOPIFY_API_KEY") or None,
        shopify_api_secret=env.get("SHOPIFY_API_SECRET") or None,
        shopify_api_secret_previous=env.get("SHOPIFY_API_SECRET_PREVIOUS") or None,
        shopify_api_version=env.get("SHOPIFY_API_VERSION", "2026-10"),
        shopify_admin_url_template=template,
        var_dir=var_dir,
    )


def _keep_days(env: Mapping[str, str]) -> KeepDays:
    days: dict[str, int] = {}
    for name, (variable, smallest) in KEEP_VARIABLES.items():
        value = env.get(variable)
        if value is None or value == "":
            continue
        if not value.isdigit() or int(value) < smallest:
            raise ConfigError(f"{variable} must be a whole number of days, at least {smallest}")
        days[name] = int(value)
    return KeepDays(**days)


def _local_secret_key(var_dir: Path) -> str:
    """The one secret with a default: generated on first run and kept in var/ (mode 600)."""
    path = var_dir / "secret_key"
    if path.is_file():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # Write to a private temporary file and link it into place: of several processes starting
    # at once, exactly one key wins and every process reads that one.
    fd, temporary = tempfile.mkstemp(dir=var_dir, prefix=".secret_key.")
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(key)
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        os.unlink(temporary)
    return path.read_text().strip()
