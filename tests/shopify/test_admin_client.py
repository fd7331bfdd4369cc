from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
import responses

from passiton.connectors.shopify import documents
from passiton.connectors.shopify.tokens import TokenEndpoint
from passiton.core.ports import StoreError
from tests.shopify.admin_api import (
    NOW,
    TOKEN_URL,
    FakeAdminApi,
    MemoryCredentials,
    admin_client,
    credentials,
    schema_errors,
)


def sent_body(mocked: responses.BaseResponse) -> dict[str, Any]:
    body = mocked.calls[0].request.body
    assert body is not None
    parsed: dict[str, Any] = json.loads(body)
    return parsed


SHOP_QUERY = documents.DISCOUNT_BY_CODE
FOUND = {"codeDiscountNodeByCode": {"id": "gid://shopify/DiscountCodeNode/1"}}
NEW_PAIR = {
    "access_token": "shpat_new",
    "expires_in": 3600,
    "refresh_token": "shprt_new",
    "refresh_token_expires_in": 7776000,
    "scope": "read_orders,write_discounts",
}


@pytest.mark.parametrize("version", ["2026-04", "2026-01"])
@pytest.mark.parametrize("name", sorted(documents.ALL))
def test_every_document_is_valid_against_the_admin_schema(name: str, version: str) -> None:
    assert schema_errors(documents.ALL[name], version) == []


@responses.activate
def test_throttled_call_waits_for_the_bucket_then_succeeds() -> None:
    api, sleeps = FakeAdminApi(), list[float]()
    throttled = {
        "errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}],
        "extensions": {
            "cost": {
                "requestedQueryCost": 101,
                "throttleStatus": {
                    "maximumAvailable": 2000,
                    "currentlyAvailable": 1,
                    "restoreRate": 100,
                },
            }
        },
    }
    api.answer("DiscountByCode", throttled)
    api.answer("DiscountByCode", FOUND)
    client = admin_client(responses.mock, api, MemoryCredentials({1: credentials()}), sleeps)

    data = client.execute(SHOP_QUERY, {"code": "X"})

    assert data == FOUND
    assert sleeps == [1.0]


@responses.activate
def test_429_honours_retry_after() -> None:
    api, sleeps = FakeAdminApi(), list[float]()
    api.answer("DiscountByCode", {"errors": "slow down"}, status=429)
    api.answer("DiscountByCode", FOUND)
    client = admin_client(responses.mock, api, MemoryCredentials({1: credentials()}), sleeps)

    client.execute(SHOP_QUERY, {"code": "X"})

    assert len(api.calls) == 2
    assert sleeps == [1.0]


@responses.activate
def test_rejected_token_is_refreshed_once_and_the_new_pair_stored() -> None:
    api, store = FakeAdminApi(), MemoryCredentials({1: credentials()})
    api.answer("DiscountByCode", {"errors": "Invalid API key or access token"}, status=401)
    api.answer("DiscountByCode", FOUND)
    refresh = responses.add(responses.POST, TOKEN_URL, json=NEW_PAIR)
    client = admin_client(responses.mock, api, store, [])

    client.execute(SHOP_QUERY, {"code": "X"})

    assert [token for _, _, token in api.calls] == ["shpat_old", "shpat_new"]
    sent = sent_body(refresh)
    assert (sent["grant_type"], sent["refresh_token"]) == ("refresh_token", "shprt_old")
    held = store.held[1]
    assert (held.access_token, held.refresh_token) == ("shpat_new", "shprt_new")
    assert held.expires_at == NOW + timedelta(hours=1)


@responses.activate
def test_token_about_to_expire_is_refreshed_before_the_call() -> None:
    api, store = (
        FakeAdminApi(),
        MemoryCredentials({1: credentials(expires_in=timedelta(minutes=2))}),
    )
    api.answer("DiscountByCode", FOUND)
    responses.add(responses.POST, TOKEN_URL, json=NEW_PAIR)
    client = admin_client(responses.mock, api, store, [])

    client.execute(SHOP_QUERY, {"code": "X"})

    assert [token for _, _, token in api.calls] == ["shpat_new"]
    assert store.saves == 1


