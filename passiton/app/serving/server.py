"""The web role: gunicorn with gevent workers, configured in code, run as its own process.

Why gevent workers (chosen once, for the three issues that depend on it):

- Slow clients. gunicorn's gthread worker gives each connection a thread from the moment it
  is accepted, and has no header read timeout: 8 clients that send a header every few seconds
  held all 2 x 4 threads and `/healthz` stopped answering. More threads only moves the number.
  A gevent worker gives each connection a greenlet (a few KB) and parks it on the event loop
  while it waits for bytes, so dribbling connections cost memory, not service
  (`worker_connections` caps them per process), and it drops a connection whose request line
  and headers are not in within the keep-alive time.
- Group commit of webhook ingest wants many concurrent requests inside one process to batch
  into one INSERT. With gevent a process holds up to `worker_connections` requests in flight;
  a pool of 4 threads would batch at most 4.
- Prometheus metrics across processes: prometheus_client's multiprocess mode is built for
  gunicorn's pre-fork model (per-pid files, `child_exit` marks dead workers), and the task
  workers are separate processes anyway, so keeping gunicorn keeps the documented path.

Rejected: waitress buffers each whole request before a thread sees it (the slow-client
problem solved the same way), but it is one process with a fixed thread pool, so there is no
`--web-workers` and in-flight requests per process are bounded by its threads.

What gevent requires of the rest of the service:
- psycopg 3 cooperates with gevent by itself from 3.1.14 on (it waits on the patched
  selectors); psycogreen is only for psycopg2.
- SQLite (the embedded default) is C code that does not yield: a query, or a wait on the write
  lock (busy_timeout), blocks that worker's other greenlets meanwhile. That is acceptable for a
  single-machine install; production runs PostgreSQL. It also relies on a rule the code keeps
  anyway: no network call (store API, Redis, enqueueing) inside a database transaction. A
  greenlet that yielded while holding SQLite's write lock would leave another greenlet of its
  process spinning in busy_timeout, unable to let the holder finish.
- The task worker is a separate process (not forked from gunicorn) and is never patched.
- Monkey-patching happens in gunicorn's worker after the fork, before the app is imported
  (no preload), and this module imports nothing of the app at the top, so nothing that binds
  `ssl` or `threading` names early is loaded before the patch.

A reverse proxy in front (nginx, a cloud load balancer) still adds what this does not: TLS,
a header and body read timeout, buffering of whole requests so a slow upload never reaches a
worker, and per-client connection and rate limits. See docs/deployment.md.
"""

from __future__ import annotations

import argparse
from typing import Any

from gunicorn.app.base import BaseApplication

WORKER_CONNECTIONS = 1000
"""Concurrent connections per web process, slow ones included; more wait in the listen backlog."""


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


def gunicorn_options(
    host: str, port: int, workers: int, log_format: str = "text"
) -> dict[str, Any]:
    """The web server's settings; the access log redacts credentials in query strings."""
    from passiton.app.log_setup import logging_config

    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gevent",
        "worker_connections": WORKER_CONNECTIONS,
        # Kills a worker whose event loop is blocked this long (with gevent, a request that
        # merely waits does not count).
        "timeout": 30,
        # The gevent worker reads each request's line and headers under a timeout of this many
        # seconds (gunicorn's keep-alive), so a client that dribbles its header is dropped.
        "keepalive": 2,
        "graceful_timeout": 10,
        "accesslog": "-",
        "logger_class": "passiton.app.serving.access_log.RedactingAccessLogger",
        # gunicorn's error and access logs and the app's own loggers, in one format.
        "logconfig_dict": logging_config(log_format),
        # Passiton does not use gunicorn's runtime control socket; without this every
        # instance on a machine would contend for the same path under $HOME.
        "control_socket_disable": True,
    }


def run_gunicorn(host: str, port: int, workers: int, log_format: str = "text") -> None:
    _Gunicorn(gunicorn_options(host, port, workers, log_format)).run()


def main(argv: list[str] | None = None) -> None:
    """Run the web role alone; `passiton serve` starts it as a supervised child process."""
    parser = argparse.ArgumentParser(prog="python -m passiton.app.serving.server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    # Only the configuration module: nothing that binds threading or ssl before gevent patches.
    from passiton.app.config import ConfigError, load_settings

    try:
        log_format = load_settings().log_format
    except ConfigError as error:
        parser.error(str(error))
    run_gunicorn(args.host, args.port, args.workers, log_format)


if __name__ == "__main__":
    main()
