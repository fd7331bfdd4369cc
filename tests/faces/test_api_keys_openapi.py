"""Merchant API: API keys, and the OpenAPI document matching the real routes."""

from __future__ import annotations

import re

from flask import Flask

from passiton.app.factory import create_app
from passiton.app.web.merchant.openapi import openapi_document
from passiton.core.program_settings import ProgramSettings
from tests.conftest import RuntimeFactory
from tests.faces.scenario import shop_with_key


def test_created_key_is_shown_once_works_and_can_be_revoked(
    make_runtime: RuntimeFactory, database_url: str
) -> None:
    runtime = make_runtime(database_url)
    client = create_app(runtime=runtime).test_client()
    one = shop_with_key(runtime, "one.test")

    created = client.post("/api/keys", json={"name": "  Zapier "}, headers=one.headers)

    assert created.status_code == 201
    secret = created.get_json()["secret"]
    key = created.get_json()["key"]
    assert key["name"] == "Zapier"
    assert secret.startswith(key["prefix"] + "_")
    listed = client.get("/api/keys", headers=one.headers).get_json()["keys"]
    assert [k["name"] for k in listed] == ["Zapier", "tests"]
    assert secret not in str(listed)
    new_headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/settings", headers=new_headers).status_code == 200

    revoked = client.delete(f"/api/keys/{key['id']}", headers=one.headers)

    assert revoked.status_code == 200
    assert revoked.get_json()["key"]["revoked_at"] is not None
    assert client.get("/api/settings", headers=new_headers).status_code == 401


def test_a_shop_cannot_see_or_revoke_another_shops_keys(
    make_runtime: RuntimeFactory, database_url: str
) -> None:
    runtime = make_runtime(database_url)
    client = create_app(runtime=runtime).test_client()
    one, two = shop_with_key(runtime, "one.test"), shop_with_key(runtime, "two.test")
    ones_key = client.get("/api/keys", headers=one.headers).get_json()["keys"][0]

    theirs = client.get("/api/keys", headers=two.headers).get_json()["keys"]
    refused = client.delete(f"/api/keys/{ones_key['id']}", headers=two.headers)

    assert ones_key["id"] not in [k["id"] for k in theirs]
    assert refused.status_code == 404
    assert client.get("/api/settings", headers=one.headers).status_code == 200


def test_bad_key_names_are_refused(make_runtime: RuntimeFactory, sqlite_url: str) -> None:
    runtime = make_runtime(sqlite_url)
    client = create_app(runtime=runtime).test_client()
    one = shop_with_key(runtime, "one.test")

    for body in ({"name": 7}, {"name": "x" * 101}):
        response = client.post("/api/keys", json=body, headers=one.headers)
        assert response.status_code == 422
        assert response.get_json()["error"]["field"] == "name"
    assert client.post("/api/keys", data="nope", headers=one.headers).status_code == 422
    assert len(client.get("/api/keys", headers=one.headers).get_json()["keys"]) == 1


def _api_routes(app: Flask) -> set[tuple[str, str]]:
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        path = re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-z_]+)>", r"{\1}", rule.rule)
        for method in rule.methods or ():
            if method not in {"HEAD", "OPTIONS"}:
                routes.add((path, method.lower()))
    return routes


def test_openapi_document_lists_exactly_the_api_routes(app: Flask) -> None:
    documented = {
        (path, method) for path, item in openapi_document()["paths"].items() for method in item
    }

    assert documented == _api_routes(app)


def test_openapi_document_is_served_and_resolves_its_references(app: Flask) -> None:
    served = app.test_client().get("/api/openapi.json").get_json()

    assert served["openapi"] == "3.1.0"
    schemas = served["components"]["schemas"]
    for ref in re.findall(r"#/components/schemas/(\w+)", str(served)):
        assert ref in schemas


def test_every_api_route_is_described_by_models(app: Flask) -> None:
    document = openapi_document()
    schemas = document["components"]["schemas"]
    json_answers = {
        (path, method): answer["content"]["application/json"]["schema"]
        for path, item in document["paths"].items()
        for method, operation in item.items()
        for status, answer in operation["responses"].items()
        if status.startswith("2") and "application/json" in answer["content"]
    }
    csv_routes = {("/api/exports/referrals.csv", "get"), ("/api/exports/ledger.csv", "get")}
    # Actions that take nothing but the shop they act for: sending the shop its own test e-mail.
    bodiless = {("/api/mail-settings/test", "post")}
    page_routes = {("/api/cards/{customer_id}", "get")}

    assert set(json_answers) == _api_routes(app) - csv_routes - page_routes
    for schema in json_answers.values():
        assert schema["$ref"].removeprefix("#/components/schemas/") in schemas
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if (path, method) in bodiless:
                assert "requestBody" not in operation
            elif method in {"put", "post"}:
                body = operation["requestBody"]["content"]["application/json"]["schema"]
                assert body["$ref"].removeprefix("#/components/schemas/") in schemas


def test_the_settings_body_is_the_cores_settings_schema() -> None:
    document = openapi_document()
    put = document["paths"]["/api/settings"]["put"]
    body = put["requestBody"]["content"]["application/json"]["schema"]
    name = body["$ref"].removeprefix("#/components/schemas/")

    described = document["components"]["schemas"][name]["properties"]
    declared = ProgramSettings.model_json_schema()["properties"]

    assert described["hold_days"] == declared["hold_days"]
    assert set(described) == set(declared)
