"""The SQLite files hold customers' personal data: only their owner may read them."""

from __future__ import annotations

import stat
from pathlib import Path

from passiton.app import migrate
from passiton.app.config import Settings
from passiton.app.database import Database
from passiton.app.tasks.jobs import make_huey
from passiton.core.models import Platform
from passiton.core.services.shops import install_shop
from tests.support.builders import T0


def test_a_new_database_and_its_log_are_readable_by_the_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "var" / "passiton.db"
    url = f"sqlite:///{path}"
    migrate.upgrade(url)
    database = Database(url)
    try:
        with database.transaction() as session:
            install_shop(session, platform=Platform.FAKE, domain="a.example", name="A", now=T0)
        modes = {
            p.name: stat.S_IMODE(p.stat().st_mode)
            for p in path.parent.iterdir()
            if p.name.startswith(path.name)
        }
    finally:
        database.dispose()
    assert set(modes) >= {"passiton.db", "passiton.db-wal"}
    assert set(modes.values()) == {0o600}


def test_the_embedded_queue_file_is_readable_by_the_owner_only(tmp_path: Path) -> None:
    # Task arguments are ids, but a finally failed task's stored error may quote a value.
    path = tmp_path / "var" / "queue.db"
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'unused.db'}",
        queue_url=f"sqlite:///{path}",
        app_url="http://passiton.test",
        secret_key="test-secret-key",
        var_dir=tmp_path / "var",
    )
    huey = make_huey(settings)
    huey.enqueue(huey.task()(lambda: None).s())

    modes = {
        p.name: stat.S_IMODE(p.stat().st_mode)
        for p in path.parent.iterdir()
        if p.name.startswith(path.name)
    }
    assert "queue.db" in modes
    assert set(modes.values()) == {0o600}
