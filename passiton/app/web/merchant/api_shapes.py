"""What the merchant API answers and takes in its bodies: pydantic models, the one description
that the views build their answers with and the OpenAPI document is generated from."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
    computed_field,
)

from passiton.app.web.control_chars import PATTERN as PLAIN
from passiton.core.channels import ShareChannel
from passiton.core.models import EntryKind, ReferralStatus
from passiton.core.program_settings import ProgramSettings
from passiton.core.services.reviews import ReviewDecision

MAX_NOTE = 1000
MAX_NAME = 100

# Answers keep `isoformat()` (+00:00); pydantic's own rendering would write Z instead.
Stamp = Annotated[
    datetime,
    PlainSerializer(datetime.isoformat, return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
Money = Annotated[
    Decimal,
    PlainSerializer(str, return_type=str),
    WithJsonSchema(
        {"type": "string", "pattern": r"^-?\d+\.\d{2}$", "description": "Decimal amount"}
    ),
]
Ratio = Annotated[
    Decimal,
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "description": "Decimal fraction"}),
]


class Answer(BaseModel):
    """An answer the views build from our own rows: read from attributes, never from a client."""

    model_config = ConfigDict(from_attributes=True, frozen=True)

    def to_json(self) -> dict[str, Any]:
        """The answer's JSON: money as decimal strings, stamps in ISO 8601."""
        return self.model_dump(mode="json")


class ErrorDetail(BaseModel):
    code: str
    message: str
    field: str | None = Field(default=None, description="The input the refusal is about")


class Error(BaseModel):
    """Every 4xx answer, as `http_errors.error_response` writes it."""

    error: ErrorDetail


class VersionedSettings(Answer):
    version: int
    settings: ProgramSettings


class ReferralView(Answer):
    id: int
    status: ReferralStatus
    friend_email: str | None
    order_id: str | None
    order_subtotal: Money | None
    points_pending: int
    points_approved: int
    points_clawed_back: int
    review_reason: str | None
    decision_note: str | None
    settings_version: int
    created_at: Stamp
    converted_at: Stamp | None
    approve_after: Stamp | None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def in_review(self) -> bool:
        return self.status is ReferralStatus.REVIEW


class ReferralPage(Answer):
    page: int
    per_page: int
    total: int
    referrals: list[ReferralView]


class ReviewQueue(Answer):
    referrals: list[ReferralView]


class ReviewedReferral(Answer):
    referral: ReferralView


class LedgerEntryView(Answer):
    id: int
    kind: EntryKind
    customer_id: int
    referral_code: str
    email: str | None
    referral_id: int | None
    pending_delta: int
    available_delta: int
    created_at: Stamp


class LedgerPage(Answer):
    page: int
    per_page: int
    total: int
    entries: list[LedgerEntryView]


class Funnel(Answer):
    link_visits: int
    claimed: int
    ordered: int
    converted: int = Field(description="Kept for API clients from before `ordered`: the same")
    pending: int
    approved: int
    in_review: int
    reversed: int
    rejected: int


class PointTotals(Answer):
    pending: int
    available: int
    outstanding: int
    outstanding_value: Money


class TopReferrer(Answer):
    customer_id: int
    name: str | None
    email: str | None
    referral_code: str
    referrals: int
    revenue: Money


class DayPoint(Answer):
    day: date
    visits: int
    referrals: int
    revenue: Money


class Stats(Answer):
    currency: str
    funnel: Funnel
    referred_revenue: Money
    conversion_rate: Ratio | None = Field(
        description="(pending + approved) / claimed: refunded, cancelled, rejected "
        "and in-review orders do not count"
    )
    points: PointTotals
    top_referrers: list[TopReferrer]
    series: list[DayPoint]


class DataExportView(Answer):
    id: int
    requested_at: Stamp
    data: dict[str, Any] = Field(description="Everything held about the customer")


class DataExports(Answer):
    exports: list[DataExportView]


class ApiKeyView(Answer):
    id: int
    name: str
    prefix: str
    created_at: Stamp
    revoked_at: Stamp | None


class ApiKeys(Answer):
    keys: list[ApiKeyView]


class ChannelCountsView(Answer):
    channel: ShareChannel = Field(description="Where the links were shared from (`ch`)")
    visits: int
    claims: int
    orders: int = Field(description="Claims whose friend's order arrived, whatever became of it")


class ChannelReport(Answer):
    channels: list[ChannelCountsView] = Field(description="Busiest first")


class CreatedApiKey(Answer):
    key: ApiKeyView
    secret: str = Field(description="Shown in this answer only: only its hash is stored")


class RevokedApiKey(Answer):
    key: ApiKeyView


class OpenApiDocument(BaseModel):
    """This document."""

    model_config = ConfigDict(extra="allow")

    openapi: str


class Body(BaseModel):
    """A JSON request body: each field's refusal has its own code and message."""

    refusals: ClassVar[dict[str, tuple[str, str]]]


def _stripped_name(name: str) -> str:
    if len(name.strip()) > MAX_NAME:
        raise ValueError("too long")
    return name.strip()


class ReviewDecisionBody(Body):
    refusals = {
        "decision": ("invalid_decision", "decision must be 'approve' or 'reject'"),
        "reason": ("invalid_reason", f"reason must be text of at most {MAX_NOTE} characters"),
    }

    decision: ReviewDecision
    reason: str = Field(default="", max_length=MAX_NOTE, pattern=PLAIN)


class NewApiKeyBody(Body):
    refusals = {"name": ("invalid_name", f"name must be text of at most {MAX_NAME} characters")}

    name: Annotated[
        str,
        Field(pattern=PLAIN, json_schema_extra={"maxLength": MAX_NAME}),
        AfterValidator(_stripped_name),
    ] = ""
