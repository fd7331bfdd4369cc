"""A fake Admin GraphQL endpoint on `responses`: checks each document against the real schema."""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import responses
from graphql import GraphQLSchema, build_client_schema, parse, validate
from graphql.language import OperationDefinitionNode
from requests import PreparedRequest

from passiton.connectors.shopify.client import ShopifyAdminClient
from passiton.connectors.shopify.tokens import ShopifyCredentials, TokenEndpoint
from tests.shopify.shopify_data import SCHEMAS

SHOP = "anna.myshopify.com"
ADMIN = f"https://{SHOP}"
GRAPHQL_URL = f"{ADMIN}/admin/api/2026-10/graphql.json"
TOKEN_URL = f"{ADMIN}/admin/oauth/access_token"
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


@cache
def schema(version: str) -> GraphQLSchema:
    data = json.loads(
        gzip.decompress((SCHEMAS / f"shopify_admin_schema_{version}.json.gz").read_bytes())
    )
    # graphql-core 3.3 needs assume_valid for these converted introspections (schemas/SOURCES.md).
    return build_client_schema(data["data"], assume_valid=True)


def schema_errors(document: str, version: str = "2026-04") -> list[str]:
    return [error.message for error in validate(schema(version), parse(document))]


@dataclass
class FakeAdminApi:
    """Queued answers per operation name; records (operation, variables, token) per call."""

    answers: dict[str, list[tuple[int, Any]]] = field(default_factory=lambda: defaultdict(list))
    calls: list[tuple[str, dict[str, Any], str]] = field(default_factory=list)

    def answer(self, operation: str, data: Any, status: int = 200) -> None:
        self.answers[operation].append((status, data))

    def __call__(self, request: PreparedRequest) -> tuple[int, dict[str, str], str]:
        assert request.body is not None
        body = json.loads(request.body)
        errors = schema_errors(body["query"])
        assert not errors, errors
        operation = next(
            d.name.value
            for d in parse(body["query"]).definitions
            if isinstance(d, OperationDefinitionNode) and d.name is not None
        )
        self.calls.append((operation, body["variables"], request.headers["X-Shopify-Access-Token"]))
        status, data = self.answers[operation].pop(0)
        return status, {}, json.dumps(data if status != 200 or "errors" in data else {"data": data})

    def operations(self) -> list[str]:
        return [operation for operation, _, _ in self.calls]


@dataclass
class MemoryCredentials:
    held: dict[int, ShopifyCredentials] = field(default_factory=dict)
    saves: int = 0

    def load(self, shop_id: int) -> ShopifyCredentials | None:
        return self.held.get(shop_id)

    def save(self, shop_id: int, credentials: ShopifyCredentials) -> None:
        self.saves += 1
        self.held[shop_id] = credentials


def credentials(
    access: str = "shpat_old", *, expires_in: timedelta = timedelta(minutes=50)
) -> ShopifyCredentials:
    return ShopifyCredentials(
        access_token=access,
        refresh_token="shprt_old",
        expires_at=NOW + expires_in,
        refresh_expires_at=NOW + timedelta(days=90),
        scopes=("write_discounts",),
    )


def admin_client(
    rsps: responses.RequestsMock,
    api: FakeAdminApi,
    store: MemoryCredentials,
    sleeps: list[float],
) -> ShopifyAdminClient:
    rsps.add_callback(responses.POST, GRAPHQL_URL, callback=api)
    return ShopifyAdminClient(
        shop_id=1,
        shop=SHOP,
        admin_base=ADMIN,
        api_version="2026-10",
        credentials=store,
        tokens=TokenEndpoint("https://{shop}", "client-id", "client-secret"),
        clock=lambda: NOW,
        sleep=sleeps.append,
    )
