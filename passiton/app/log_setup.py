"""How every process logs: human-readable text by default, JSON lines with PASSITON_LOG_FORMAT=json.

One logging configuration (a `logging.config.dictConfig` dictionary) serves the web role, where
gunicorn applies it (`logconfig_dict`) so its error and access logs share the format, and the
task worker and the supervisor, which apply it themselves at start-up. Both formats go through
the same two filters: one adds the current request's id, the other blanks out e-mail addresses
and credentials that a message or an exception may quote, because a log file is data at rest
that operators ship to other systems, and it must carry neither personal data nor secrets.
"""

from __future__ import annotations

import logging
import logging.config
import re
from contextvars import ContextVar
from typing import Any

from passiton.app.config import LOG_FORMATS

TEXT_FORMAT = "%(asctime)s [%(process)d] %(levelname)s %(name)s: %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s"
REDACTED = "[redacted]"

request_id: ContextVar[str | None] = ContextVar("passiton_request_id", default=None)
"""The id of the HTTP request being served; greenlets and threads each see their own."""

# What a message must never carry, whatever put it there (an exception quoting a payload, a
# store's error text): e-mail addresses, WooCommerce REST keys (ck_/cs_ and 40 hex digits),
# Shopify access tokens (shpat_/shpca_/shpua_…), bearer tokens and JWTs (embedded session tokens).
_SECRETS = re.compile(
    r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+"
    r"|\b(?:ck|cs)_[0-9a-f]{16,}"
    r"|\bshp[a-z]{2,3}_[0-9A-Za-z]{16,}"
    r"|(?i:bearer)\s+[\w.~+/=-]+"
    r"|\beyJ[\w-]+\.[\w-]+\.[\w-]*"
)


# The password in a URL's user part (redis://:password@host, postgresql://user:password@host).
_URL_PASSWORD = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^:/@\s]*:)[^@\s]+@")


def redact(text: str) -> str:
    """The text with e-mail addresses and credentials replaced by a marker."""
    return _SECRETS.sub(REDACTED, _URL_PASSWORD.sub(rf"\g<1>{REDACTED}@", text))


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to records logged while a request is served."""

    def filter(self, record: logging.LogRecord) -> bool:
        current = request_id.get()
        if current is not None and not hasattr(record, "request_id"):
            record.request_id = current
        return True


class RedactSecretsFilter(logging.Filter):
    """Renders the message and any traceback once, with personal data and secrets blanked."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def logging_config(log_format: str) -> dict[str, Any]:
    """The dictConfig for LOG_FORMAT: the root logger, gunicorn's error and access logs."""
    if log_format not in LOG_FORMATS:
        raise ValueError(f"log format must be one of {', '.join(LOG_FORMATS)}")
    formatter: dict[str, Any] = (
        {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": JSON_FIELDS,
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
        }
        if log_format == "json"
        else {"format": TEXT_FORMAT}
    )
    filters = ["request_id", "redact"]
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": RequestIdFilter},
            "redact": {"()": RedactSecretsFilter},
        },
        "formatters": {"passiton": formatter},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "passiton",
                "filters": filters,
            },
            "access": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "passiton",
                "filters": filters,
            },
        },
        "root": {"level": "INFO", "handlers": ["stderr"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
            "gunicorn.access": {"level": "INFO", "handlers": ["access"], "propagate": False},
        },
    }


def configure_logging(log_format: str) -> None:
    """Apply the logging configuration once, at a process's start."""
    logging.config.dictConfig(logging_config(log_format))
