"""`GET /healthz` names what is down."""

from __future__ import annotations

from flask import request

from passiton.app.factory import create_app
from tests.conftest import RuntimeFactory
from tests.support.servers import free_port


def test_unreachable_database_gives_503_naming_it(make_runtime: RuntimeFactory) -> None:
    dead = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/passiton"
    runtime = make_runtime(dead)
    response = create_app(runtime=runtime).test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "down", "database": "down", "queue": "ok"}


def test_unreachable_queue_gives_503_naming_it(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    runtime = make_runtime(
        sqlite_url, queue_url=f"redis://127.0.0.1:{free_port()}/0", immediate_tasks=False
    )
    response = create_app(runtime=runtime).test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "down", "database": "ok", "queue": "down"}


def test_client_address_comes_from_the_proxy_only_when_trusted(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    seen: list[str | None] = []
    for hops in (0, 1):
        app = create_app(runtime=make_runtime(sqlite_url, trusted_proxies=hops))

        @app.get("/whoami")
        def whoami() -> str:

            seen.append(request.remote_addr)
            return ""

        app.test_client().get("/whoami", headers={"X-Forwarded-For": "203.0.113.9"})
    assert seen == ["127.0.0.1", "203.0.113.9"]
