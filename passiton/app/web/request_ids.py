"""A request id for every HTTP request: in each log line it causes and echoed as X-Request-Id.

A reverse proxy may already have given the request an id (nginx's `$request_id`), which is
worth keeping so its log and ours can be joined; but the header comes from the client as much
as from the proxy, so only a short plain token is accepted. Anything else (a newline that would
forge a log line, a megabyte, an e-mail address) is replaced by an id of our own.
"""

from __future__ import annotations

import re
import uuid

from flask import Flask, Response, g, request

from passiton.app.log_setup import request_id

HEADER = "X-Request-Id"
_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{7,63}")
_RESET = "passiton_request_id_reset"


def install_request_ids(app: Flask) -> None:
    app.before_request(_start)
    app.after_request(_echo)
    app.teardown_request(_end)


def accepted_request_id(incoming: str | None) -> str | None:
    """The incoming id if it is short and plain (8-64 letters, digits, - or _), else None."""
    if incoming is not None and _PLAIN.fullmatch(incoming):
        return incoming
    return None


def _start() -> None:
    current = accepted_request_id(request.headers.get(HEADER)) or uuid.uuid4().hex
    g.request_id = current
    setattr(g, _RESET, request_id.set(current))


def _echo(response: Response) -> Response:
    current = g.get("request_id")
    if current:
        response.headers[HEADER] = current
    return response


def _end(_error: BaseException | None) -> None:
    token = g.pop(_RESET, None)
    if token is not None:
        request_id.reset(token)
