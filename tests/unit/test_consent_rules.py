"""Which consent fact wins: checkout boxes add, consent updates restate, older never wins."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from passiton.core.consent_rules import (
    NOTHING_KNOWN,
    ConsentRecord,
    after_checkout,
    after_update,
    may_send_marketing,
)
from passiton.core.events import MarketingConsent

T = datetime.fromisoformat("2026-11-01T12:00:00+00:00")
EARLIER = T - timedelta(days=1)
LATER = T + timedelta(days=1)

GRANTED_AT_T = ConsentRecord(True, T)
WITHDRAWN_AT_T = ConsentRecord(False, T)
UNTICKED = ConsentRecord(False, None)


@pytest.mark.parametrize(
    ("held", "box", "expected"),
    [
        (NOTHING_KNOWN, MarketingConsent(True, T), GRANTED_AT_T),
        (NOTHING_KNOWN, MarketingConsent(False, T), UNTICKED),
        # An unticked box is not an unsubscribe: consent on record stays.
        (GRANTED_AT_T, MarketingConsent(False, LATER), GRANTED_AT_T),
        (UNTICKED, MarketingConsent(True, T), GRANTED_AT_T),
        # A later checkout that ticks the box opts in again after an unsubscribe...
        (WITHDRAWN_AT_T, MarketingConsent(True, LATER), ConsentRecord(True, LATER)),
        # ...but an order placed before the unsubscribe, seen again, does not.
        (WITHDRAWN_AT_T, MarketingConsent(True, EARLIER), WITHDRAWN_AT_T),
        (WITHDRAWN_AT_T, MarketingConsent(True, T), WITHDRAWN_AT_T),
        (WITHDRAWN_AT_T, MarketingConsent(False, LATER), WITHDRAWN_AT_T),
        (GRANTED_AT_T, MarketingConsent(True, T), GRANTED_AT_T),
        # Undated boxes only fill a blank.
        (NOTHING_KNOWN, MarketingConsent(True, None), ConsentRecord(True, None)),
        (WITHDRAWN_AT_T, MarketingConsent(True, None), WITHDRAWN_AT_T),
    ],
)
def test_a_checkout_box_only_adds_consent_and_never_overrides_a_newer_fact(
    held: ConsentRecord, box: MarketingConsent, expected: ConsentRecord
) -> None:
    assert after_checkout(held, box) == expected


@pytest.mark.parametrize(
    ("held", "update", "expected"),
    [
        (NOTHING_KNOWN, MarketingConsent(False, T), WITHDRAWN_AT_T),
        (GRANTED_AT_T, MarketingConsent(False, LATER), ConsentRecord(False, LATER)),
        (UNTICKED, MarketingConsent(True, T), GRANTED_AT_T),
        # Reordered deliveries: the older update arriving second changes nothing.
        (ConsentRecord(False, LATER), MarketingConsent(True, T), ConsentRecord(False, LATER)),
        (ConsentRecord(True, LATER), MarketingConsent(False, T), ConsentRecord(True, LATER)),
        # The same update delivered twice.
        (WITHDRAWN_AT_T, MarketingConsent(False, T), WITHDRAWN_AT_T),
        # A grant and a withdrawal for the same instant: no wins, whichever came first.
        (WITHDRAWN_AT_T, MarketingConsent(True, T), WITHDRAWN_AT_T),
        (GRANTED_AT_T, MarketingConsent(False, T), WITHDRAWN_AT_T),
        # An undated withdrawal still withdraws, keeping the time held.
        (GRANTED_AT_T, MarketingConsent(False, None), WITHDRAWN_AT_T),
        (GRANTED_AT_T, MarketingConsent(True, None), GRANTED_AT_T),
    ],
)
def test_a_consent_update_restates_consent_unless_a_newer_fact_is_held(
    held: ConsentRecord, update: MarketingConsent, expected: ConsentRecord
) -> None:
    assert after_update(held, update) == expected


@pytest.mark.parametrize(
    ("accepts", "redacted", "allowed"),
    [(True, False, True), (False, False, False), (None, False, False), (True, True, False)],
)
def test_only_stated_consent_of_an_unredacted_customer_allows_marketing_mail(
    accepts: bool | None, redacted: bool, allowed: bool
) -> None:
    assert may_send_marketing(accepts, redacted) is allowed
