"""Use cases: plain functions over a SQLAlchemy session. Callers own the transaction."""
