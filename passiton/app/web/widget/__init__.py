"""The referrer's storefront widget, shown through the Shopify app proxy and the Woo plugin."""
