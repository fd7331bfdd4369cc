"""The Shopify app extensions in manifest/extensions/: configuration in the CLI's format that
agrees with the service, and the extensions' own build and checks (scripts/check-extensions)."""

from __future__ import annotations

import json
import re
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXTENSIONS = ROOT / "manifest" / "extensions"
CHECKOUT = EXTENSIONS / "referral-checkout"
LAUNCHER = EXTENSIONS / "referral-launcher"
ACCOUNT = EXTENSIONS / "referral-account"
SCHEMA = re.compile(r"{%\s*schema\s*%}(.*?){%\s*endschema\s*%}", re.DOTALL)
# Setting types a theme app extension block may use (shopify.dev, "Input settings").
SETTING_TYPES = {"text", "textarea", "select", "radio", "checkbox", "range", "color", "url"}


def toml(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text())


def block_schema(name: str) -> dict[str, Any]:
    found = SCHEMA.search((LAUNCHER / "blocks" / name).read_text())
    assert found is not None
    data = json.loads(found.group(1))
    assert isinstance(data, dict)
    return data


def flat_keys(tree: dict[str, Any], prefix: str = "") -> set[str]:
    keys: set[str] = set()
    for key, value in tree.items():
        if isinstance(value, dict):
            keys |= flat_keys(value, f"{prefix}{key}.")
        else:
            keys.add(prefix + key)
    return keys


def test_checkout_extension_targets_both_order_pages_at_our_api_version() -> None:
    config = toml(CHECKOUT / "shopify.extension.toml")
    [extension] = config["extensions"]

    pinned = toml(ROOT / "manifest" / "shopify.app.toml")["webhooks"]["api_version"]
    assert config["api_version"] == pinned
    assert extension["type"] == "ui_extension"
    assert {t["target"] for t in extension["targeting"]} == {
        "purchase.thank-you.block.render",
        "customer-account.order-status.block.render",
    }
    assert all((CHECKOUT / t["module"]).is_file() for t in extension["targeting"])
    assert extension["capabilities"]["network_access"] is True


def test_checkout_extension_calls_the_route_the_service_serves() -> None:
    from passiton.app.web.shopify.extension import extension_blueprint

    source = (CHECKOUT / "src" / "referral.ts").read_text()
    bp = extension_blueprint()

    assert f"{bp.url_prefix}/referral" in source


def test_account_page_is_a_customer_account_page_calling_the_account_routes() -> None:
    from passiton.app.web.shopify.extension import extension_blueprint

    config = toml(ACCOUNT / "shopify.extension.toml")
    [extension] = config["extensions"]
    source = (ACCOUNT / "src" / "account.ts").read_text()
    prefix = extension_blueprint().url_prefix

    assert config["api_version"] == toml(CHECKOUT / "shopify.extension.toml")["api_version"]
    assert [t["target"] for t in extension["targeting"]] == ["customer-account.page.render"]
    assert extension["capabilities"]["network_access"] is True
    assert f"{prefix}/" in source
    assert "'account'" in source
    assert "'redeem'" in source


def test_both_ui_extensions_call_the_same_passiton() -> None:
    assert (ACCOUNT / "src" / "app-url.ts").read_text() == (
        CHECKOUT / "src" / "app-url.ts"
    ).read_text()


def test_checkout_texts_exist_in_english_and_german() -> None:
    english = json.loads((CHECKOUT / "locales" / "en.default.json").read_text())
    german = json.loads((CHECKOUT / "locales" / "de.json").read_text())
    used = set(
        re.findall(r"translate\('([\w.]+)'", (CHECKOUT / "src" / "ReferralBlock.tsx").read_text())
    )

    assert flat_keys(german) == flat_keys(english)
    assert used <= flat_keys(english)
    assert {"reward.per_referral", "reward.per_currency_unit"} <= flat_keys(english)


def test_launcher_is_an_app_embed_on_the_body_and_the_block_fits_any_section() -> None:
    assert toml(LAUNCHER / "shopify.extension.toml")["type"] == "theme"

    assert block_schema("launcher.liquid")["target"] == "body"
    assert block_schema("refer-a-friend.liquid")["target"] == "section"


@pytest.mark.parametrize("block", ["launcher.liquid", "refer-a-friend.liquid"])
def test_block_settings_are_valid_and_translated(block: str) -> None:
    # theme-check's JSON-schema check of {% schema %} needs files it downloads; this one doesn't.
    schema = block_schema(block)
    labels = {schema["name"]} | {s["label"] for s in schema["settings"]}
    labels |= {o["label"] for s in schema["settings"] for o in s.get("options", [])}
    for locale in ("en.default.schema.json", "de.schema.json"):
        keys = flat_keys(json.loads((LAUNCHER / "locales" / locale).read_text()))
        assert {label.removeprefix("t:") for label in labels} <= keys, locale

    assert {s["type"] for s in schema["settings"]} <= SETTING_TYPES
    assert (LAUNCHER / "assets" / schema["stylesheet"]).is_file()


def test_launcher_opens_the_widget_through_the_app_proxy() -> None:
    proxy = toml(ROOT / "manifest" / "shopify.app.toml")["app_proxy"]
    snippet = (LAUNCHER / "snippets" / "widget-url.liquid").read_text()

    assert f"/{proxy['prefix']}/{proxy['subpath']}" in snippet


def test_extensions_type_check_bundle_pass_their_tests_and_theme_check() -> None:
    result = subprocess.run(
        [str(ROOT / "scripts" / "check-extensions")],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )

    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "theme-check: 0 offence(s)" in result.stdout
