"""JSON errors `{"error": {"code", "message"}}` with a 4xx; domain refusals mapped by code."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException

from passiton.core import errors

log = logging.getLogger(__name__)

STATUS_BY_ERROR: dict[type[errors.DomainError], int] = {
    errors.InvalidSettings: 422,
    errors.InvalidEmail: 422,
    errors.SelfReferral: 422,
    errors.BelowRedemptionMinimum: 422,
    errors.UnknownShop: 404,
    errors.UnknownReferralCode: 404,
    errors.UnknownCustomer: 404,
    errors.UnknownReferral: 404,
    errors.ProgramPaused: 409,
    errors.AlreadyReferred: 409,
    errors.InsufficientPoints: 409,
    errors.NotInReview: 409,
    errors.IdempotencyConflict: 409,
    errors.GiftsDisabled: 403,
    errors.OfferUnavailable: 503,
}


def error_response(status: int, code: str, message: str, **extra: Any) -> Response:
    body: dict[str, Any] = {"code": code, "message": message}
    body.update({k: v for k, v in extra.items() if v is not None})
    response = jsonify({"error": body})
    response.status_code = status
    return response


def status_for(error: errors.DomainError) -> int:
    for kind in type(error).__mro__:
        if kind in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[kind]
    return 400


def install_error_handlers(app: Flask) -> None:
    @app.errorhandler(errors.DomainError)
    def _domain(error: errors.DomainError) -> Response:
        response = error_response(status_for(error), error.code, error.message, field=error.field)
        if isinstance(error, errors.OfferUnavailable):
            response.headers["Retry-After"] = "30"
        return response

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> Response:
        code = (error.name or "error").lower().replace(" ", "_")
        return error_response(error.code or 500, code, error.description or error.name)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        log.exception("unhandled error")
        return error_response(500, "internal_error", "something went wrong on our side")
