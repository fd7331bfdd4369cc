"""The merchant's Webhooks page as served: forms with CSRF, the secret shown once, the log."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import func, select

from passiton.app.factory import create_app
from passiton.app.runtime import Runtime
from passiton.core.models import HookDelivery, HookEndpoint
from passiton.core.services import hook_endpoints
from tests.conftest import RuntimeFactory
from tests.faces.scenario import shop_with_key
from tests.outbound.receiver import running_receiver

CSRF = "tok-hooks"


def _logged_in(
    make_runtime: RuntimeFactory, url: str, **overrides: object
) -> tuple[FlaskClient, Runtime, int]:
    runtime = make_runtime(url, **overrides)
    shop = shop_with_key(runtime, "ring-shop.test", name="Ring Shop")
    client = create_app(runtime=runtime).test_client()
    with client.session_transaction() as session:
        session["shop_id"] = shop.shop_id
        session["csrf_token"] = CSRF
    return client, runtime, shop.shop_id


def _count(runtime: Runtime, model: type) -> int:
    with runtime.db.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_the_page_asks_to_sign_in_without_a_login(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    client = create_app(runtime=make_runtime(sqlite_url)).test_client()

    response = client.get("/webhooks")
    posted = client.post("/webhooks/endpoints", data={"url": "https://x.example"})

    assert response.status_code == 401
    assert "Please sign in" in response.get_data(as_text=True)
    assert posted.status_code == 401


def test_adding_an_endpoint_shows_its_secret_once_and_stores_it_sealed(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    client, runtime, shop_id = _logged_in(make_runtime, sqlite_url, hooks_allow_private=True)

    added = client.post(
        "/webhooks/endpoints",
        data={
            "csrf_token": CSRF,
            "url": "http://127.0.0.1:9/hooks",
            "events": ["link.created", "referral.approved"],
        },
    )
    html = added.get_data(as_text=True)
    again = client.get("/webhooks").get_data(as_text=True)

    assert added.status_code == 201
    with runtime.db.sessions() as session:
        (endpoint,) = hook_endpoints.endpoints(session, shop_id)
        secret = runtime.vault.open_text(endpoint.secret_sealed)
    assert secret is not None
    assert secret.startswith("whsec_")
    assert secret in html
    assert secret not in again
    assert secret.encode() not in endpoint.secret_sealed
    assert endpoint.events == ["link.created", "referral.approved"]
    assert endpoint.include_friend_email is False
    assert "http://127.0.0.1:9/hooks" in again


def test_a_form_without_the_csrf_token_changes_nothing(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    client, runtime, _ = _logged_in(make_runtime, sqlite_url, hooks_allow_private=True)

    response = client.post(
        "/webhooks/endpoints",
        data={"csrf_token": "wrong", "url": "http://127.0.0.1:9/", "events": ["link.created"]},
    )

    assert response.status_code == 403
    assert _count(runtime, HookEndpoint) == 0


def test_a_private_address_is_refused_with_the_reason_and_nothing_saved(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    client, runtime, _ = _logged_in(make_runtime, sqlite_url)

    for url in ("https://127.0.0.1/hooks", "https://169.254.169.254/latest", "http://x.example"):
        response = client.post(
            "/webhooks/endpoints",
            data={"csrf_token": CSRF, "url": url, "events": ["link.created"]},
        )
        assert response.status_code == 400, url
        assert 'id="hooks-error"' in response.get_data(as_text=True)

    assert _count(runtime, HookEndpoint) == 0


def test_no_event_chosen_or_an_unknown_one_is_refused(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    client, runtime, _ = _logged_in(make_runtime, sqlite_url, hooks_allow_private=True)

    for events in ([], ["order.created"]):
        response = client.post(
            "/webhooks/endpoints",
            data={"csrf_token": CSRF, "url": "http://127.0.0.1:9/", "events": events},
        )
        assert response.status_code == 400
        assert "Choose at least one event." in response.get_data(as_text=True)
    assert _count(runtime, HookEndpoint) == 0


def test_another_shops_endpoint_is_not_found_and_unchanged(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    client, runtime, _ = _logged_in(make_runtime, sqlite_url)
    other = shop_with_key(runtime, "other-shop.test")
    with runtime.db.transaction() as session:
        theirs = hook_endpoints.add_endpoint(
            session,
            other.shop_id,
            url="https://hooks.example.com/",
            events=["link.created"],
            secret_sealed=b"sealed",
            include_friend_email=False,
        ).id

    for action in ("remove", "rotate", "test"):
        response = client.post(f"/webhooks/endpoints/{theirs}/{action}", data={"csrf_token": CSRF})
        assert response.status_code == 404, action

    with runtime.db.sessions() as session:
        endpoint = session.get(HookEndpoint, theirs)
        assert endpoint is not None
        assert endpoint.secret_sealed == b"sealed"
    assert _count(runtime, HookDelivery) == 0


def test_a_test_event_is_sent_and_shown_in_the_log_then_rotate_and_remove(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    client, runtime, shop_id = _logged_in(make_runtime, sqlite_url, hooks_allow_private=True)
    with running_receiver() as receiver:
        client.post(
            "/webhooks/endpoints",
            data={"csrf_token": CSRF, "url": receiver.url, "events": ["link.created"]},
        )
        with runtime.db.sessions() as session:
            (endpoint,) = hook_endpoints.endpoints(session, shop_id)
            first_secret = runtime.vault.open_text(endpoint.secret_sealed)

        tested = client.post(f"/webhooks/endpoints/{endpoint.id}/test", data={"csrf_token": CSRF})
        log = client.get("/webhooks").get_data(as_text=True)
        rotated = client.post(
            f"/webhooks/endpoints/{endpoint.id}/rotate", data={"csrf_token": CSRF}
        )

    assert tested.status_code == 303
    (request,) = receiver.received
    assert request.headers["X-Passiton-Event"] == "test"
    assert f'data-delivery="{request.headers["X-Passiton-Delivery"]}"' in log
    assert 'data-status="delivered"' in log
    with runtime.db.sessions() as session:
        endpoint_now = session.get(HookEndpoint, endpoint.id)
        assert endpoint_now is not None
        second_secret = runtime.vault.open_text(endpoint_now.secret_sealed)
    assert second_secret is not None
    assert second_secret != first_secret
    assert second_secret in rotated.get_data(as_text=True)

    removed = client.post(f"/webhooks/endpoints/{endpoint.id}/remove", data={"csrf_token": CSRF})
    assert removed.status_code == 303
    assert (_count(runtime, HookEndpoint), _count(runtime, HookDelivery)) == (0, 0)


def test_hostile_endpoint_ids_and_actions_are_not_found(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    client, runtime, _ = _logged_in(make_runtime, sqlite_url)

    for path in (
        "/webhooks/endpoints/99999999999999999999999/remove",
        "/webhooks/endpoints/-1/remove",
        "/webhooks/endpoints/1/explode",
        "/webhooks/endpoints/x/test",
    ):
        response = client.post(path, data={"csrf_token": CSRF})
        assert response.status_code == 404, path

    assert _count(runtime, HookDelivery) == 0
