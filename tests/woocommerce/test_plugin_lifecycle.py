"""The plugin's activation, deactivation, WooCommerce compatibility declarations and text
domain, run on a fake WordPress (tests/woocommerce/php/plugin_lifecycle.php)."""

from __future__ import annotations

from tests.woocommerce.plugin_php import PLUGIN, plugin_lifecycle

TAB_RULE = "(.?.+?)/refer-a-friend(/(.*))?/?$"
"""The rewrite rule that routes /my-account/refer-a-friend/ to the tab."""
OTHER_RULES = {"(.?.+?)/orders(/(.*))?/?$": "index.php?pagename=$matches[1]&orders=$matches[3]"}


def test_activation_writes_the_refer_a_friend_rule_at_once() -> None:
    done = plugin_lifecycle("activate")

    assert done["flushes"] == [True]
    assert TAB_RULE in done["options"]["rewrite_rules"]
    assert TAB_RULE in done["next_request_rules"]


def test_an_ordinary_request_leaves_the_rewrite_rules_alone() -> None:
    done = plugin_lifecycle("load", {"rewrite_rules": OTHER_RULES})

    assert done["flushes"] == []
    assert done["options"]["rewrite_rules"] == OTHER_RULES


def test_deactivation_takes_the_rule_away_with_the_plugin() -> None:
    # As activation (or a save of Settings → Permalinks) left them.
    stored = {**OTHER_RULES, TAB_RULE: "index.php?pagename=$matches[1]&refer-a-friend=$matches[3]"}

    done = plugin_lifecycle("deactivate", {"rewrite_rules": stored})

    assert TAB_RULE not in done["options"].get("rewrite_rules", {})
    assert TAB_RULE not in done["next_request_rules"]


def test_hpos_and_block_checkout_compatibility_are_declared_for_the_plugin() -> None:
    done = plugin_lifecycle("load")

    main_file = str(PLUGIN / "passiton.php")
    assert done["declarations"] == [
        ["custom_order_tables", main_file, True],
        ["cart_checkout_blocks", main_file, True],
    ]
    assert done["misplaced_declarations"] == []


def test_the_text_domain_is_loaded_from_the_plugins_languages_folder() -> None:
    done = plugin_lifecycle("load")

    assert done["textdomains"] == [["passiton", "passiton/languages"]]
    assert (PLUGIN / "languages" / "passiton.pot").is_file()
    assert done["html"] == ""
