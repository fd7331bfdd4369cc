"""The web faces, a sub-package per audience, and what every face shares (errors, health)."""
