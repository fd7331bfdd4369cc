"""The OpenAPI 3.1 description of the merchant API, served at /api/openapi.json.

Every schema in it is generated from the pydantic models the views parse and answer with
(`api_params`, `api_shapes`, the core's `ProgramSettings`); this module only adds the route
facts: paths, methods, summaries, security and which errors an operation can answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from flask import Blueprint, Response, jsonify
from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from passiton.app.web.control_chars import PATTERN as PLAIN
from passiton.app.web.merchant import api_email_shapes as emails
from passiton.app.web.merchant import api_shapes as shapes
from passiton.app.web.merchant.api_params import Paging, ReferralSearch, StatsPeriod
from passiton.core.program_settings import ProgramSettings

# Assembled here from pydantic's own schemas: spectree and flask-openapi3 answer invalid input in
# their own error shape and bind to one app or a Flask subclass; apiflask describes marshmallow.

bp = Blueprint("openapi", __name__)

ERRORS = {
    401: "No valid API key, session token or login",
    404: "Not found in this shop",
    409: "Refused in the current state",
    422: "Invalid input; `field` names it",
}
CSV = {"description": "CSV file", "content": {"text/csv": {"schema": {"type": "string"}}}}
HTML = {"description": "HTML page", "content": {"text/html": {"schema": {"type": "string"}}}}
FILES = {"csv": CSV, "html": HTML}


@dataclass(frozen=True)
class Operation:
    """One route's facts; its shapes are models, so its schemas come from them."""

    summary: str
    answer: type[BaseModel] | Literal["csv", "html"]
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    errors: tuple[int, ...] = ()
    status: int = 200
    public: bool = False


OPERATIONS: dict[tuple[str, str], Operation] = {
    ("/api/settings", "get"): Operation(
        "Current program settings and their version", shapes.VersionedSettings
    ),
    ("/api/settings", "put"): Operation(
        "Change settings; a change makes a new version for new referrals",
        shapes.VersionedSettings,
        body=ProgramSettings,
        errors=(422,),
    ),
    ("/api/referrals", "get"): Operation(
        "Referrals, newest first", shapes.ReferralPage, query=ReferralSearch, errors=(422,)
    ),
    ("/api/review", "get"): Operation(
        "Referrals waiting for the merchant's decision", shapes.ReviewQueue
    ),
    ("/api/review/{referral_id}", "post"): Operation(
        "Approve or reject a referral in review",
        shapes.ReviewedReferral,
        body=shapes.ReviewDecisionBody,
        errors=(404, 409, 422),
    ),
    ("/api/ledger", "get"): Operation(
        "Points ledger entries, newest first", shapes.LedgerPage, query=Paging, errors=(422,)
    ),
    ("/api/stats", "get"): Operation(
        "Funnel, revenue, conversion, points, top referrers, daily series",
        shapes.Stats,
        query=StatsPeriod,
        errors=(422,),
    ),
    ("/api/channels", "get"): Operation(
        "Link visits, claims and referred orders by where the link was shared from",
        shapes.ChannelReport,
    ),
    ("/api/cards/{customer_id}", "get"): Operation(
        "A referrer's card for the parcel: one A6 page to print, with their QR code",
        "html",
        errors=(404,),
    ),
    ("/api/exports/referrals.csv", "get"): Operation("All referrals as CSV", "csv"),
    ("/api/exports/ledger.csv", "get"): Operation("The whole ledger as CSV", "csv"),
    ("/api/data-exports", "get"): Operation(
        "Customer data gathered for privacy data requests, newest first", shapes.DataExports
    ),
    ("/api/keys", "get"): Operation("The shop's API keys (never their secrets)", shapes.ApiKeys),
    ("/api/keys", "post"): Operation(
        "Create a key; the secret is in this answer only",
        shapes.CreatedApiKey,
        body=shapes.NewApiKeyBody,
        errors=(422,),
        status=201,
    ),
    ("/api/keys/{key_id}", "delete"): Operation(
        "Revoke a key", shapes.RevokedApiKey, errors=(404,)
    ),
    ("/api/emails", "get"): Operation(
        "The shop's e-mails (sent, owed, failed), newest first",
        emails.EmailPage,
        query=Paging,
        errors=(422,),
    ),
    ("/api/emails/{email_id}/preview", "get"): Operation(
        "An e-mail rendered as its recipient reads it: subject, text, HTML",
        emails.EmailPreview,
        errors=(404,),
    ),
    ("/api/mail-settings", "get"): Operation("The shop's mail settings", emails.MailSettingsAnswer),
    ("/api/mail-settings", "put"): Operation(
        "Change the shop's mail settings (any subset of the fields)",
        emails.MailSettingsAnswer,
        body=emails.MailSettingsBody,
        errors=(422,),
    ),
    ("/api/mail-settings/test", "post"): Operation(
        "Send the test message to the shop's own reply-to or contact e-mail",
        emails.QueuedEmail,
        errors=(409,),
        status=202,
    ),
    ("/api/openapi.json", "get"): Operation("This document", shapes.OpenApiDocument, public=True),
}