@responses.activate
def test_refresh_lost_to_another_worker_uses_the_pair_it_stored() -> None:
    store = MemoryCredentials({1: credentials(expires_in=timedelta(minutes=2))})
    api = FakeAdminApi()
    api.answer("DiscountByCode", FOUND)

    def spent(request: object) -> tuple[int, dict[str, str], str]:
        # The other worker won: its pair is stored, ours is spent.
        store.held[1] = replace(credentials("shpat_theirs"), refresh_token="shprt_theirs")
        return 401, {}, "{}"

    responses.add_callback(responses.POST, TOKEN_URL, callback=spent)
    client = admin_client(responses.mock, api, store, [])

    client.execute(SHOP_QUERY, {"code": "X"})

    assert [token for _, _, token in api.calls] == ["shpat_theirs"]


@responses.activate
def test_refused_refresh_forgets_the_dead_refresh_token() -> None:
    store = MemoryCredentials({1: credentials(expires_in=timedelta(minutes=2))})
    responses.add(responses.POST, TOKEN_URL, status=400, json={"error": "invalid_grant"})
    client = admin_client(responses.mock, FakeAdminApi(), store, [])

    with pytest.raises(StoreError) as raised:
        client.execute(SHOP_QUERY, {"code": "X"})

    assert not raised.value.retryable
    assert store.held[1].refresh_token is None
    assert store.held[1].access_token == "shpat_old"


@responses.activate
def test_refresh_that_fails_for_now_keeps_the_refresh_token() -> None:
    store = MemoryCredentials({1: credentials(expires_in=timedelta(minutes=2))})
    responses.add(responses.POST, TOKEN_URL, status=503)
    client = admin_client(responses.mock, FakeAdminApi(), store, [])

    with pytest.raises(StoreError) as raised:
        client.execute(SHOP_QUERY, {"code": "X"})

    assert raised.value.retryable
    assert (store.held[1].refresh_token, store.saves) == ("shprt_old", 0)


@responses.activate
@pytest.mark.parametrize(
    ("status", "retryable"), [(500, True), (503, True), (403, False), (404, False)]
)
def test_http_failures_say_whether_to_retry(status: int, retryable: bool) -> None:
    api = FakeAdminApi()
    for _ in range(5):
        api.answer("DiscountByCode", {"errors": "no"}, status=status)
    client = admin_client(responses.mock, api, MemoryCredentials({1: credentials()}), [])

    with pytest.raises(StoreError) as failed:
        client.execute(SHOP_QUERY, {"code": "X"})

    assert failed.value.retryable is retryable


@responses.activate
def test_shop_without_credentials_is_a_permanent_failure() -> None:
    client = admin_client(responses.mock, FakeAdminApi(), MemoryCredentials(), [])

    with pytest.raises(StoreError) as failed:
        client.execute(SHOP_QUERY, {"code": "X"})

    assert failed.value.retryable is False


@responses.activate
def test_code_grant_asks_for_an_expiring_offline_token() -> None:
    grant = responses.add(responses.POST, TOKEN_URL, json=NEW_PAIR)
    endpoint = TokenEndpoint("https://{shop}", "client-id", "client-secret")

    pair = endpoint.exchange_code("anna.myshopify.com", "the-code", NOW)

    sent = sent_body(grant)
    assert sent == {
        "client_id": "client-id",
        "client_secret": "client-secret",
        "code": "the-code",
        "expiring": "1",
    }
    assert pair.scopes == ("read_orders", "write_discounts")
    assert pair.refresh_expires_at == NOW + timedelta(days=90)


@responses.activate
def test_token_exchange_sends_the_session_token_as_id_token() -> None:
    grant = responses.add(responses.POST, TOKEN_URL, json=NEW_PAIR)
    endpoint = TokenEndpoint("https://{shop}", "client-id", "client-secret")

    endpoint.exchange_session_token("anna.myshopify.com", "jwt-here", NOW)

    sent = sent_body(grant)
    assert sent["grant_type"] == "urn:ietf:params:oauth:grant-type:token-exchange"
    assert sent["subject_token"] == "jwt-here"
    assert sent["subject_token_type"] == "urn:ietf:params:oauth:token-type:id_token"
    assert (
        sent["requested_token_type"] == "urn:shopify:params:oauth:token-type:offline-access-token"
    )
    assert sent["expiring"] == "1"


@responses.activate
def test_spent_code_is_a_permanent_refusal() -> None:
    responses.add(responses.POST, TOKEN_URL, status=400, json={"error": "invalid_request"})
    endpoint = TokenEndpoint("https://{shop}", "client-id", "client-secret")

    with pytest.raises(StoreError) as refused:
        endpoint.exchange_code("anna.myshopify.com", "spent", NOW)

    assert refused.value.retryable is False
