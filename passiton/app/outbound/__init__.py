"""Signed webhooks to the merchant's own tools: address checks, signatures, sending, wiring."""
