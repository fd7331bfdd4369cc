"""Alembic migrations of Passiton's database."""
