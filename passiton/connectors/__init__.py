"""Platform connectors: each turns its store's webhooks into core events and serves StorePort."""
