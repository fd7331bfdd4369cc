"""The companion WordPress plugin: PHP that parses, and signatures Passiton checks."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from passiton.connectors.woocommerce.auth import plugin_request_valid, plugin_signature
from tests.woocommerce.plugin_php import PHP_DIR, PLUGIN, php, php_binary

PHP_FILES = sorted(PLUGIN.rglob("*.php"))
TEST_PHP_FILES = sorted(PHP_DIR.glob("*.php"))


def test_the_plugin_has_php_files() -> None:
    assert [p.relative_to(PLUGIN).as_posix() for p in PHP_FILES] == [
        "blocks/refer-a-friend/editor.asset.php",
        "includes/passiton-account.php",
        "includes/passiton-checkout.php",
        "includes/passiton-codes.php",
        "includes/passiton-compatibility.php",
        "includes/passiton-consent.php",
        "includes/passiton-lifecycle.php",
        "includes/passiton-moments.php",
        "includes/passiton-panel.php",
        "includes/passiton-privacy-hooks.php",
        "includes/passiton-privacy.php",
        "includes/passiton-requests.php",
        "includes/passiton-revoke.php",
        "includes/passiton-share.php",
        "includes/passiton-storefront.php",
        "passiton.php",
    ]


def test_the_tests_have_php_files() -> None:
    assert [p.name for p in TEST_PHP_FILES] == [
        "account_tab.php",
        "fake_woocommerce.php",
        "fake_wordpress.php",
        "plugin_functions.php",
        "plugin_lifecycle.php",
        "privacy_request.php",
        "rest_store.php",
        "shopper_journey.php",
        "storefront_request.php",
    ]


@pytest.mark.parametrize("path", [*PHP_FILES, *TEST_PHP_FILES], ids=lambda p: p.name)
def test_php_files_pass_php_lint(path: Path) -> None:
    result = subprocess.run(
        [php_binary(), "-l", str(path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_plugin_signs_like_passiton_verifies() -> None:
    computed = php("passiton_signature", "wpk_key", "1700000000", '{"a":1}')
    assert computed == plugin_signature("wpk_key", "1700000000", b'{"a":1}')
    assert plugin_request_valid("wpk_key", "1700000000", b'{"a":1}', computed, 1700000100)


def test_old_or_foreign_plugin_signatures_are_refused() -> None:
    good = plugin_signature("wpk_key", "1700000000", b"{}")
    assert not plugin_request_valid("wpk_key", "1700000000", b"{}", good, 1700000000 + 301)
    assert not plugin_request_valid("wpk_other", "1700000000", b"{}", good, 1700000000)
    assert not plugin_request_valid("wpk_key", "soon", b"{}", good, 1700000000)
