"""Shopify: install and auth, webhook verification and translation, the Admin API client."""
