"""The OpenAPI 3.1 description of the merchant API, served at /api/openapi.json."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from passiton.app.web.merchant import api_emails
from passiton.core.program_settings import INT_BOUNDS

bp = Blueprint("openapi", __name__)


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _bounded(name: str) -> dict[str, Any]:
    """An integer setting with the bounds the settings validator enforces."""
    low, high = INT_BOUNDS[name]
    return {"type": "integer", "minimum": low, "maximum": high}


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*statuses: int) -> dict[str, Any]:
    described = {
        401: "No valid API key, session token or login",
        404: "Not found in this shop",
        409: "Refused in the current state",
        422: "Invalid input; `field` names it",
    }
    return {str(s): _json(_ref("Error"), described[s]) for s in (401, *statuses)}


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description}  # fmt: skip


PAGING = [
    _query("page", {"type": "integer", "minimum": 1, "maximum": 1_000_000, "default": 1},
           "Page, from 1"),
    _query("per_page", {"type": "integer", "minimum": 1, "maximum": 100, "default": 25},
           "Rows per page"),
]  # fmt: skip
MONEY = {"type": "string", "pattern": r"^-?\d+\.\d{2}$", "description": "Decimal amount"}
NULLABLE_MONEY = {"type": ["string", "null"], "description": "Decimal amount"}
STAMP = {"type": "string", "format": "date-time"}
# Amounts the settings take: 0 to 1,000,000 with at most two decimals.
SETTING_AMOUNT = {
    "type": "string",
    "pattern": r"^(\d{1,6}(\.\d{1,2})?|1000000(\.0{1,2})?)$",
    "description": "Decimal amount from 0 to 1000000",
}
# Free text refuses control characters other than tab, newline and return (control_chars.py).
PLAIN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
NULLABLE_STAMP = {"type": ["string", "null"], "format": "date-time"}
NULLABLE_TEXT = {"type": ["string", "null"]}
SECURITY: list[dict[str, list[str]]] = [{"bearer": []}, {"session": []}]
CSV = {"description": "CSV file", "content": {"text/csv": {"schema": {"type": "string"}}}}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "field": {"type": "string"},
                },
            }
        },
    },
    "Settings": {
        "type": "object",
        "description": "Program settings; PUT accepts any subset of these fields.",
        "properties": {
            "enabled": {"type": "boolean"},
            "friend_discount_type": {"enum": ["percent", "fixed"]},
            "friend_discount_value": {
                **SETTING_AMOUNT,
                "description": "Greater than 0; at most 100 when friend_discount_type is percent",
            },
            "friend_min_subtotal": SETTING_AMOUNT,
            "friend_code_expiry_days": _bounded("friend_code_expiry_days"),
            "reward_mode": {"enum": ["per_referral", "per_currency_unit"]},
            "reward_points": _bounded("reward_points"),
            "hold_days": _bounded("hold_days"),
            "points_per_currency_unit": _bounded("points_per_currency_unit"),
            "min_redemption_points": _bounded("min_redemption_points"),
            "gifts_enabled": {"type": "boolean"},
            "show_referrer_reward": {"type": "boolean"},
            "check_self_referral": {"type": "boolean"},
            "new_customers_only": {"type": "boolean"},
            "velocity_cap": _bounded("velocity_cap"),
            "invitation_delay_hours": _bounded("invitation_delay_hours"),
            "reminders": _bounded("reminders"),
            "reminder_after_days": _bounded("reminder_after_days"),
            "how_it_works": {"type": "string", "maxLength": 5000, "pattern": PLAIN},
            "brand_color": {"type": "string", "pattern": "^#[0-9a-fA-F]{6}$"},
        },
        "additionalProperties": False,
    },
    "VersionedSettings": {
        "type": "object",
        "required": ["version", "settings"],
        "properties": {"version": {"type": "integer"}, "settings": _ref("Settings")},
    },
    "Referral": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "status": {
                "enum": ["offered", "pending", "approved", "reversed", "review", "rejected"]
            },
            "friend_email": NULLABLE_TEXT,
            "order_id": NULLABLE_TEXT,
            "order_subtotal": NULLABLE_MONEY,
            "points_pending": {"type": "integer"},
            "points_approved": {"type": "integer"},
            "points_clawed_back": {"type": "integer"},
            "review_reason": NULLABLE_TEXT,
            "decision_note": NULLABLE_TEXT,
            "in_review": {"type": "boolean"},
            "settings_version": {"type": "integer"},
            "created_at": STAMP,
            "converted_at": NULLABLE_STAMP,
            "approve_after": NULLABLE_STAMP,
        },
    },
    "DataExport": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "requested_at": {"type": "string", "format": "date-time"},
            "data": {"type": "object", "description": "Everything held about the customer"},
        },
    },
    "LedgerEntry": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "kind": {"enum": ["earn", "adjust", "approve", "clawback", "redeem", "redeem_return"]},
            "customer_id": {"type": "integer"},
            "referral_code": {"type": "string"},
            "email": NULLABLE_TEXT,
            "referral_id": {"type": ["integer", "null"]},
            "pending_delta": {"type": "integer"},
            "available_delta": {"type": "integer"},
            "created_at": STAMP,
        },
    },
    "Email": api_emails.EMAIL,
    "MailSettings": api_emails.MAIL_SETTINGS,
    "ApiKey": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "prefix": {"type": "string"},
            "created_at": STAMP,
            "revoked_at": NULLABLE_STAMP,
        },
    },
    "Stats": {
        "type": "object",
        "properties": {
            "currency": {"type": "string"},
            "funnel": {
                "type": "object",
                "properties": {
                    k: {"type": "integer"}
                    for k in (
                        "link_visits",
                        "claimed",
                        "ordered",
                        "converted",
                        "pending",
                        "approved",
                        "in_review",
                        "reversed",
                        "rejected",
                    )
                },
            },
            "referred_revenue": MONEY,
            "conversion_rate": {
                "type": ["string", "null"],
                "description": "(pending + approved) / claimed: refunded, cancelled, rejected "
                "and in-review orders do not count",
            },
            "points": {
                "type": "object",
                "properties": {
                    "pending": {"type": "integer"},
                    "available": {"type": "integer"},
                    "outstanding": {"type": "integer"},
                    "outstanding_value": MONEY,
                },
            },
            "top_referrers": {"type": "array", "items": {"type": "object"}},
            "series": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "day": {"type": "string", "format": "date"},
                        "visits": {"type": "integer"},
                        "referrals": {"type": "integer"},
                        "revenue": MONEY,
                    },
                },
            },
        },
    },
}


def _listing(key: str, item: str) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "total": {"type": "integer"},
            key: {"type": "array", "items": _ref(item)},
        },
    }


PATHS: dict[str, Any] = {
    "/api/settings": {
        "get": {"summary": "Current program settings and their version",
                "responses": {"200": _json(_ref("VersionedSettings")), **_errors()}},
        "put": {"summary": "Change settings; a change makes a new version for new referrals",
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": _ref("Settings")}}},
                "responses": {"200": _json(_ref("VersionedSettings")), **_errors(422)}},
    },
    "/api/referrals": {
        "get": {"summary": "Referrals, newest first",
                "parameters": [_query("q", {"type": "string", "maxLength": 200, "pattern": PLAIN},
                                      "Friend e-mail or order id contains, or exact status"),
                               *PAGING],
                "responses": {"200": _json(_listing("referrals", "Referral")), **_errors(422)}},
    },
    "/api/review": {
        "get": {"summary": "Referrals waiting for the merchant's decision",
                "responses": {"200": _json({"type": "object", "properties": {
                    "referrals": {"type": "array", "items": _ref("Referral")}}}),
                    **_errors()}},
    },
    "/api/review/{referral_id}": {
        "post": {"summary": "Approve or reject a referral in review",
                 "parameters": [{"name": "referral_id", "in": "path", "required": True,
                                 "schema": {"type": "integer"}}],
                 "requestBody": {"required": True, "content": {"application/json": {"schema": {
                     "type": "object", "required": ["decision"], "properties": {
                         "decision": {"enum": ["approve", "reject"]},
                         "reason": {"type": "string", "maxLength": 1000, "pattern": PLAIN}}}}}},
                 "responses": {"200": _json({"type": "object", "properties": {
                     "referral": _ref("Referral")}}), **_errors(404, 409, 422)}},
    },
    "/api/ledger": {
        "get": {"summary": "Points ledger entries, newest first", "parameters": PAGING,
                "responses": {"200": _json(_listing("entries", "LedgerEntry")), **_errors(422)}},
    },
    "/api/stats": {
        "get": {"summary": "Funnel, revenue, conversion, points, top referrers, daily series",
                "parameters": [_query("days", {"type": "integer", "minimum": 1, "maximum": 365,
                                               "default": 30}, "Days in the series")],
                "responses": {"200": _json(_ref("Stats")), **_errors(422)}},
    },
    "/api/exports/referrals.csv": {
        "get": {"summary": "All referrals as CSV", "responses": {"200": CSV, **_errors()}},
    },
    "/api/exports/ledger.csv": {
        "get": {"summary": "The whole ledger as CSV", "responses": {"200": CSV, **_errors()}},
    },
    "/api/data-exports": {
        "get": {"summary": "Customer data gathered for privacy data requests, newest first",
                "responses": {"200": _json({"type": "object", "properties": {
                    "exports": {"type": "array", "items": _ref("DataExport")}}}), **_errors()}},
    },
    "/api/keys": {
        "get": {"summary": "The shop's API keys (never their secrets)",
                "responses": {"200": _json({"type": "object", "properties": {
                    "keys": {"type": "array", "items": _ref("ApiKey")}}}), **_errors()}},
        "post": {"summary": "Create a key; the secret is in this answer only",
                 "requestBody": {"required": True, "content": {"application/json": {"schema": {
                     "type": "object", "properties": {"name": {"type": "string", "pattern": PLAIN,
                                                               "maxLength": 100}}}}}},
                 "responses": {"201": _json({"type": "object", "properties": {
                     "key": _ref("ApiKey"), "secret": {"type": "string"}}}, "Created"),
                     **_errors(422)}},
    },
    "/api/keys/{key_id}": {
        "delete": {"summary": "Revoke a key",
                   "parameters": [{"name": "key_id", "in": "path", "required": True,
                                   "schema": {"type": "integer"}}],
                   "responses": {"200": _json({"type": "object", "properties": {
                       "key": _ref("ApiKey")}}), **_errors(404)}},
    },
    "/api/emails": {
        "get": {"summary": "The shop's e-mails (sent, owed, failed), newest first",
                "parameters": PAGING,
                "responses": {"200": _json(_listing("emails", "Email")), **_errors(422)}},
    },
    "/api/emails/{email_id}/preview": {
        "get": {"summary": "An e-mail rendered as its recipient reads it: subject, text, HTML",
                "parameters": [{"name": "email_id", "in": "path", "required": True,
                                "schema": {"type": "integer"}}],
                "responses": {"200": _json({"type": "object", "properties": {
                    "subject": {"type": "string"}, "text": {"type": "string"},
                    "html": {"type": "string"}}}), **_errors(404)}},
    },
    "/api/mail-settings": {
        "get": {"summary": "The shop's mail settings",
                "responses": {"200": _json({"type": "object", "properties": {
                    "settings": _ref("MailSettings")}}), **_errors()}},
        "put": {"summary": "Change the shop's mail settings (any subset of the fields)",
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": _ref("MailSettings")}}},
                "responses": {"200": _json({"type": "object", "properties": {
                    "settings": _ref("MailSettings")}}), **_errors(422)}},
    },
    "/api/mail-settings/test": {
        "post": {"summary": "Send the test message to the shop's own reply-to or contact e-mail",
                 "responses": {"202": _json({"type": "object", "properties": {
                     "email": _ref("Email")}}, "Queued"), **_errors(409)}},
    },
    "/api/openapi.json": {
        "get": {"summary": "This document", "security": [],
                "responses": {"200": _json({"type": "object"})}},
    },
}  # fmt: skip


def openapi_document() -> dict[str, Any]:
    """The whole OpenAPI 3.1 document."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Passiton merchant API",
            "version": "1",
            "description": 'Answers are JSON; errors are {"error": {"code", "message", '
            '"field"}} with a 4xx. Money is a decimal string, points are integers.',
        },
        "security": SECURITY,
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
            "schemas": SCHEMAS,
        },
        "paths": PATHS,
    }


@bp.get("/openapi.json")
def document() -> Response:
    return jsonify(openapi_document())
