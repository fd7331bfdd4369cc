"""The Runtime of the application handling the current request."""

from __future__ import annotations

from flask import current_app

from passiton.app.runtime import Runtime


def current_runtime() -> Runtime:
    """The Runtime that create_app() attached to the running application."""
    runtime: Runtime = current_app.extensions["passiton"]
    return runtime
