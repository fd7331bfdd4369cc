"""The referral program itself: events, rules, ledger, services and models. No web, no HTTP."""
