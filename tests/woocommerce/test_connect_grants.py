"""A key grant links nothing until its key has worked against the store; owners keep their shop."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
import responses
from sqlalchemy import select

from passiton.app.factory import create_app
from passiton.app.platforms import woocommerce_grants as grants
from passiton.app.runtime import Runtime
from passiton.app.stores import PlatformStores
from passiton.connectors.woocommerce.auth import plugin_signature
from passiton.connectors.woocommerce.key_checks import REVOKE_ROUTE
from passiton.core.merchants import (
    ConnectRequest,
    GrantStatus,
    MerchantShop,
    OldKeyStatus,
    PluginKey,
)
from passiton.core.models import Shop
from passiton.core.ports import StoreError
from passiton.core.services.shops import uninstall_shop
from tests.conftest import RuntimeFactory
from tests.woocommerce.connect_service import Service
from tests.woocommerce.merchant_browser import csrf, signup
from tests.woocommerce.store_double import API, STORE_URL, mock_store

REVOKE = f"{STORE_URL}{REVOKE_ROUTE}"
MADE_UP = {"consumer_key": "ck_" + "f" * 40, "consumer_secret": "cs_" + "f" * 40}
OWNER_KEY = "ck_ac2410659015086f16d3a797a46aa3af8d0557d3"


def latest_grant(service: Service) -> ConnectRequest:
    with service.runtime.db.sessions() as session:
        grant = session.scalar(select(ConnectRequest).order_by(ConnectRequest.id.desc()))
        assert grant is not None
        return grant


def account_page(service: Service) -> str:
    response = service.client.get("/account")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def second_merchant(service: Service, email: str = "attacker@elsewhere.example") -> Service:
    other = Service(service.runtime, service.client.application.test_client())
    assert signup(other.client, email).status_code == 303
    return other


def stored_keys(service: Service) -> dict[str, object]:
    keys = service.runtime.vault.open(service.shop().credentials)
    assert keys is not None
    return keys


def run_queue(runtime: Runtime) -> None:
    """What a worker does: run every queued task, including those the tasks enqueue."""
    while (task := runtime.huey.dequeue()) is not None:
        runtime.huey.execute(task)


@pytest.fixture
def queued(make_runtime: RuntimeFactory, database_url: str) -> Service:
    """A service whose tasks wait in the queue for a worker, as in production."""
    runtime = make_runtime(database_url, stores=PlatformStores(), immediate_tasks=False)
    return Service(runtime, create_app(runtime=runtime).test_client())


def test_a_cross_site_get_does_not_start_a_connect(service: Service) -> None:
    signup(service.client)
    response = service.client.get("/woocommerce/connect", query_string={"store_url": STORE_URL})
    assert response.status_code == 405
    assert service.count(ConnectRequest) == 0


def test_a_connect_without_the_csrf_token_is_refused(service: Service) -> None:
    signup(service.client)
    response = service.client.post("/woocommerce/connect", data={"store_url": STORE_URL})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_csrf_token"
    assert service.count(ConnectRequest) == 0


def test_the_account_page_connects_with_a_post_carrying_the_csrf_token(service: Service) -> None:
    signup(service.client)
    page = account_page(service)
    form = page[page.index('<form method="post" action="/woocommerce/connect">') :]
    form = form[: form.index("</form>")]
    assert f'name="csrf_token" value="{csrf(service.client)}"' in form
    assert 'name="store_url"' in form


def test_the_callback_answers_before_anything_calls_the_store(queued: Service) -> None:
    signup(queued.client)
    state = queued.connect()
    with responses.RequestsMock() as store:  # nothing registered: any store call would fail
        response = queued.callback(state)
        assert len(store.calls) == 0
    assert response.status_code == 200
    assert response.get_json() == {"status": "verifying"}
    assert (queued.count(Shop), queued.count(MerchantShop), queued.count(PluginKey)) == (0, 0, 0)
    assert latest_grant(queued).status is GrantStatus.VERIFYING
    assert "checking it with the store" in account_page(queued)

    with responses.RequestsMock(assert_all_requests_are_fired=False) as store:
        mock_store(store, keys=frozenset({OWNER_KEY}))
        run_queue(queued.runtime)
    assert latest_grant(queued).status is GrantStatus.CONNECTED
    assert latest_grant(queued).sealed_grant is None
    assert queued.count(MerchantShop) == 1
    assert "plugin key" in account_page(queued)


@responses.activate
def test_made_up_keys_link_nothing_and_the_merchant_is_told(service: Service) -> None:
    mock_store(responses.mock, keys=frozenset({OWNER_KEY}))
    signup(service.client)
    response = service.callback(service.connect(), **MADE_UP)
    assert response.status_code == 200
    assert (service.count(Shop), service.count(MerchantShop), service.count(PluginKey)) == (0, 0, 0)
    grant = latest_grant(service)
    assert grant.status is GrantStatus.REFUSED
    assert grant.sealed_grant is None
    # The only store call was the key check: no webhook, no coupon.
    assert [(c.request.method, str(c.request.url).split("?")[0]) for c in responses.calls] == [
        ("GET", f"{API}/webhooks")
    ]
    page = account_page(service)
    assert "did not accept the key" in page
    assert "plugin key" not in page


@responses.activate
def test_a_store_connected_by_another_merchant_is_never_handed_over(service: Service) -> None:
    mock_store(responses.mock)  # the second key even works: the store is still not theirs
    signup(service.client)
    assert service.callback(service.connect()).status_code == 200
    owner_keys = stored_keys(service)
    owner_page = account_page(service)

    attacker = second_merchant(service)
    response = attacker.callback(attacker.connect(), key_id=7, **MADE_UP)
    assert response.status_code == 200
    assert stored_keys(service) == owner_keys
    with service.runtime.db.sessions() as session:
        links = list(session.scalars(select(MerchantShop.merchant_id)))
    assert len(links) == 1
    assert account_page(service) == owner_page
    page = account_page(attacker)
    assert "connected to another Passiton account" in page
    assert "(id 7)" in page
    assert "plugin key" not in page
    assert latest_grant(service).status is GrantStatus.REFUSED
    assert not [c for c in responses.calls if c.request.url == REVOKE]


@responses.activate
def test_the_second_merchant_is_refused_even_when_the_owner_uninstalled(service: Service) -> None:
    mock_store(responses.mock)
    signup(service.client)
    service.callback(service.connect())
    with service.runtime.db.transaction() as session:
        uninstall_shop(session, service.shop().id)
    attacker = second_merchant(service)
    attacker.callback(attacker.connect(), **MADE_UP)
    assert latest_grant(attacker).status is GrantStatus.REFUSED
    assert service.count(MerchantShop) == 1
    assert service.shop().credentials is None


@responses.activate
def test_reconnecting_revokes_the_replaced_key_through_the_plugin(service: Service) -> None:
    mock_store(responses.mock)
    responses.mock.post(REVOKE, json={"revoked": True})
    signup(service.client)
    service.callback(service.connect())  # WooCommerce key id 2
    service.callback(service.connect(), key_id=3, **MADE_UP)
    assert stored_keys(service)["key_id"] == "3"
    calls = [c.request for c in responses.calls if c.request.url == REVOKE]
    assert len(calls) == 1
    raw = calls[0].body
    assert isinstance(raw, bytes)
    assert json.loads(raw) == {"key_id": "2"}
    shop_id = service.shop().id
    assert calls[0].headers["X-Passiton-Shop"] == str(shop_id)
    with service.runtime.db.sessions() as session:
        sealed = session.get(PluginKey, shop_id)
        assert sealed is not None
        key = service.runtime.vault.open_text(sealed.sealed_key)
    assert key is not None
    stamp = str(calls[0].headers["X-Passiton-Timestamp"])
    assert calls[0].headers["X-Passiton-Signature"] == plugin_signature(key, stamp, raw)
    assert latest_grant(service).old_key_status is OldKeyStatus.REVOKED
    assert "(id 2) was revoked" in account_page(service)


@responses.activate
def test_without_the_plugin_the_merchant_is_shown_the_old_key_to_delete(service: Service) -> None:
    mock_store(responses.mock)
    responses.mock.post(
        REVOKE, status=404, json={"code": "rest_no_route", "message": "No route was found"}
    )
    signup(service.client)
    service.callback(service.connect())
    service.callback(service.connect(), key_id=3, **MADE_UP)
    assert latest_grant(service).old_key_status is OldKeyStatus.REMOVE_BY_HAND
    assert "id <code>2</code>" in account_page(service)


@responses.activate
def test_reconnecting_with_the_same_key_revokes_nothing(service: Service) -> None:
    mock_store(responses.mock)
    signup(service.client)
    service.callback(service.connect())
    service.callback(service.connect())
    assert latest_grant(service).status is GrantStatus.CONNECTED
    assert latest_grant(service).old_key_id is None
    assert not [c for c in responses.calls if c.request.url == REVOKE]


def test_the_sweep_verifies_a_grant_whose_task_was_lost(queued: Service) -> None:
    signup(queued.client)
    queued.callback(queued.connect())
    queued.runtime.huey.flush()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as store:
        mock_store(store)
        queued.runtime.tasks.sweep_woocommerce_grants()
        run_queue(queued.runtime)
    assert latest_grant(queued).status is GrantStatus.CONNECTED
    assert queued.count(MerchantShop) == 1


def test_a_grant_the_store_never_let_us_check_is_refused_after_an_hour(queued: Service) -> None:
    signup(queued.client)
    queued.callback(queued.connect())
    queued.runtime.huey.flush()
    with queued.runtime.db.transaction() as session:
        grant = session.scalar(select(ConnectRequest))
        assert grant is not None
        grant.used_at = datetime.now(UTC) - timedelta(hours=2)
    with responses.RequestsMock() as store:
        queued.runtime.tasks.sweep_woocommerce_grants()
        run_queue(queued.runtime)
        assert len(store.calls) == 0
    assert latest_grant(queued).status is GrantStatus.REFUSED
    assert latest_grant(queued).sealed_grant is None
    assert (queued.count(Shop), queued.count(MerchantShop)) == (0, 0)
    assert "could not be reached" in account_page(queued)


def test_a_store_that_fails_keeps_the_grant_until_the_last_try(queued: Service) -> None:
    signup(queued.client)
    queued.callback(queued.connect())
    request_id = latest_grant(queued).id
    with responses.RequestsMock() as store:
        store.get(f"{API}/webhooks", status=502, body="Bad Gateway")
        with pytest.raises(StoreError) as failed:
            grants.verify_grant(queued.runtime, request_id, last_try=False)
        assert failed.value.retryable
        assert latest_grant(queued).status is GrantStatus.VERIFYING
        assert grants.verify_grant(queued.runtime, request_id, last_try=True) is None
    assert latest_grant(queued).status is GrantStatus.REFUSED
    assert (queued.count(Shop), queued.count(MerchantShop)) == (0, 0)


def test_two_merchants_racing_for_a_new_store_leave_one_owner(
    make_runtime: RuntimeFactory, pg_url: str
) -> None:
    runtime = make_runtime(pg_url, stores=PlatformStores(), immediate_tasks=False)
    first = Service(runtime, create_app(runtime=runtime).test_client())
    signup(first.client)
    first.callback(first.connect())
    second = second_merchant(first, "other@shop.example")
    second.callback(second.connect(), key_id=9, **MADE_UP)
    with runtime.db.sessions() as session:
        request_ids = list(session.scalars(select(ConnectRequest.id)))
    start = threading.Barrier(len(request_ids))

    def verify(request_id: int) -> None:
        start.wait(timeout=10)
        grants.verify_grant(runtime, request_id, last_try=True)

    with responses.RequestsMock(assert_all_requests_are_fired=False) as store:
        mock_store(store)
        workers = [threading.Thread(target=verify, args=(i,)) for i in request_ids]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=30)
    with runtime.db.sessions() as session:
        statuses = sorted(r.status for r in session.scalars(select(ConnectRequest)))
        owners = list(session.scalars(select(MerchantShop.merchant_id)))
        winner = session.scalar(
            select(ConnectRequest.merchant_id).where(ConnectRequest.status == GrantStatus.CONNECTED)
        )
    assert statuses == sorted([GrantStatus.CONNECTED, GrantStatus.REFUSED])
    assert owners == [winner]
    assert first.count(Shop) == 1
    assert first.count(PluginKey) == 1
