"""WooCommerce: connect, webhook verification and translation, the REST API client."""
