"""The companion WordPress plugin: PHP that parses, and a signature Passiton accepts."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from passiton.connectors.woocommerce.auth import plugin_request_valid, plugin_signature

PLUGIN = Path(__file__).resolve().parents[2] / "manifest" / "woocommerce" / "passiton"
PHP_FILES = sorted(PLUGIN.rglob("*.php"))


def test_the_plugin_has_php_files() -> None:
    assert [p.name for p in PHP_FILES] == ["passiton.php"]


@pytest.mark.parametrize("path", PHP_FILES, ids=lambda p: p.name)
def test_php_files_pass_php_lint(path: Path) -> None:
    php = shutil.which("php")
    assert php is not None, "php-cli is required to lint the companion plugin"
    result = subprocess.run([php, "-l", str(path)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_plugin_signs_like_passiton_verifies() -> None:
    # passiton.php: hash_hmac('sha256', $timestamp . '.' . $raw, $key)
    source = (PLUGIN / "passiton.php").read_text()
    assert "hash_hmac( 'sha256', $timestamp . '.' . $raw, $settings['plugin_key'] )" in source
    php = shutil.which("php")
    assert php is not None
    computed = subprocess.run(
        [php, "-r", "echo hash_hmac('sha256', '1700000000.{\"a\":1}', 'wpk_key');"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert computed == plugin_signature("wpk_key", "1700000000", b'{"a":1}')
    assert plugin_request_valid("wpk_key", "1700000000", b'{"a":1}', computed, 1700000100)


def test_old_or_foreign_plugin_signatures_are_refused() -> None:
    good = plugin_signature("wpk_key", "1700000000", b"{}")
    assert not plugin_request_valid("wpk_key", "1700000000", b"{}", good, 1700000000 + 301)
    assert not plugin_request_valid("wpk_other", "1700000000", b"{}", good, 1700000000)
    assert not plugin_request_valid("wpk_key", "soon", b"{}", good, 1700000000)
