"""manifest/shopify.app.toml agrees with the connector: topics, scopes, URLs, API version."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from passiton.app.config import Settings
from passiton.connectors.shopify.auth import SCOPES
from passiton.connectors.shopify.store import API_TOPICS
from passiton.connectors.shopify.webhooks import TOPICS

MANIFEST = Path(__file__).resolve().parents[2] / "manifest" / "shopify.app.toml"
COMPLIANCE = {"customers/data_request", "customers/redact", "shop/redact"}


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return tomllib.loads(MANIFEST.read_text())


def subscribed(manifest: dict[str, Any], key: str) -> set[str]:
    return {
        topic
        for subscription in manifest["webhooks"]["subscriptions"]
        for topic in subscription.get(key, [])
    }


def test_every_subscribed_topic_has_a_translator_and_every_translator_is_subscribed(
    manifest: dict[str, Any],
) -> None:
    topics = subscribed(manifest, "topics") | subscribed(manifest, "compliance_topics")

    assert topics == set(TOPICS)


def test_compliance_topics_are_declared_as_such(manifest: dict[str, Any]) -> None:
    assert subscribed(manifest, "compliance_topics") == COMPLIANCE
    assert not subscribed(manifest, "topics") & COMPLIANCE


def test_toml_topics_match_the_ones_registered_over_the_api(manifest: dict[str, Any]) -> None:
    as_api_enum = {t.upper().replace("/", "_") for t in subscribed(manifest, "topics")}

    assert as_api_enum == set(API_TOPICS)


def test_the_app_asks_for_the_shops_languages_and_hears_of_its_changes(
    manifest: dict[str, Any],
) -> None:
    assert "read_locales" in manifest["access_scopes"]["scopes"].split(",")
    assert "shop/update" in subscribed(manifest, "topics")


def test_every_subscription_delivers_to_the_shopify_receiver(manifest: dict[str, Any]) -> None:
    assert {s["uri"] for s in manifest["webhooks"]["subscriptions"]} == {"/webhooks/shopify"}


def test_scopes_version_and_urls_match_the_service(manifest: dict[str, Any]) -> None:
    assert manifest["access_scopes"]["scopes"].split(",") == list(SCOPES)
    assert manifest["webhooks"]["api_version"] == Settings.shopify_api_version
    assert manifest["embedded"] is True
    assert manifest["application_url"].endswith("/shopify/app")
    assert [u.rsplit("/", 2)[-2:] for u in manifest["auth"]["redirect_urls"]] == [
        ["shopify", "callback"]
    ]
    proxy = manifest["app_proxy"]
    assert (proxy["url"].endswith("/proxy"), proxy["subpath"], proxy["prefix"]) == (
        True,
        "passiton",
        "apps",
    )
