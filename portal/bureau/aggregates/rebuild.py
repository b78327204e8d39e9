"""Full rebuild of the facts and the cube from the raw tables (`flask bureau rebuild-aggregates`)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Final

import sqlalchemy as sa

from portal.bureau.aggregates import totals
from portal.bureau.aggregates.facts import Submission, build_facts, company_dims, submissions_query
from portal.bureau.aggregates.tables import (
    AGG_TABLE,
    FACT_COLUMNS,
    FACT_TABLE,
    FIVEG_TIERS,
    GD_FLAGS,
    GRAINS,
    LEVELS,
    MIIT_LEVELS,
    RANGE_GRAINS,
    RANGE_ROLLUPS,
    ROLLED,
    ROLLUPS,
    grain_code,
)
from portal.bureau.disclosure import record_key_sql
from portal.bureau.models import (
    CUBE_COLUMNS,
    DIMENSIONS,
    NONE_MONTH,
)
from portal.extensions import db
from portal.models import Company


def metric_columns(table: Any, any_on: Any, gd_on: Any, miit_on: Any) -> list[Any]:
    """SUM(CASE …) expressions of every metric over fact rows, given when a row counts for each group,
    then the same sums of the counted companies' record keys (`key_<metric>`, the cell keys).

    Used by the rebuild (per grain) and by the queries package for date ranges, so both count the same way.
    """
    f = table.c
    conds: list[Any] = []

    def count(cond: Any) -> Any:
        conds.append(cond)
        return sa.func.coalesce(sa.func.sum(sa.case((cond, 1), else_=0)), 0)

    cols = [count(any_on).label("assessed"), count(gd_on).label("gd_assessed")]
    cols += [count(sa.and_(gd_on, f[flag] == sa.true())).label(flag) for flag in GD_FLAGS]
    cols += [count(sa.and_(gd_on, f.overall_level == k)).label(f"level_{k}") for k in LEVELS]
    cols += [count(sa.and_(gd_on, f.fiveg_tier == t)).label(f"fiveg_{t}") for t in FIVEG_TIERS]
    cols.append(count(miit_on).label("miit_assessed"))
    cols += [count(sa.and_(miit_on, f.miit_level == k)).label(f"miit_{k}") for k in MIIT_LEVELS]
    cols.append(count(sa.and_(any_on, f.sharing == sa.true())).label("listed"))
    rkey = record_key_sql(f.company_id)
    cols += [
        sa.func.coalesce(sa.func.sum(sa.case((cond, rkey), else_=0)), 0).label(f"key_{col.name}")
        for cond, col in zip(conds, list(cols), strict=True)
    ]
    assert [c.name for c in cols] == list(CUBE_COLUMNS)
    return cols


def _quarter_expr(col: Any) -> Any:
    return (col // 12) * 4 + (col % 12) // 3


def _period_select(grain: str) -> tuple[Any, Any, tuple[Any, Any, Any], Any]:
    """The period and until columns of a grain, when a fact row counts for each metric group (any
    assessment, gd-mfg-dt, MIIT), and which rows the grain reads at all."""
    f = FACT_TABLE.c
    if grain in RANGE_GRAINS:
        until, present = {
            "range_any": (f.next_any, sa.true()),
            "range_gd": (f.next_gd, f.has_gd == sa.true()),
            "range_miit": (f.next_miit, f.has_miit == sa.true()),
        }[grain]
        present = sa.and_(present, until != NONE_MONTH)
        conds = tuple(present if g == grain else sa.false() for g in RANGE_GRAINS)
        return f.month, until, conds, present  # type: ignore[return-value]
    if grain == "month":
        conds = (sa.true(), f.has_gd == sa.true(), f.has_miit == sa.true())
        return f.month, sa.literal(0), conds, sa.true()
    if grain == "quarter":
        period = _quarter_expr(f.month)
        conds = (
            _quarter_expr(f.next_any) > period,
            sa.and_(f.has_gd == sa.true(), _quarter_expr(f.next_gd) > period),
            sa.and_(f.has_miit == sa.true(), _quarter_expr(f.next_miit) > period),
        )
        return period, sa.literal(0), conds, conds[0]
    conds = (
        f.next_any == NONE_MONTH,
        sa.and_(f.has_gd == sa.true(), f.next_gd == NONE_MONTH),
        sa.and_(f.has_miit == sa.true(), f.next_miit == NONE_MONTH),
    )
    return sa.literal(0), sa.literal(0), conds, conds[0]


def _cube_select(grain: str, rollup: str) -> sa.Select[Any]:
    kept = ROLLUPS[rollup]
    f = FACT_TABLE.c
    period, until, conds, present = _period_select(grain)
    dims = [f[d] if d in kept else sa.literal(ROLLED).label(d) for d in DIMENSIONS]
    select = sa.select(
        sa.literal(grain_code(grain, rollup)).label("grain"),
        period.label("period"),
        until.label("until"),
        *dims,
        *metric_columns(FACT_TABLE, *conds),
    ).group_by(period, until, *(f[d] for d in DIMENSIONS if d in kept))
    if grain in RANGE_GRAINS:
        return select.where(present)
    if grain != "month":
        select = select.having(sa.func.sum(sa.case((present, 1), else_=0)) > 0)
    return select


def analyze(*tables: str) -> None:
    """Fresh planner statistics after bulk writes (PostgreSQL; a no-op elsewhere)."""
    if db.engine.dialect.name == "postgresql":
        for table in tables:
            db.session.execute(sa.text(f"ANALYZE {table}"))


CUBE_TARGET: Final = ["grain", "period", "until", *DIMENSIONS, *CUBE_COLUMNS]


def fill_ranges(connection: Any) -> None:
    """Count the date-range pairs from the fact rows (into a cube that has none)."""
    for select in (_cube_select(g, r) for g in RANGE_GRAINS for r in RANGE_ROLLUPS):
        connection.execute(sa.insert(AGG_TABLE).from_select(CUBE_TARGET, select))


def fill_cube(connection: Any) -> None:
    """Count every grain and roll-up of the cube from the fact rows (into an empty cube)."""
    for select in (_cube_select(g, r) for g in GRAINS for r in ROLLUPS):
        connection.execute(sa.insert(AGG_TABLE).from_select(CUBE_TARGET, select))
    fill_ranges(connection)


def rebuild_cube() -> None:
    db.session.execute(sa.delete(AGG_TABLE))
    fill_cube(db.session)


def rebuild_all(batch_size: int = 5000) -> dict[str, int]:
    """Recompute bureau_facts from the raw tables and the cube from the facts. Commits."""
    from portal.bureau import bulk

    db.session.execute(sa.delete(FACT_TABLE))
    dims = {
        row.id: company_dims(row._mapping)
        for row in db.session.execute(
            sa.select(Company.id, Company.bureau_sharing, *(getattr(Company, d) for d in DIMENSIONS))
        )
    }
    writer = bulk.Writer(FACT_TABLE, FACT_COLUMNS)
    facts = 0
    top = max(dims, default=0) + 1
    for start in range(0, top, batch_size):  # company-id windows: bounded memory, no server-side cursor
        by_company: dict[int, list[Submission]] = defaultdict(list)
        for raw in db.session.execute(submissions_query(id_range=(start, start + batch_size))):
            by_company[raw[0]].append(Submission(*raw))
        for company_id, subs in by_company.items():
            facts += writer.add(build_facts(company_id, dims[company_id], subs))
    writer.flush()
    if db.engine.dialect.name == "postgresql":  # date-range queries read a month's rows from few pages
        db.session.execute(sa.text("CLUSTER bureau_facts USING ix_bureau_facts_month"))
    analyze("bureau_facts")
    rebuild_cube()
    totals.rebuild(db.session)
    analyze("bureau_aggregates", "bureau_totals")
    db.session.commit()
    cube_rows = db.session.scalar(sa.select(sa.func.count()).select_from(AGG_TABLE)) or 0
    return {"facts": facts, "aggregate_rows": cube_rows}
