"""Registered companies and the program pipeline, counted per roll-up and kept current (`bureau_totals`).

The dashboard used to count both from the raw tables on every view: every company row for "registered",
every pipeline row for the programs table. At 1,000,000 companies those two scans were most of a first
view. Here they are maintained like the cube, by differences applied in the transaction that makes them:

* a flush that adds, moves (city, district, cluster, size class) or removes a company, or adds, changes
  or removes pipeline rows as objects (`before_flush` reads what is about to change, `after_flush`
  applies the difference);
* `DELETE` statements on companies or pipeline rows (abandoned registrations, the eligibility refresh)
  and `INSERT` statements of pipeline rows (`do_orm_execute`).

The same flushes move a company's fact rows and the cube when it moves or changes its consent, and take a
removed company's rows out of the cube (`upkeep.move_facts`, `upkeep.forget_facts`).

`rebuild()` recomputes the table from the raw tables with the cube (`flask bureau rebuild-aggregates`),
so a change made outside the ORM (a bulk `UPDATE`, COPY) is corrected there.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from portal.bureau.aggregates import upkeep
from portal.bureau.aggregates.tables import ROLLED, ROLLUPS
from portal.bureau.aggregates.upsert import insert_for_dialect
from portal.bureau.disclosure import record_key, record_key_sql
from portal.bureau.models import DIMENSIONS, BureauProgramStatus, BureauTotal
from portal.models import Company

TABLE: Final = BureauTotal.__table__
REGISTERED: Final = "R"
PIPELINE: Final = "P"
KEY_COLUMNS: Final = ("grain", "program", "status", *DIMENSIONS)
SUMMED: Final = ("companies", "key_companies", "award_wan")

TotalKey = tuple[str, ...]  # grain, program, status, city, district, cluster, size_class
Vector = dict[str, Any]  # companies, key_companies, award_wan (+ name_zh, name_en for the pipeline)


def dims_of(company: Any) -> tuple[str, ...]:
    get = company.get if isinstance(company, Mapping) else lambda k: getattr(company, k)
    return tuple(get(d) or "" for d in DIMENSIONS)


def _rolled(kind: str, program: str, status: str, dims: tuple[str, ...]) -> Iterator[TotalKey]:
    for code, kept in ROLLUPS.items():
        rolled = tuple(v if d in kept else ROLLED for d, v in zip(DIMENSIONS, dims, strict=True))
        yield (kind + code, program, status, *rolled)


class Delta:
    """Differences to add to the table, keyed by row."""

    def __init__(self) -> None:
        self.rows: dict[TotalKey, Vector] = defaultdict(
            lambda: {"companies": 0, "key_companies": 0, "award_wan": Decimal(0)}
        )

    def registered(self, company_id: int, dims: tuple[str, ...], sign: int) -> None:
        for key in _rolled(REGISTERED, "", "", dims):
            self._add(key, sign, company_id, None)

    def pipeline(self, rows: Iterable[Mapping[str, Any]], dims: tuple[str, ...], sign: int) -> None:
        for row in rows:
            award = row.get("estimated_award_wan") if row["status"] == "eligible" else None
            for key in _rolled(PIPELINE, row["program"], row["status"], dims):
                vector = self._add(key, sign, row["company_id"], award)
                vector["name_zh"], vector["name_en"] = row.get("name_zh") or "", row.get("name_en") or ""

    def _add(self, key: TotalKey, sign: int, company_id: int, award: Any) -> Vector:
        vector = self.rows[key]
        vector["companies"] += sign
        vector["key_companies"] += sign * record_key(company_id)
        if award is not None:
            vector["award_wan"] += sign * Decimal(str(award))
        return vector

    def apply(self, connection: Any) -> None:
        """Atomic `x = x + d` upserts, then rows left without companies are dropped."""
        changed = {k: v for k, v in self.rows.items() if any(v[c] for c in SUMMED)}
        if not changed:
            return
        insert = insert_for_dialect(connection.dialect.name)(TABLE)
        upsert = insert.on_conflict_do_update(
            index_elements=list(KEY_COLUMNS),
            set_={
                **{c: TABLE.c[c] + insert.excluded[c] for c in SUMMED},
                "name_zh": sa.func.coalesce(sa.func.nullif(insert.excluded.name_zh, ""), TABLE.c.name_zh),
                "name_en": sa.func.coalesce(sa.func.nullif(insert.excluded.name_en, ""), TABLE.c.name_en),
            },
        )
        values = [
            {"name_zh": "", "name_en": "", **dict(zip(KEY_COLUMNS, key, strict=True)), **vector}
            for key, vector in changed.items()
        ]
        connection.execute(upsert, values)
        connection.execute(sa.delete(TABLE).where(TABLE.c.companies <= 0))


PIPELINE_FIELDS: Final = ("company_id", "program", "status", "estimated_award_wan", "name_zh", "name_en")


def pipeline_rows_of(connection: Any, company_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    p = BureauProgramStatus.__table__.c
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    ids = list(company_ids)
    if ids:
        query = sa.select(*(p[f] for f in PIPELINE_FIELDS)).where(p.company_id.in_(ids))
        for row in connection.execute(query):
            out[row.company_id].append(dict(row._mapping))
    return out


# ------------------------------------------------------------------------------ keeping it current


def _company_dims(connection: Any, company_ids: Iterable[int]) -> dict[int, tuple[str, ...]]:
    c = Company.__table__.c
    query = sa.select(c.id, *(c[d] for d in DIMENSIONS)).where(c.id.in_(set(company_ids)))
    return {row.id: dims_of(row._mapping) for row in connection.execute(query)}


def _count_pipeline(delta: Delta, connection: Any, rows: list[dict[str, Any]], sign: int) -> None:
    dims = _company_dims(connection, (r["company_id"] for r in rows))
    for row in rows:
        if row["company_id"] in dims:
            delta.pipeline([row], dims[row["company_id"]], sign)


def _moved(company: Company) -> bool:
    """Whether a stored company changes place or consent in this flush."""
    state: Any = sa.inspect(company)
    changing = (*DIMENSIONS, "bureau_sharing")
    return state.persistent and any(state.attrs[a].history.has_changes() for a in changing)


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    """What a flush is about to change, read from the database while it is still stored (an attribute set
    on an expired object does not know its old value): removed companies with their pipeline rows (which
    go with them, ON DELETE CASCADE), the old place of companies that move, pipeline rows deleted or
    changed as objects."""
    connection = session.connection()
    removed = {c.id for c in session.deleted if isinstance(c, Company)}
    moving = {c.id for c in session.dirty if isinstance(c, Company) and _moved(c)} - removed
    rows = [
        (obj.company_id, obj.program)
        for obj in (*session.deleted, *session.dirty)
        if isinstance(obj, BureauProgramStatus)
        and sa.inspect(obj).persistent
        and obj.company_id not in removed
    ]
    p = BureauProgramStatus.__table__.c
    old_pipeline = []
    if rows:
        query = sa.select(*(p[f] for f in PIPELINE_FIELDS)).where(
            sa.tuple_(p.company_id, p.program).in_(rows)
        )
        old_pipeline = [dict(r._mapping) for r in connection.execute(query)]
    session.info["bureau_totals_pending"] = (
        _company_dims(connection, removed | moving),
        pipeline_rows_of(connection, removed | moving),
        removed,
        old_pipeline,
        upkeep.stored_facts(connection, removed),
    )


def _after_flush(session: Session, _context: Any) -> None:
    delta = Delta()
    connection = session.connection()
    stored_dims, stored_pipeline, removed, old_pipeline, removed_facts = session.info.pop(
        "bureau_totals_pending", ({}, {}, set(), [], [])
    )
    upkeep.forget_facts(connection, removed_facts)
    upkeep.move_facts(connection, set(stored_dims) - removed)
    for company_id, old in stored_dims.items():
        delta.registered(company_id, old, -1)
        delta.pipeline(stored_pipeline.get(company_id, []), old, -1)
    now = _company_dims(connection, set(stored_dims) - removed)
    for company_id, new in now.items():  # moved companies, counted at their new place
        delta.registered(company_id, new, +1)
        delta.pipeline(stored_pipeline.get(company_id, []), new, +1)
    for obj in session.new:
        if isinstance(obj, Company):
            delta.registered(obj.id, dims_of(obj), +1)
    _count_pipeline(delta, connection, old_pipeline, -1)
    new_pipeline = [
        {f: getattr(obj, f) for f in PIPELINE_FIELDS}
        for obj in (*session.new, *session.dirty)
        if isinstance(obj, BureauProgramStatus) and obj not in session.deleted
    ]
    _count_pipeline(delta, connection, new_pipeline, +1)
    delta.apply(connection)


def _on_bulk_statement(state: ORMExecuteState) -> None:
    """`DELETE` of companies or pipeline rows, `INSERT` of pipeline rows as statements (not objects):
    counted in the same transaction (a bulk `UPDATE` of either is not: `rebuild` corrects it)."""
    mapper = state.bind_mapper
    if mapper is None or mapper.class_ not in (Company, BureauProgramStatus):
        return
    connection, delta = state.session.connection(), Delta()
    if state.is_delete:
        where = state.statement.whereclause  # type: ignore[attr-defined]
        if mapper.class_ is Company:
            query = sa.select(Company.id, *(getattr(Company, d) for d in DIMENSIONS))
            doomed = state.session.execute(query.where(where) if where is not None else query).all()
            rows = pipeline_rows_of(connection, [r.id for r in doomed])
            upkeep.forget_facts(connection, upkeep.stored_facts(connection, [r.id for r in doomed]))
            for r in doomed:
                dims = dims_of(r._mapping)
                delta.registered(r.id, dims, -1)
                delta.pipeline(rows.get(r.id, []), dims, -1)
        else:
            p = BureauProgramStatus.__table__.c
            query = sa.select(*(p[f] for f in PIPELINE_FIELDS))
            found = connection.execute(query.where(where) if where is not None else query)
            _count_pipeline(delta, connection, [dict(r._mapping) for r in found], -1)
    elif state.is_insert and mapper.class_ is BureauProgramStatus:
        params = state.parameters
        given: list[Mapping[str, Any]] = [params] if isinstance(params, Mapping) else list(params or [])
        _count_pipeline(delta, connection, [{f: r.get(f) for f in PIPELINE_FIELDS} for r in given], +1)
    delta.apply(connection)


def listen() -> None:
    """Subscribe the upkeep to every session (idempotent)."""
    for name, fn in (
        ("before_flush", _before_flush),
        ("after_flush", _after_flush),
        ("do_orm_execute", _on_bulk_statement),
    ):
        if not event.contains(Session, name, fn):
            event.listen(Session, name, fn)


# ---------------------------------------------------------------------------------------- rebuild


def rebuild_select(kind: str, code: str) -> sa.Select[Any]:
    kept = ROLLUPS[code]
    c = Company.__table__.c
    # '' inline, not a bound parameter: PostgreSQL must see the same expression in SELECT and GROUP BY
    known = {d: sa.func.coalesce(c[d], sa.literal_column("''")) for d in DIMENSIONS}
    dims = [known[d].label(d) if d in kept else sa.literal(ROLLED).label(d) for d in DIMENSIONS]
    grouped = [known[d] for d in DIMENSIONS if d in kept]
    if kind == REGISTERED:
        return sa.select(
            sa.literal(kind + code).label("grain"),
            sa.literal("").label("program"),
            sa.literal("").label("status"),
            *dims,
            sa.func.count().label("companies"),
            sa.func.sum(record_key_sql(c.id)).label("key_companies"),
            sa.literal(0).label("award_wan"),
            sa.literal("").label("name_zh"),
            sa.literal("").label("name_en"),
        ).group_by(*grouped)
    p = BureauProgramStatus.__table__.c
    award = sa.case((p.status == "eligible", p.estimated_award_wan), else_=None)
    return (
        sa.select(
            sa.literal(kind + code).label("grain"),
            p.program,
            p.status,
            *dims,
            sa.func.count().label("companies"),
            sa.func.sum(record_key_sql(p.company_id)).label("key_companies"),
            sa.func.coalesce(sa.func.sum(award), 0).label("award_wan"),
            sa.func.max(p.name_zh).label("name_zh"),
            sa.func.max(p.name_en).label("name_en"),
        )
        .join(Company.__table__, c.id == p.company_id)
        .group_by(p.program, p.status, *grouped)
    )


def fill(connection: Any) -> None:
    """Count every roll-up from the raw tables into the (empty) table."""
    columns = [*KEY_COLUMNS, *SUMMED, "name_zh", "name_en"]
    for kind in (REGISTERED, PIPELINE):
        for code in ROLLUPS:
            connection.execute(sa.insert(TABLE).from_select(columns, rebuild_select(kind, code)))


def rebuild(session: Any) -> None:
    session.execute(sa.delete(TABLE))
    fill(session)
