"""The companion plugin revokes a replaced API key when Passiton asks, and only then."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from passiton.connectors.woocommerce.key_checks import RevokeOutcome, revoke_key_with_plugin
from tests.woocommerce.plugin_php import PHP_DIR, php_binary

PLUGIN_KEY = "wpk_" + "k" * 40
SHOP_ID = 5
PASSITON_KEY = "Passiton - API (2026-11-01 10:00:00)"
PHP_PROBLEM = re.compile(r"PHP (Warning|Notice|Deprecated|Fatal|Parse)")


@dataclass
class PluginStore:
    """A store running the plugin under `php -S`; its API keys are in a JSON file."""

    url: str
    state: Path

    def api_keys(self) -> dict[str, str]:
        keys = json.loads(self.state.read_text())["api_keys"]
        assert isinstance(keys, dict)
        return keys

    def revoke(self, key_id: str, *, key: str = PLUGIN_KEY, shop_id: int = SHOP_ID) -> str:
        return revoke_key_with_plugin(self.url, shop_id, key, key_id, int(time.time()))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[PluginStore]:
    state = tmp_path / "store.json"
    state.write_text(
        json.dumps(
            {
                "options": {
                    "passiton_settings": {
                        "app_url": "https://passiton.example",
                        "shop_id": str(SHOP_ID),
                        "plugin_key": PLUGIN_KEY,
                    }
                },
                "api_keys": {"2": PASSITON_KEY, "3": PASSITON_KEY, "4": "Zapier - API (x)"},
            }
        )
    )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = tmp_path / "php.log"
    with log.open("w") as errors:
        server = subprocess.Popen(
            [
                php_binary(),
                "-d",
                "display_errors=stderr",
                "-d",
                "error_reporting=-1",
                "-S",
                f"127.0.0.1:{port}",
                str(PHP_DIR / "rest_store.php"),
            ],
            env={"PASSITON_FAKE_STORE_STATE": str(state), "PATH": "/usr/bin:/bin"},
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "php -S did not start"
                time.sleep(0.05)
        yield PluginStore(f"http://127.0.0.1:{port}", state)
    finally:
        server.terminate()
        server.wait(timeout=10)
    # Every PHP notice and warning fails the test, as in the other plugin tests.
    assert not PHP_PROBLEM.search(log.read_text()), log.read_text()


def test_a_signed_call_revokes_the_replaced_passiton_key(store: PluginStore) -> None:
    assert store.revoke("2") is RevokeOutcome.REVOKED
    assert store.api_keys() == {"3": PASSITON_KEY, "4": "Zapier - API (x)"}


def test_a_key_already_gone_counts_as_revoked(store: PluginStore) -> None:
    assert store.revoke("99") is RevokeOutcome.REVOKED
    assert len(store.api_keys()) == 3


@pytest.mark.parametrize(
    "call",
    [{"key": "wpk_" + "x" * 40}, {"shop_id": SHOP_ID + 1}],
    ids=["another plugin key", "another store id"],
)
def test_a_call_not_signed_for_this_store_revokes_nothing(
    store: PluginStore, call: dict[str, object]
) -> None:
    assert store.revoke("2", **call) is RevokeOutcome.NOT_REVOKED  # type: ignore[arg-type]
    assert len(store.api_keys()) == 3


def test_an_old_signed_call_revokes_nothing(store: PluginStore) -> None:
    stale = int(time.time()) - 301
    outcome = revoke_key_with_plugin(store.url, SHOP_ID, PLUGIN_KEY, "2", stale)
    assert outcome is RevokeOutcome.NOT_REVOKED
    assert len(store.api_keys()) == 3


def test_keys_made_for_other_apps_are_never_revoked(store: PluginStore) -> None:
    assert store.revoke("4") is RevokeOutcome.NOT_REVOKED
    assert store.api_keys()["4"] == "Zapier - API (x)"


@pytest.mark.parametrize("key_id", ["0", "-2", "2 OR 1=1", ""])
def test_a_malformed_key_id_revokes_nothing(store: PluginStore, key_id: str) -> None:
    assert store.revoke(key_id) is RevokeOutcome.NOT_REVOKED
    assert len(store.api_keys()) == 3
