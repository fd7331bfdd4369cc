"""Shared fixtures: migrated databases (SQLite and a real PostgreSQL), real Redis, app and client.

PostgreSQL and Redis are started by the test run itself (tests/support/servers.py); every
database is built by running the Alembic migrations, never by `create_all`.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Browser

from passiton.app import migrate
from passiton.app.config import Settings
from passiton.app.database import Database
from passiton.app.factory import create_app
from passiton.app.runtime import Runtime, build_runtime
from passiton.core.fake_store import FakeStoreDirectory
from passiton.core.ports import StoreDirectory, WebhookConnector
from tests.faces.live_server import chromium
from tests.support.servers import PostgresServer, RedisServer, start_postgres, start_redis

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One Chromium per test process: Playwright's sync API runs one instance per thread."""
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    # Not under pytest's tmp dir: that is private to root, and PostgreSQL runs as `postgres`.
    server = start_postgres(Path(tempfile.mkdtemp(prefix="passiton-pg-")))
    template = server.create_database("passiton_template")
    migrate.upgrade(template)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = start_redis(tmp_path_factory.mktemp("redis"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    migrate.upgrade(f"sqlite:///{path}")
    return path


_pg_counter = iter(range(1, 1_000_000))


def _pg_database(server: PostgresServer) -> str:
    import psycopg

    name = f"t{next(_pg_counter)}"
    with psycopg.connect(
        f"host=127.0.0.1 port={server.port} user=postgres dbname=postgres", autocommit=True
    ) as connection:
        connection.execute(f'CREATE DATABASE "{name}" TEMPLATE passiton_template')
    return server.url(name)


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "passiton.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def pg_url(postgres: PostgresServer) -> str:
    return _pg_database(postgres)


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str:
    """A migrated, empty database; tests using it run once on each backend."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def db(sqlite_url: str) -> Iterator[Database]:
    """A migrated SQLite database, for service tests."""
    database = Database(sqlite_url)
    yield database
    database.dispose()


@pytest.fixture
def any_db(database_url: str) -> Iterator[Database]:
    """The same, once on SQLite and once on PostgreSQL."""
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def pg_db(pg_url: str) -> Iterator[Database]:
    database = Database(pg_url, pool_size=40, max_overflow=10)
    yield database
    database.dispose()


def test_settings(tmp_path: Path, database_url: str, **overrides: object) -> Settings:
    settings = Settings(
        database_url=database_url,
        queue_url=f"sqlite:///{tmp_path / 'queue.db'}",
        app_url="http://passiton.test",
        secret_key="test-secret-key",
        shopify_api_key="test-client-id",
        shopify_api_secret="test-shopify-client-secret-0123456789abcdef",
        shopify_admin_url_template="https://{shop}",
        var_dir=tmp_path / "var",
        immediate_tasks=True,
    )
    return settings.with_overrides(**overrides)


RuntimeFactory = Callable[..., Runtime]


@pytest.fixture
def make_runtime(tmp_path: Path) -> Iterator[RuntimeFactory]:
    made: list[Runtime] = []

    def factory(
        database_url: str,
        *,
        stores: StoreDirectory | None = None,
        connectors: dict[str, WebhookConnector] | None = None,
        **overrides: object,
    ) -> Runtime:
        runtime = build_runtime(
            test_settings(tmp_path, database_url, **overrides),
            stores=stores if stores is not None else FakeStoreDirectory(),
            connectors=connectors,
        )
        made.append(runtime)
        return runtime

    yield factory
    for runtime in made:
        runtime.close()


@pytest.fixture
def runtime(make_runtime: RuntimeFactory, sqlite_url: str) -> Runtime:
    return make_runtime(sqlite_url)


@pytest.fixture
def app(runtime: Runtime) -> Flask:
    return create_app(runtime=runtime)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
