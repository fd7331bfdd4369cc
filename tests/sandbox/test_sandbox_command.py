"""`passiton sandbox` end to end: the real app and connectors against the sandbox store."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from woocommerce.oauth import OAuth

from passiton.app.cli import main
from passiton.app.cli import sandbox_run as command


def run(tmp_path: Path, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["sandbox", "--var-dir", str(tmp_path), *extra])
    return result.exit_code, result.output


def woocommerce_part(output: str) -> str:
    return output[output.index("WooCommerce: one referral") :]


def test_the_sandbox_run_prints_each_step_and_the_expected_balances(tmp_path: Path) -> None:
    code, output = run(tmp_path)
    assert code == 0, output
    assert "1. The merchant installs Passiton" in output
    assert "50 single-use codes under 1 shared discount" in output
    assert "Anna's points: 2000 pending, 0 available." in output
    assert "Anna's points: 1000 pending, 0 available." in output
    assert "balance Anna: 0 pending, 500 available" in output
    assert "friend codes created on the store: 50" in output
    assert "faults injected: 0 (none)" in output
    assert output.rstrip().endswith("All expectations held.")
    assert (tmp_path / "passiton.db").is_file()
    # Both stories by default, Shopify first, each with its own summary.
    assert output.index("Shopify: one referral") < output.index("WooCommerce: one referral")
    assert output.count("Summary") == 2
    assert output.count("All expectations held.") == 1


def test_one_platform_can_be_chosen(tmp_path: Path) -> None:
    code, output = run(tmp_path, "--platform", "shopify")
    assert code == 0, output
    assert "Shopify: one referral" in output
    assert "WooCommerce" not in output


def test_the_woocommerce_story_connects_refers_refunds_and_redeems(tmp_path: Path) -> None:
    code, output = run(tmp_path, "--platform", "woocommerce")
    assert code == 0, output
    assert "Shopify" not in output
    story = woocommerce_part(output)
    assert "1. The merchant signs up on Passiton and connects the store" in story
    assert "the store pinged each one and Passiton answered 200." in story
    assert "The friend pool is on the store: 50 single-use coupons" in story
    assert "Anna's points: 2000 pending, 0 available." in story
    assert "Anna's points: 1000 pending, 0 available." in story
    assert "single use and restricted to anna@example.com." in story
    assert "balance Anna: 0 pending, 500 available" in story
    assert "friend codes created on the store: 50" in story
    assert "4  woocommerce POST /webhooks" in story
    assert "1  woocommerce POST /coupons/batch" in story
    assert "webhooks delivered: 7, dropped: 0" in story
    assert "faults injected: 0 (none)" in story
    assert output.rstrip().endswith("All expectations held.")


def test_the_sandbox_stores_are_named_and_priced_as_they_say(tmp_path: Path) -> None:
    code, output = run(tmp_path)

    assert code == 0, output
    identity = 'The store says it is "Atelier Anna": prices in EUR, language {}'
    assert identity.format("de,") in output
    assert identity.format("de-DE,") in woocommerce_part(output)
    assert "2. Anna buys a ring for 120.00 EUR" in woocommerce_part(output)
    assert "USD" not in output


def test_with_faults_the_run_still_converges(tmp_path: Path) -> None:
    code, output = run(tmp_path, "--faults", "--seed", "9")
    assert code == 0, output
    assert "Faults on: 20% of store calls fail" in output
    assert "balance Anna: 0 pending, 500 available" in output
    # Seed 9 makes the store fail calls and lose webhooks; the catch-up still got there.
    assert "faults injected: 0" not in output
    assert "dropped: 0" not in output
    assert "All expectations held." in output


def test_with_faults_the_woocommerce_story_still_converges(tmp_path: Path) -> None:
    code, output = run(tmp_path, "--platform", "woocommerce", "--faults", "--seed", "9")
    assert code == 0, output
    story = woocommerce_part(output)
    # Seed 9 fails store calls (webhook registration, coupons) and loses the refund's only
    # delivery: the webhook check, the sweep and reconciliation through /orders catch up.
    assert "faults injected: 0" not in story
    assert "(the sandbox dropped order.updated; reconciliation pulls the order)" in story
    assert "Anna's points: 1000 pending, 0 available." in story
    assert "balance Anna: 0 pending, 500 available" in story
    assert "All expectations held." in output


def test_a_store_that_always_fails_makes_the_run_fail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(command, "FAULT_RATE", 1.0)
    code, output = run(tmp_path, "--faults")
    assert code == 1
    assert "expectation failed" in output


def test_a_woocommerce_store_that_always_fails_makes_the_run_fail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(command, "FAULT_RATE", 1.0)
    code, output = run(tmp_path, "--platform", "woocommerce", "--faults")
    assert code == 1
    # The first store call is the check of the granted key: nothing is linked without it.
    assert "expectation failed: could not connect the store" in output
    assert "All expectations held." not in output


def test_a_client_that_signs_woocommerce_calls_wrongly_makes_the_run_fail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The store checks OAuth 1.0a signatures as WooCommerce does: a broken signer is caught.
    def unsigned(self: OAuth, params: object, url: str) -> str:
        return "not-a-signature"

    monkeypatch.setattr(OAuth, "generate_oauth_signature", unsigned)
    code, output = run(tmp_path, "--platform", "woocommerce")
    assert code == 1
    assert "expectation failed: could not connect the store" in output


def test_the_sandbox_run_prints_which_e_mails_each_person_got(tmp_path: Path) -> None:
    code, output = run(tmp_path, "--platform", "shopify")
    assert code == 0, output

    report = output[output.index("e-mails each person got") :]
    lines = [line.strip() for line in report.splitlines()[1:] if line.startswith("    ")]
    got = dict(line.split(": ", 1) for line in lines)
    anna = next(who for who in got if who.startswith("anna"))
    assert "invitation (queued)" in got[anna]
    assert "points_pending" in got[anna]
    assert any("friend_code" in kinds for kinds in got.values())
