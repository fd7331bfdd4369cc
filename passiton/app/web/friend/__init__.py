"""What a friend sees: the referral landing page, how it works, the claim and its limits."""
