"""The web server's access log, with credentials in query strings blanked out.

Shopify puts a session token (`id_token`) and an `hmac` on every embedded-app URL, its OAuth
callback carries the authorization `code`, the app proxy signs with `signature` and names the
customer (`logged_in_customer_id`), and wc-auth returns our `state`. Any of them in a log file
is a credential or personal data at rest, so the access log keeps the parameter and drops its
value; everything else on the line stays, for debugging.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_plus

from gunicorn.glogging import Logger

from passiton.app.log_setup import redact

SECRET_QUERY_PARAMETERS = frozenset(
    {"id_token", "code", "hmac", "signature", "logged_in_customer_id", "state"}
)
REDACTED = "[redacted]"


def redact_query(query: str) -> str:
    """The query string with the values of secret parameters replaced, the rest untouched."""
    pairs = []
    for pair in query.split("&"):
        name, sep, _value = pair.partition("=")
        if sep and unquote_plus(name).strip().lower() in SECRET_QUERY_PARAMETERS:
            pair = f"{name}={REDACTED}"
        pairs.append(pair)
    return "&".join(pairs)


def redact_url(url: str) -> str:
    """A path or URL (or a request line around one) with its query string redacted."""
    head, sep, rest = url.partition("?")
    if not sep:
        return url
    # A request line ends in " HTTP/1.1" after the query; keep it.
    query, space, tail = rest.partition(" ")
    return f"{head}?{redact_query(query)}{space}{tail}"


class RedactingAccessLogger(Logger):  # type: ignore[misc]
    """gunicorn's logger whose access-log atoms never carry secret query values."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        atoms["r"] = redact_url(str(atoms.get("r", "")))
        atoms["q"] = redact_query(str(atoms.get("q", "")))
        atoms["f"] = redact_url(str(atoms.get("f", "")))
        for key, value in atoms.items():
            # Header atoms ({referer}i …) may repeat the referring URL.
            if key.startswith("{") and isinstance(value, str) and "?" in value:
                atoms[key] = redact_url(value)
        return atoms

    def access(self, resp: Any, req: Any, environ: Any, request_time: Any) -> None:
        """gunicorn's access line, with the request's fields attached for the JSON format."""
        # Passiton's options always set both (gunicorn_options); without either there is no log.
        if not (self.cfg.accesslog or self.cfg.logconfig_dict):
            return
        atoms = self.atoms(resp, req, environ, request_time)
        fields = {
            "request_id": atoms.get("{x-request-id}o") or None,
            "method": atoms.get("m"),
            "path": redact(str(atoms.get("U", ""))),
            "status": atoms.get("s"),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
        }
        try:
            self.access_log.info(
                self.cfg.access_log_format, self.atoms_wrapper_class(atoms), extra=fields
            )
        except Exception:  # gunicorn's own behaviour: a bad format is an error line, not a crash
            self.exception("access log line could not be written")
