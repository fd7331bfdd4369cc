"""The inbound HTTP receiver: raw bytes → connector.verify → record delivery → core."""
