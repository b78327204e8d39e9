"""Incremental upkeep: apply a company's fact difference to the cube when a result is stored."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any, Final

import sqlalchemy as sa

from portal.bureau.aggregates.facts import (
    Submission,
    build_facts,
    company_dims,
    fact_delta,
    submissions_query,
)
from portal.bureau.aggregates.pipeline import refresh_eligibility
from portal.bureau.aggregates.tables import AGG_TABLE, FACT_COLUMNS, FACT_TABLE, Key
from portal.bureau.aggregates.upsert import insert_for_dialect
from portal.bureau.models import (
    CUBE_COLUMNS,
    DIMENSIONS,
    BureauFact,
)
from portal.extensions import db
from portal.models import Assessment, AssessmentResult, Company

log = logging.getLogger(__name__)


KEY_COLUMNS: Final = ("grain", "period", "until", *DIMENSIONS)
# A row counts companies while any of these is positive (range rows of gd or MIIT metrics count no
# "assessed": that is in the row of the same pair for any assessment).
PRESENCE: Final = ("assessed", "gd_assessed", "miit_assessed")


def _upsert_statement(dialect: str) -> Any:
    stmt = insert_for_dialect(dialect)(AGG_TABLE)
    return stmt.on_conflict_do_update(
        index_elements=list(KEY_COLUMNS),
        set_={m: AGG_TABLE.c[m] + stmt.excluded[m] for m in CUBE_COLUMNS},
    )


def apply_delta(delta: Mapping[Key, Mapping[str, int]], connection: Any = None) -> None:
    """Add the delta vectors to the cube (atomic `x = x + d` upserts), then drop rows left empty.

    On `connection` when given (inside a flush), else on the session."""
    if not delta:
        return
    executor = connection if connection is not None else db.session
    dialect = connection.dialect.name if connection is not None else db.engine.dialect.name
    values = [
        {**dict(zip(KEY_COLUMNS, key, strict=True)), **{m: vector.get(m, 0) for m in CUBE_COLUMNS}}
        for key, vector in delta.items()
    ]
    executor.execute(_upsert_statement(dialect), values)
    shrunk = [key for key, vector in delta.items() if any(vector.get(m, 0) < 0 for m in PRESENCE)]
    if shrunk:
        executor.execute(
            sa.delete(AGG_TABLE).where(
                *(AGG_TABLE.c[m] <= 0 for m in PRESENCE),
                sa.tuple_(*(AGG_TABLE.c[c] for c in KEY_COLUMNS)).in_(shrunk),
            )
        )


def stored_facts(connection: Any, company_ids: Iterable[int]) -> list[dict[str, Any]]:
    ids = set(company_ids)
    if not ids:
        return []
    return [
        dict(r._mapping)
        for r in connection.execute(sa.select(FACT_TABLE).where(FACT_TABLE.c.company_id.in_(ids)))
    ]


def move_facts(connection: Any, company_ids: Iterable[int]) -> None:
    """Companies that moved (city, district, cluster, size class) or changed their consent: their fact
    rows take the company's values at once, and the cube moves by the difference — a list never names a
    company that withdrew its consent, and its counts never disagree with the list."""
    ids = set(company_ids)
    if not ids:
        return
    c = Company.__table__.c
    query = sa.select(c.id, c.bureau_sharing, *(c[d] for d in DIMENSIONS)).where(c.id.in_(ids))
    current = {row.id: company_dims(row._mapping) for row in connection.execute(query)}
    old = stored_facts(connection, current)
    new = [{**row, **current[row["company_id"]]} for row in old]
    if old == new:
        return
    for company_id, fields in current.items():
        connection.execute(
            sa.update(FACT_TABLE).where(FACT_TABLE.c.company_id == company_id).values(**fields)
        )
    apply_delta(fact_delta(old, new), connection)


def forget_facts(connection: Any, facts: list[dict[str, Any]]) -> None:
    """Removed companies' fact rows (deleted with them, ON DELETE CASCADE) leave the cube."""
    apply_delta(fact_delta(facts, []), connection)


def _fact_dicts(rows: Iterable[Any]) -> list[dict[str, Any]]:
    return [{c: getattr(r, c) for c in FACT_COLUMNS} for r in rows]


def refresh_company(company: Company) -> bool:
    """Recompute one company's facts from the raw tables and move the cube by the difference.

    Returns True if anything changed. Does not commit.
    """
    old = _fact_dicts(db.session.scalars(sa.select(BureauFact).where(BureauFact.company_id == company.id)))
    subs = [Submission(*r) for r in db.session.execute(submissions_query(company.id))]
    new = build_facts(company.id, company_dims(company), subs)
    if old == new:
        return False
    db.session.execute(sa.delete(FACT_TABLE).where(FACT_TABLE.c.company_id == company.id))
    if new:
        db.session.execute(sa.insert(FACT_TABLE), new)
    apply_delta(fact_delta(old, new))
    return True


def on_result_stored(row: AssessmentResult) -> None:
    """Keep the aggregates current after a result row is committed (the `result_stored` subscriber).

    Never raises: a failure is logged and left to `flask bureau rebuild-aggregates` (the result itself
    is already stored).
    """
    try:
        assessment = db.session.get(Assessment, row.assessment_id)
        if assessment is None:
            return
        company = assessment.company
        refresh_company(company)
        refresh_eligibility(company)
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception(
            "bureau aggregates: upkeep failed for result %s; run `flask bureau rebuild-aggregates`", row.id
        )
