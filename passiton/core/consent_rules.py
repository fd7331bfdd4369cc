"""E-mail marketing consent: which platform fact wins, as pure functions.

Facts arrive late, twice and out of order (an `orders/updated` for last month's order after
this morning's unsubscribe), so each carries the time the store says it was given or
withdrawn, and an older fact never replaces a newer one. Two kinds of fact differ:

- a **consent update** (Shopify's consent webhook) states the consent as it now is: a
  withdrawal withdraws, a grant grants;
- a **checkout box** only ever adds consent. An unticked box is "did not opt in at this
  checkout", not an unsubscribe (Shopify does not unsubscribe a subscribed customer who leaves
  it unticked either), so it records "no" only while nothing else is known, and without a
  time, so that any stated consent, older or newer, still replaces it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from passiton.core.events import MarketingConsent


@dataclass(frozen=True)
class ConsentRecord:
    """What we hold for one customer: consent (None: never stated) and when it was stated."""

    accepts: bool | None = None
    at: datetime | None = None


NOTHING_KNOWN = ConsentRecord()


def after_checkout(held: ConsentRecord, box: MarketingConsent) -> ConsentRecord:
    """The consent after an order's checkout box is seen."""
    if not box.accepts:
        return ConsentRecord(False, None) if held.accepts is None else held
    return _granted(held, box.at)


def after_update(held: ConsentRecord, update: MarketingConsent) -> ConsentRecord:
    """The consent after the store restates it (a consent webhook)."""
    if update.accepts:
        return _granted(held, update.at)
    if update.at is None:
        # A withdrawal the store did not date still withdraws: mailing someone who said no is
        # the worse mistake. The held time stays, so an older dated grant still cannot win.
        return ConsentRecord(False, held.at)
    if held.at is not None and update.at < held.at:
        return held
    return ConsentRecord(False, update.at)


def _granted(held: ConsentRecord, at: datetime | None) -> ConsentRecord:
    if at is None:
        # An undated grant cannot be ordered against anything: it only fills a blank.
        return ConsentRecord(True, None) if held.accepts is None else held
    if held.at is not None:
        if at < held.at:
            return held
        if at == held.at and held.accepts is False:
            # A grant and a withdrawal stated for the same instant: no is the safe answer.
            return held
    return ConsentRecord(True, at)


def may_send_marketing(accepts: bool | None, redacted: bool) -> bool:
    """Whether marketing e-mail (an invitation, a reminder) may go to this customer."""
    return accepts is True and not redacted


def has_withdrawn(held: ConsentRecord) -> bool:
    """Whether the customer said no, rather than never said yes (an unticked box is undated)."""
    return held.accepts is False and held.at is not None


def may_ask_to_share(held: ConsentRecord, *, redacted: bool, transactional: bool) -> bool:
    """Whether an invitation or a reminder may go to this customer.

    A shop that treats invitations as transactional (where its law allows) sends them without
    consent, but never to someone who withdrew it: an unsubscribe on the store stops them too.
    """
    if redacted:
        return False
    if transactional:
        return not has_withdrawn(held)
    return may_send_marketing(held.accepts, redacted)
