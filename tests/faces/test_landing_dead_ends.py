"""A friend whose link does not work is never left at a dead end."""

from __future__ import annotations

from sqlalchemy import func, select

from passiton.app.factory import create_app
from passiton.core.models import Platform, Referral
from tests.conftest import RuntimeFactory
from tests.faces.scenario import referrer, shop_with_key


def test_an_unknown_link_in_a_one_store_install_leads_to_that_store(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    runtime = make_runtime(sqlite_url)
    client = create_app(runtime=runtime).test_client()
    shop_with_key(runtime, "ring-shop.myshopify.com", platform=Platform.SHOPIFY, name="Ring Shop")

    page = client.get("/r/NOPE-2222")

    body = page.get_data(as_text=True)
    assert page.status_code == 404
    assert 'href="https://ring-shop.myshopify.com/"' in body
    assert "Visit Ring Shop" in body
    assert 'action="/r"' in body


def test_an_unknown_link_among_several_stores_names_none_but_offers_to_type_the_code(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    runtime = make_runtime(sqlite_url)
    client = create_app(runtime=runtime).test_client()
    shop_with_key(runtime, "ring-shop.myshopify.com", platform=Platform.SHOPIFY, name="Ring Shop")
    shop_with_key(runtime, "https://sofa.test", platform=Platform.WOOCOMMERCE, name="Sofa Shop")

    body = client.get("/r/NOPE-2222").get_data(as_text=True)

    assert "Ring Shop" not in body
    assert "Sofa Shop" not in body
    assert 'action="/r"' in body


def test_a_typed_code_opens_its_link_in_the_canonical_form(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    runtime = make_runtime(sqlite_url)
    client = create_app(runtime=runtime).test_client()
    shop = shop_with_key(runtime, "ring-shop.myshopify.com", platform=Platform.SHOPIFY)
    code = referrer(runtime, shop.shop_id, "anna@example.com", "Anna")

    typed = client.get("/r", query_string={"code": f"  {code.lower()} "})

    assert typed.status_code == 303
    assert typed.headers["Location"] == f"/r/{code}"


def test_a_typed_code_of_the_wrong_shape_is_refused_at_the_field_and_changes_nothing(
    make_runtime: RuntimeFactory, sqlite_url: str
) -> None:
    runtime = make_runtime(sqlite_url)
    client = create_app(runtime=runtime).test_client()

    for junk in ("", "<script>", "x" * 200, "a\u0000b"):
        page = client.get("/r", query_string={"code": junk})
        assert page.status_code == 400
        assert 'action="/r"' in page.get_data(as_text=True)
    with runtime.db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Referral)) == 0


def test_a_paused_program_leads_to_the_store(make_runtime: RuntimeFactory, sqlite_url: str) -> None:
    runtime = make_runtime(sqlite_url)
    client = create_app(runtime=runtime).test_client()
    shop = shop_with_key(runtime, "https://sofa.test", platform=Platform.WOOCOMMERCE, name="Sofa")
    code = referrer(runtime, shop.shop_id, "anna@example.com", "Anna")
    client.put("/api/settings", json={"enabled": False}, headers=shop.headers)

    page = client.get(f"/r/{code}")

    assert page.status_code == 409
    assert 'href="https://sofa.test/"' in page.get_data(as_text=True)
