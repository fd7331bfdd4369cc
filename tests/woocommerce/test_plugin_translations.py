"""The companion plugin's translation template is what scripts/plugin-pot makes of its PHP now."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from tests.woocommerce.plugin_php import PLUGIN

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = PLUGIN / "languages" / "passiton.pot"
GETTEXT_CALL = re.compile(r"\b(?:__|_e|_x|_n|esc_html__|esc_html_e|esc_attr__|esc_attr_e)\(")


def regenerated(tmp_path: Path) -> str:
    assert shutil.which("xgettext") is not None, "GNU gettext's xgettext makes the .pot"
    out = tmp_path / "passiton.pot"
    subprocess.run([str(ROOT / "scripts" / "plugin-pot"), str(out)], check=True, timeout=60)
    return out.read_text()


def test_the_shipped_pot_is_in_sync_with_the_plugins_strings(tmp_path: Path) -> None:
    assert SHIPPED.read_text() == regenerated(tmp_path), "run scripts/plugin-pot"


def test_the_pot_holds_the_strings_and_the_translators_comments() -> None:
    pot = SHIPPED.read_text()
    assert 'msgid "Refer a friend"' in pot
    assert "#. translators: 1: available points, 2: pending points" in pot
    assert "Project-Id-Version: Passiton referrals 0.4.0" in pot


def test_the_pot_holds_the_blocks_title_in_wordpress_context() -> None:
    pot = SHIPPED.read_text()
    entry = '#: blocks/refer-a-friend/block.json\nmsgctxt "block title"\nmsgid "Refer a friend"'
    assert entry in pot


def test_every_translatable_string_uses_the_plugins_text_domain() -> None:
    for path in sorted(PLUGIN.rglob("*.php")):
        source = path.read_text()
        calls = len(GETTEXT_CALL.findall(source))
        in_domain = source.count(", 'passiton' )")
        assert calls == in_domain, f"{path.name}: {calls} gettext calls, {in_domain} in 'passiton'"
