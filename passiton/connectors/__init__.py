"""Platform connectors: store webhooks in, core events out; StorePort for calls back."""
