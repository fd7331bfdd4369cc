"""`INSERT … ON CONFLICT DO NOTHING`, spelled for the session's database (PostgreSQL or SQLite)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite

DIALECTS = ("postgresql", "sqlite")


def insert_unless_present(dialect: str, table: Any, unique: list[str]) -> Any:
    """An insert into `table` that writes nothing when a row with the same `unique` key exists.

    Add `.returning(…)` (and values, or pass them when executing): the returned row is absent
    on a conflict, so the database decides races with no savepoint and no read beforehand.
    """
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table).on_conflict_do_nothing(index_elements=unique)
