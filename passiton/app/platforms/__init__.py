"""How each platform is wired into the service: stores, tokens, key grants and their tasks."""
