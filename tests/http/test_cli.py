"""The `passiton` command on the embedded defaults."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from passiton.app.cli import main
from passiton.app.database import Database
from passiton.app.web.merchant.api_keys import shop_for_api_key
from passiton.core.models import Platform
from passiton.core.services.shops import install_shop


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.chdir(tmp_path)
    values = {
        "PASSITON_VAR_DIR": str(tmp_path / "var"),
        "PASSITON_DATABASE_URL": f"sqlite:///{tmp_path / 'var' / 'passiton.db'}",
        "PASSITON_QUEUE_URL": f"sqlite:///{tmp_path / 'var' / 'queue.db'}",
    }
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    return values


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_db_upgrade_then_shops_list_on_a_fresh_install(env: dict[str, str]) -> None:
    assert "database at head" in run("db", "upgrade")
    assert "no shops yet" in run("shops", "list")
    assert (Path(env["PASSITON_VAR_DIR"]) / "secret_key").stat().st_mode & 0o077 == 0


def test_api_key_created_on_the_cli_authenticates_its_shop(env: dict[str, str]) -> None:
    run("db", "upgrade")
    db = Database(env["PASSITON_DATABASE_URL"])
    try:
        shop_id = db.run(lambda s: install_shop(s, platform=Platform.FAKE, domain="a.example").id)
        key = run("api-keys", "create", "--shop", "a.example").strip()
        assert key.startswith("pk_")
        with db.sessions() as session:
            assert shop_for_api_key(session, key) == shop_id
            assert shop_for_api_key(session, key + "x") is None
        assert "a.example" in run("shops", "list")
    finally:
        db.dispose()


def test_api_key_for_an_unknown_shop_fails_clearly(env: dict[str, str]) -> None:
    run("db", "upgrade")
    result = CliRunner().invoke(main, ["api-keys", "create", "--shop", "nowhere.example"])
    assert result.exit_code != 0
    assert "no shop 'nowhere.example'" in result.output


def test_reconcile_with_no_shops_does_nothing(env: dict[str, str]) -> None:
    run("db", "upgrade")
    assert run("reconcile") == ""


def test_bad_app_url_is_a_clear_error(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PASSITON_APP_URL", "ftp://nope")
    result = CliRunner().invoke(main, ["db", "upgrade"])
    assert result.exit_code != 0
    assert "PASSITON_APP_URL" in result.output


def test_processes_starting_together_share_one_generated_secret_key(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from passiton.app.config import load_settings

    environ = {"PASSITON_VAR_DIR": str(tmp_path / "var")}
    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(lambda _: load_settings(environ).secret_key, range(16)))
    assert len(keys) == 1
    assert list((tmp_path / "var").iterdir()) == [tmp_path / "var" / "secret_key"]
