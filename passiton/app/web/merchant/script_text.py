"""The words the merchant pages' scripts write, translated on the server into the page's language.

The scripts look a message up by its English text (`say("Rejected.")` in admin_api.js), so a
message missing here still shows, in English; statuses and ledger kinds are looked up by the
value the JSON API answers.
"""

from __future__ import annotations

from flask_babel import force_locale, lazy_gettext

from passiton.app.locales import DEFAULT_LOCALE

SCRIPT_WORDS = (
    lazy_gettext("Something went wrong."),
    lazy_gettext("Unexpected answer from the server."),
    lazy_gettext("The export failed. Please try again."),
    lazy_gettext("Could not load the settings."),
    lazy_gettext("Saved. Settings version %(version)s."),
    lazy_gettext("The settings could not be saved."),
    lazy_gettext("No converted referrals yet."),
    lazy_gettext("Card for %(code)s"),
    lazy_gettext("No shared links opened yet."),
    lazy_gettext("Nothing to review."),
    lazy_gettext("Approved: points are pending."),
    lazy_gettext("Rejected."),
    lazy_gettext("(erased)"),
    lazy_gettext("order %(id)s"),
    lazy_gettext("Flagged: %(reason)s"),
    lazy_gettext("Reason for your decision"),
    lazy_gettext("Approve"),
    lazy_gettext("Reject"),
    lazy_gettext("Previous"),
    lazy_gettext("Next"),
    lazy_gettext("Page %(page)s of %(pages)s · %(total)s rows"),
    lazy_gettext("No referrals found."),
    lazy_gettext("No ledger entries yet."),
    lazy_gettext("revoked %(date)s"),
    lazy_gettext("active"),
    lazy_gettext("Revoke key %(name)s"),
    lazy_gettext("Key revoked."),
    lazy_gettext("Revoke"),
    lazy_gettext("%(referrals)s referrals and %(revenue)s referred revenue over %(days)s days"),
    lazy_gettext("No e-mails yet."),
    lazy_gettext("Preview"),
    lazy_gettext("Preview of the e-mail to %(to)s"),
    lazy_gettext("Mail settings saved."),
    lazy_gettext("Test message sent to %(to)s."),
)
# Referral statuses, ledger kinds, e-mail statuses and kinds, keyed by the API's values.
VALUE_WORDS = {
    "offered": lazy_gettext("offered"),
    "pending": lazy_gettext("pending"),
    "approved": lazy_gettext("approved"),
    "reversed": lazy_gettext("reversed"),
    "review": lazy_gettext("in review"),
    "rejected": lazy_gettext("rejected"),
    "earn": lazy_gettext("earned"),
    "approve": lazy_gettext("confirmed"),
    "clawback": lazy_gettext("clawed back"),
    "redeem": lazy_gettext("redeemed"),
    "redeem_return": lazy_gettext("returned"),
    "adjust": lazy_gettext("adjusted"),
    # Where a link was shared from (core/channels.py), as the channels table names them.
    "channel_thankyou": lazy_gettext("thank-you page"),
    "channel_email": lazy_gettext("order e-mail"),
    "channel_launcher": lazy_gettext("store launcher"),
    "channel_account": lazy_gettext("customer account"),
    "channel_qr": lazy_gettext("QR code"),
    "channel_card": lazy_gettext("parcel card"),
    "channel_share": lazy_gettext("phone's share sheet"),
    "channel_whatsapp": lazy_gettext("WhatsApp"),
    "channel_sms": lazy_gettext("text message"),
    "channel_mail": lazy_gettext("the buyer's e-mail"),
    "channel_copy": lazy_gettext("copied link"),
    "channel_direct": lazy_gettext("link without a channel"),
    "channel_other": lazy_gettext("other"),
    "queued": lazy_gettext("queued"),
    "sending": lazy_gettext("sending"),
    "sent": lazy_gettext("sent"),
    "failed": lazy_gettext("failed"),
    "suppressed": lazy_gettext("not sent: unsubscribed"),
    "cancelled": lazy_gettext("not sent: switched off"),
    "friend_code": lazy_gettext("friend's code"),
    "test": lazy_gettext("test"),
}


def merchant_script_text() -> dict[str, str]:
    """English message (or API value) → the message in the page's language."""
    with force_locale(DEFAULT_LOCALE):
        keys = [str(word) for word in SCRIPT_WORDS]
    words = {key: str(word) for key, word in zip(keys, SCRIPT_WORDS, strict=True)}
    return words | {value: str(word) for value, word in VALUE_WORDS.items()}
