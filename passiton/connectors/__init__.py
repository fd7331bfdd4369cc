"""Platform connectors: translate store webhooks into core events and serve StorePort."""