def _models() -> list[tuple[type[BaseModel], JsonSchemaMode]]:
    """Every model the document names: bodies as clients send them, answers as we write them."""
    found: list[tuple[type[BaseModel], JsonSchemaMode]] = [(shapes.Error, "serialization")]
    for operation in OPERATIONS.values():
        if operation.body is not None:
            found.append((operation.body, "validation"))
        if not isinstance(operation.answer, str):
            found.append((operation.answer, "serialization"))
    return found


def _components() -> tuple[dict[Any, dict[str, Any]], dict[str, Any]]:
    refs, defs = models_json_schema(_models(), ref_template="#/components/schemas/{model}")
    schemas: dict[str, Any] = defs["$defs"]
    # Every text the API takes refuses control characters (control_chars.py), settings included.
    for prop in schemas[ProgramSettings.__name__]["properties"].values():
        if prop.get("type") == "string" and "pattern" not in prop:
            prop["pattern"] = PLAIN
    return refs, schemas


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _parameters(path: str, query: type[BaseModel] | None) -> list[dict[str, Any]]:
    found = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}
        for name in (part[1:-1] for part in path.split("/") if part.startswith("{"))
    ]
    if query is not None:
        schema = query.model_json_schema()
        for name, prop in schema["properties"].items():
            described = {k: v for k, v in prop.items() if k not in ("title", "description")}
            found.append(
                {"name": name, "in": "query", "required": False, "schema": described}
                | ({"description": prop["description"]} if "description" in prop else {})
            )
    return found


def _operation(path: str, operation: Operation, refs: dict[Any, dict[str, Any]]) -> dict[str, Any]:
    if isinstance(operation.answer, str):
        answer = FILES[operation.answer]
    else:
        described = {201: "Created", 202: "Queued"}.get(operation.status, "OK")
        answer = _json(refs[(operation.answer, "serialization")], described)
    error = refs[(shapes.Error, "serialization")]
    statuses = operation.errors if operation.public else (401, *operation.errors)
    document: dict[str, Any] = {
        "summary": operation.summary,
        "responses": {
            str(operation.status): answer,
            **{str(s): _json(error, ERRORS[s]) for s in statuses},
        },
    }
    parameters = _parameters(path, operation.query)
    if parameters:
        document["parameters"] = parameters
    if operation.body is not None:
        body_schema = refs[(operation.body, "validation")]
        document["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": body_schema}},
        }
    if operation.public:
        document["security"] = []
    return document


def openapi_document() -> dict[str, Any]:
    """The whole OpenAPI 3.1 document."""
    refs, schemas = _components()
    paths: dict[str, dict[str, Any]] = {}
    for (path, method), operation in OPERATIONS.items():
        paths.setdefault(path, {})[method] = _operation(path, operation, refs)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Passiton merchant API",
            "version": "1",
            "description": 'Answers are JSON; errors are {"error": {"code", "message", '
            '"field"}} with a 4xx. Money is a decimal string, points are integers.',
        },
        "security": [{"bearer": []}, {"session": []}],
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A per-shop API key (pk_…) or a Shopify session token",
                },
                "session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": "session",
                    "description": "A logged-in merchant; changes need X-CSRF-Token",
                },
            },
            "schemas": schemas,
        },
        "paths": paths,
    }


@bp.get("/openapi.json")
def document() -> Response:
    return jsonify(openapi_document())
