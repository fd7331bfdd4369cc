"""Business refusals as shoppers read them: a DomainError's stable `code` → a translated sentence.

The core words its refusals in English for logs and the JSON API; pages for friends and
referrers speak the reader's language, so they look the sentence up here by the error's code.
"""

from __future__ import annotations

from flask_babel import lazy_gettext

from passiton.core import errors

REFUSALS = {
    errors.InvalidEmail.code: lazy_gettext("Please enter a valid e-mail address."),
    errors.SelfReferral.code: lazy_gettext("You cannot use your own referral link."),
    errors.AlreadyReferred.code: lazy_gettext("This e-mail address has already used a referral."),
    errors.OfferUnavailable.code: lazy_gettext(
        "The offer is being prepared. Please try again in a minute."
    ),
    errors.ProgramPaused.code: lazy_gettext("The referral program is paused at the moment."),
    errors.GiftsDisabled.code: lazy_gettext("This store does not offer gift codes."),
    errors.BelowRedemptionMinimum.code: lazy_gettext(
        "That is fewer points than the store lets you redeem at once."
    ),
    errors.InsufficientPoints.code: lazy_gettext("You do not have that many points available."),
    errors.UnknownCustomer.code: lazy_gettext("Log in to see your referral rewards."),
}
FALLBACK = lazy_gettext("That did not work. Please try again.")


def refusal_text(error: errors.DomainError) -> str:
    """What the reader is told when the program refuses their request, in their language."""
    return str(REFUSALS.get(error.code, FALLBACK))


def refusal_texts() -> dict[str, str]:
    """Every refusal by code, for a page's script to show the server's JSON errors in words."""
    return {code: str(text) for code, text in REFUSALS.items()} | {"": str(FALLBACK)}
