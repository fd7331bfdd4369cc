"""WooCommerce's entry points: connect and its callback, the companion plugin's signed routes."""
