"""Business refusals. Each carries a stable `code`; only the HTTP layer maps them to statuses."""

from __future__ import annotations


class DomainError(Exception):
    """A request the program refuses for a business reason."""

    code = "domain_error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidSettings(DomainError):
    code = "invalid_settings"


class UnknownShop(DomainError):
    code = "unknown_shop"


class UnknownReferralCode(DomainError):
    code = "unknown_referral_code"


class ProgramPaused(DomainError):
    code = "program_paused"


class InvalidEmail(DomainError):
    code = "invalid_email"


class SelfReferral(DomainError):
    code = "self_referral"


class AlreadyReferred(DomainError):
    code = "already_referred"


class OfferUnavailable(DomainError):
    """No friend code is ready in the pool; a refill has been asked for."""

    code = "offer_unavailable"


class InsufficientPoints(DomainError):
    code = "insufficient_points"


class BelowRedemptionMinimum(DomainError):
    code = "below_redemption_minimum"


class GiftsDisabled(DomainError):
    code = "gifts_disabled"


class UnknownCustomer(DomainError):
    code = "unknown_customer"


class UnknownReferral(DomainError):
    code = "unknown_referral"


class NotInReview(DomainError):
    code = "not_in_review"


class IdempotencyConflict(DomainError):
    """The same idempotency key was used before for a different request."""

    code = "idempotency_conflict"


class InvalidHookEndpoint(DomainError):
    """A webhook endpoint the merchant asked for cannot be saved (events, count)."""

    code = "invalid_hook_endpoint"


class UnknownHookEndpoint(DomainError):
    code = "unknown_hook_endpoint"
