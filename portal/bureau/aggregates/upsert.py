"""The dialect's INSERT … ON CONFLICT construct (PostgreSQL and SQLite both have one; the generic insert
has no upsert)."""

from __future__ import annotations

from typing import Any


def insert_for_dialect(dialect: str) -> Any:
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert
