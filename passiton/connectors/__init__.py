"""Platform connectors: each translates its store's webhooks into core events and serves StorePort."""
