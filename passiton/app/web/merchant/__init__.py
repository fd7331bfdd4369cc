"""What a merchant sees: accounts and sessions, the settings and dashboard pages, the JSON API."""
