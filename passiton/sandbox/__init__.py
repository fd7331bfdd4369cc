"""A local stand-in for the Shopify Admin API and the WooCommerce REST API, for trying Passiton.

Nothing in core, connectors or webhooks may import it: it is a tool, never part of the service.
It imports nothing of the app either: the stories that drive Passiton against it are in
`passiton.app.cli.sandbox_story`, beside the `passiton sandbox` command.
"""
