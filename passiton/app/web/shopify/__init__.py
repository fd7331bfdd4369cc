"""Shopify's entry points: install, the embedded app, the app proxy (the storefront widget)."""
