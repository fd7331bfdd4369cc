"""`passiton mail test --to ADDRESS` sends one message through the configured transport."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from passiton.app.cli import main
from tests.support.smtp_server import SmtpSink


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("PASSITON_SMTP_URL", "PASSITON_MAIL_FROM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PASSITON_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("PASSITON_SECRET_KEY", "cli-secret-key")
    return tmp_path


def test_mail_test_goes_through_the_smtp_server(
    env: Path, smtp_sink: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PASSITON_SMTP_URL", smtp_sink.url)
    monkeypatch.setenv("PASSITON_MAIL_FROM", "Referrals <referrals@passiton.test>")

    result = CliRunner().invoke(main, ["mail", "test", "--to", "ops@example.com"])

    assert result.exit_code == 0, result.output
    assert f"sent to ops@example.com through 127.0.0.1:{smtp_sink.port}" in result.output
    [received] = smtp_sink.received()
    assert received["X-Envelope-To"] == "ops@example.com"
    assert received["From"] == "Referrals <referrals@passiton.test>"
    assert received["Message-ID"].endswith("@passiton.test>")
    assert received.get_body(("plain",)) is not None
    assert received.get_body(("html",)) is not None


def test_mail_test_without_smtp_writes_an_eml_file(env: Path) -> None:
    result = CliRunner().invoke(main, ["mail", "test", "--to", "ops@example.com"])

    assert result.exit_code == 0, result.output
    assert "no PASSITON_SMTP_URL set" in result.output
    assert len(list((env / "var" / "outbox").glob("*.eml"))) == 1


def test_mail_test_reports_a_refusal_and_fails(
    env: Path, smtp_sink: SmtpSink, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PASSITON_SMTP_URL", smtp_sink.url)
    smtp_sink.fail_next("550 5.7.1 Relaying denied")

    result = CliRunner().invoke(main, ["mail", "test", "--to", "ops@example.com"])

    assert result.exit_code == 1
    assert "550 5.7.1 Relaying denied" in result.output
    assert smtp_sink.received() == []


def test_mail_test_refuses_a_bad_address(env: Path) -> None:
    result = CliRunner().invoke(main, ["mail", "test", "--to", "not an address"])

    assert result.exit_code == 1
    assert "not an e-mail address" in result.output
    assert not (env / "var" / "outbox").exists()
