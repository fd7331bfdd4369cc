"""Serving the Flask app with gunicorn, configured in code."""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from passiton.app.factory import create_app

        return create_app()


def run_gunicorn(host: str, port: int, workers: int) -> None:
    _Gunicorn(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "worker_class": "gthread",
            "threads": 4,
            "timeout": 30,
            "accesslog": "-",
            # Passiton does not use gunicorn's runtime control socket; without this every
            # instance on a machine would contend for the same path under $HOME.
            "control_socket_disable": True,
        }
    ).run()
