"""A local stand-in for the Shopify Admin API and the WooCommerce REST API, for trying Passiton.

Nothing in core, connectors or webhooks may import it: it is a tool, never part of the service.
"""
