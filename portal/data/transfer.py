"""Export every table to one JSON document and import it into an empty database.

The format is generic over the schema (tables in dependency order, rows as column → value), so new
tables are included without code changes. Values are encoded so that a round trip is exact:
datetimes as ISO strings, Decimals as strings, bytes as base64, JSON columns as they are.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import IO, Any

import sqlalchemy as sa

from portal.extensions import db

FORMAT = "dx-assess-export/1"


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$dec": str(value)}
    if isinstance(value, bytes | memoryview):
        return {"$b64": base64.b64encode(bytes(value)).decode()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        ((key, inner),) = value.items()
        if key == "$dt":
            return dt.datetime.fromisoformat(inner)
        if key == "$date":
            return dt.date.fromisoformat(inner)
        if key == "$dec":
            return Decimal(inner)
        if key == "$b64":
            return base64.b64decode(inner)
    return value


def _tables() -> list[sa.Table]:
    return list(db.metadata.sorted_tables)


def _rows(table: sa.Table) -> Iterator[dict[str, Any]]:
    order = list(table.primary_key.columns) or list(table.columns)
    for row in db.session.execute(sa.select(table).order_by(*order)).mappings():
        yield {key: _encode(value) for key, value in row.items()}


def export_all(out: IO[str]) -> dict[str, int]:
    """Write the whole database as JSON; returns row counts per table."""
    counts: dict[str, int] = {}
    out.write(json.dumps({"format": FORMAT, "exported_at": dt.datetime.now(dt.UTC).isoformat()})[:-1])
    out.write(', "tables": {')
    for index, table in enumerate(_tables()):
        rows = list(_rows(table))
        counts[table.name] = len(rows)
        out.write(("," if index else "") + json.dumps(table.name) + ":")
        json.dump(rows, out, ensure_ascii=False)
    out.write("}}")
    return counts


class ImportRefusedError(RuntimeError):
    pass


def import_all(source: IO[str]) -> dict[str, int]:
    """Load an export into an EMPTY database (same schema version); returns row counts per table."""
    document = json.load(source)
    if document.get("format") != FORMAT:
        raise ImportRefusedError(f"not a {FORMAT} document")
    tables = {t.name: t for t in _tables()}
    unknown = set(document["tables"]) - tables.keys()
    if unknown:
        raise ImportRefusedError(f"the export has tables this schema lacks: {sorted(unknown)}")
    for table in tables.values():
        if db.session.execute(sa.select(sa.func.count()).select_from(table)).scalar():
            raise ImportRefusedError(f"table {table.name} is not empty; import only into a fresh database")
    counts: dict[str, int] = {}
    for name, table in tables.items():
        rows = [{k: _decode(v) for k, v in row.items()} for row in document["tables"].get(name, [])]
        if rows:
            db.session.execute(table.insert(), rows)
        counts[name] = len(rows)
    db.session.commit()
    _reset_sequences()
    return counts


_SETVAL = (
    "SELECT setval(pg_get_serial_sequence('{t}', '{c}'), COALESCE((SELECT MAX({c}) FROM {t}), 0) + 1, false)"
)


def _reset_sequences() -> None:
    """PostgreSQL: move id sequences past the imported ids, so new rows do not collide."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in _tables():
        pk = list(table.primary_key.columns)
        if len(pk) == 1 and isinstance(pk[0].type, sa.Integer) and pk[0].autoincrement in (True, "auto"):
            # table and column names come from our own metadata, never from input
            column, name = pk[0].name, table.name
            statement = _SETVAL.format(t=name, c=column)
            db.session.execute(sa.text(statement))
    db.session.commit()


def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, encoded: what a round-trip test compares."""
    return {table.name: list(_rows(table)) for table in _tables()}
