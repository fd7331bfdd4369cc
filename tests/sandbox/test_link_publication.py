"""Enrolling a Shopify buyer writes their link to the sandbox customer, once, after commit."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from passiton.app.platforms.shopify import install_with_credentials
from passiton.app.runtime import Runtime
from passiton.core.fake_store import FakeStoreDirectory
from passiton.core.models import LinkPublication, LinkPublicationStatus
from passiton.core.services.enrolment import Buyer, enrol
from passiton.sandbox.server import Sandbox
from passiton.sandbox.shopify_orders import Buyer as ShopifyBuyer
from tests.conftest import RuntimeFactory
from tests.sandbox.conftest import APP, SHOP, authorization_code, now, token_endpoint
from tests.support.builders import make_shop

ANNA = ShopifyBuyer(7001, "anna@example.com", "Anna", "1 Ring Road", "10115", "+49 30 1")


def shopify_runtime(make_runtime: RuntimeFactory, url: str, sandbox: Sandbox) -> Runtime:
    return make_runtime(
        url,
        shopify_api_key=APP.client_id,
        shopify_api_secret=APP.client_secret,
        shopify_admin_url_template=sandbox.shopify_admin_template,
    )


def installed_shop(runtime: Runtime, sandbox: Sandbox) -> int:
    credentials = token_endpoint(sandbox).exchange_code(
        SHOP, authorization_code(sandbox), now(sandbox)
    )
    return install_with_credentials(runtime.db, runtime.vault, SHOP, credentials, now(sandbox))


def enrol_buyer(runtime: Runtime, shop_id: int, customer_id: str | None) -> str:
    with runtime.db.transaction() as session:
        customer = enrol(session, shop_id, Buyer(customer_id=customer_id, email="anna@example.com"))
        assert customer is not None
        return customer.referral_code


def publications(runtime: Runtime) -> list[LinkPublication]:
    with runtime.db.sessions() as session:
        return list(session.scalars(select(LinkPublication)))


def test_an_enrolled_shopify_buyer_gets_the_link_on_their_customer_record(
    make_runtime: RuntimeFactory, sqlite_url: str, sandbox: Sandbox
) -> None:
    runtime = shopify_runtime(make_runtime, sqlite_url, sandbox)
    shop_id = installed_shop(runtime, sandbox)
    sandbox.shopify.place_order(SHOP, ANNA, Decimal("80.00"))

    code = enrol_buyer(runtime, shop_id, "7001")
    enrol_buyer(runtime, shop_id, "7001")  # a replayed order enrols the same buyer again

    stored = sandbox.shopify.shop(SHOP).customers.values
    assert stored[(7001, "passiton", "referral_url")]["value"] == f"http://passiton.test/r/{code}"
    assert sandbox.shopify.shop(SHOP).calls["metafieldsSet"] == 1
    (publication,) = publications(runtime)
    assert (publication.status, publication.attempts) == (LinkPublicationStatus.PUBLISHED, 1)


def test_a_refusal_is_recorded_and_not_retried(
    make_runtime: RuntimeFactory, sqlite_url: str, sandbox: Sandbox
) -> None:
    runtime = shopify_runtime(make_runtime, sqlite_url, sandbox)
    shop_id = installed_shop(runtime, sandbox)
    sandbox.shopify.place_order(SHOP, ANNA, Decimal("80.00"))
    sandbox.shopify.shop(SHOP).customers.scopes.discard("write_customers")

    enrol_buyer(runtime, shop_id, "7001")
    runtime.tasks.sweep_links()

    (publication,) = publications(runtime)
    assert publication.status is LinkPublicationStatus.FAILED
    assert "ACCESS_DENIED" in (publication.last_error or "")
    assert sandbox.shopify.shop(SHOP).calls["metafieldsSet"] == 1
    assert sandbox.shopify.shop(SHOP).customers.values == {}


def test_a_lost_task_is_found_by_the_sweep(
    make_runtime: RuntimeFactory, sqlite_url: str, sandbox: Sandbox
) -> None:
    runtime = shopify_runtime(make_runtime, sqlite_url, sandbox)
    shop_id = installed_shop(runtime, sandbox)
    sandbox.shopify.place_order(SHOP, ANNA, Decimal("80.00"))
    runtime.db.on_commit("passiton.owed_link_publications", lambda ids: None)

    enrol_buyer(runtime, shop_id, "7001")
    assert sandbox.shopify.shop(SHOP).customers.values == {}
    runtime.tasks.sweep_links()

    assert (7001, "passiton", "referral_url") in sandbox.shopify.shop(SHOP).customers.values


def test_guests_and_other_platforms_owe_no_link(
    make_runtime: RuntimeFactory, sqlite_url: str, sandbox: Sandbox
) -> None:
    runtime = shopify_runtime(make_runtime, sqlite_url, sandbox)
    shopify_shop = installed_shop(runtime, sandbox)
    other_shop = make_shop(runtime.db, FakeStoreDirectory())

    enrol_buyer(runtime, shopify_shop, None)
    enrol_buyer(runtime, other_shop, "7001")

    assert publications(runtime) == []
    assert sandbox.shopify.shop(SHOP).calls["metafieldsSet"] == 0
