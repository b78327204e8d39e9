"""Bulk inserts in the session's transaction: PostgreSQL COPY through psycopg, executemany elsewhere."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from portal.extensions import db


class Writer:
    """Buffers rows (dicts) for one table and writes them in batches."""

    def __init__(self, table: sa.Table, columns: Sequence[str], batch: int = 20_000) -> None:
        self.table = table
        self.columns = tuple(columns)
        self.batch = batch
        self.buffer: list[Mapping[str, Any]] = []
        self.postgres = db.engine.dialect.name == "postgresql"

    def add(self, rows: Iterable[Mapping[str, Any]]) -> int:
        n = 0
        for row in rows:
            self.buffer.append(row)
            n += 1
        if len(self.buffer) >= self.batch:
            self.flush()
        return n

    def flush(self) -> None:
        if not self.buffer:
            return
        if self.postgres:
            self._copy(self.buffer)
        else:
            db.session.execute(sa.insert(self.table), [dict(r) for r in self.buffer])
        self.buffer = []

    def _copy(self, rows: Sequence[Mapping[str, Any]]) -> None:
        connection = db.session.connection().connection.driver_connection
        names = ", ".join(f'"{c}"' for c in self.columns)
        sql = f'COPY "{self.table.name}" ({names}) FROM STDIN'
        with connection.cursor() as cursor, cursor.copy(sql) as copy:  # type: ignore[union-attr]
            for row in rows:
                copy.write_row(tuple(_plain(row.get(c)) for c in self.columns))


def _plain(value: Any) -> Any:
    if isinstance(value, dict | list):
        import json

        return json.dumps(value, ensure_ascii=False)
    return value
