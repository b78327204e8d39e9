"""Per-period aggregates for the bureau dashboards, maintained on every stored result and rebuildable.

Counting rule (the same everywhere: pages, API, exports, tests):

* Periods are calendar months and quarters in Asia/Shanghai time, counted on the assessment's
  **submission date** (`Assessment.submitted_at`).
* Only **submitted** assessments with a stored result count; of an assessment's result rows the latest
  (highest id, e.g. after `flask scores recompute`) is used.
* **One company counts once per period**: its latest submitted assessment in that period. Maturity
  level, 上云/上平台 (the four kinds) and 5G tier come from the latest **gd-mfg-dt** assessment; the MIIT
  level from the latest **miit-sme-digital** assessment; "assessed" means any submitted assessment.
* "All time" (the dashboard without a date range) = each company's latest assessment overall.

Two tables hold this:

* `bureau_facts` — one row per company and month with that month's latest figures and the month of the
  company's next row (`next_*`), so "latest per company within months [a, b]" is
  `a <= month <= b AND next > b` (an indexed filter, no window function at view time).
* `bureau_aggregates` — sums of those rows per grain ('all' | 'month' | 'quarter'), period and company
  dimensions (city, district, cluster, size class), with roll-ups (see ROLLUPS). Pages without a date
  range read only this cube.

`on_result_stored(row)` (called by `portal.results.services.store`) recomputes the company's facts and
applies the difference to the cube; `rebuild_all()` (`flask bureau rebuild-aggregates`) recomputes both
from the raw tables — the cube with an independent SQL GROUP BY, so tests compare the two paths.
Company dimensions are copied when the facts are computed: a company that changes city/cluster/size is
moved at its next submission or at the next rebuild (run it nightly).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Final
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from portal.bureau.models import (
    DIMENSIONS,
    METRICS,
    NONE_MONTH,
    BureauAggregate,
    BureauFact,
    BureauProgramStatus,
)
from portal.extensions import db
from portal.models import Assessment, AssessmentResult, AssessmentStatus, Company

log = logging.getLogger(__name__)

LOCAL_TZ: Final = ZoneInfo("Asia/Shanghai")
GD_INSTRUMENT: Final = "gd-mfg-dt"
MIIT_INSTRUMENT: Final = "miit-sme-digital"
FIVEG_TIERS: Final = ("none", "line", "workshop", "factory")
PIPELINE_STATUSES: Final = ("eligible", "needs_info")
GRAINS: Final = ("all", "month", "quarter")

Key = tuple[str, int, str, str, str, str]  # grain, period, city, district, cluster, size_class

# Roll-ups stored beside the full rows: the dimensions each keeps; the others hold ROLLED ('*').
# The cube's `grain` column holds period kind + roll-up code ('Ac' = all time by city, 'Mf' = month,
# full detail …) so the (grain, city, district) index finds a roll-up's rows directly.
# Queries read the smallest roll-up that still has every dimension they filter or group on.
ROLLED: Final = "*"
ROLLUPS: Final[dict[str, frozenset[str]]] = {
    "c": frozenset({"city"}),
    "cd": frozenset({"city", "district"}),
    "cc": frozenset({"city", "cluster"}),
    "cs": frozenset({"city", "size_class"}),
    "ccs": frozenset({"city", "cluster", "size_class"}),
    "f": frozenset(DIMENSIONS),
}
GRAIN_CODES: Final = {"all": "A", "month": "M", "quarter": "Q"}


def grain_code(grain: str, rollup: str) -> str:
    return GRAIN_CODES[grain] + rollup


def rollup_for(needed: set[str]) -> str:
    """The code of the smallest roll-up containing the needed dimensions."""
    return next(code for code, kept in ROLLUPS.items() if needed <= kept)


FACT_COLUMNS: Final = tuple(c.name for c in BureauFact.__table__.columns)
AGG_TABLE: Final = BureauAggregate.__table__
FACT_TABLE: Final = BureauFact.__table__


# ------------------------------------------------------------------------------------------ periods


def month_index(moment: datetime) -> int:
    local = moment.astimezone(LOCAL_TZ)
    return local.year * 12 + local.month - 1


def month_of(year: int, month: int) -> int:
    return year * 12 + month - 1


def quarter_of(month: int) -> int:
    return (month // 12) * 4 + (month % 12) // 3


def month_label(month: int) -> str:
    return f"{month // 12}-{month % 12 + 1:02d}"


def quarter_label(quarter: int) -> str:
    return f"{quarter // 4}Q{quarter % 4 + 1}"


def quarter_months(quarter: int) -> tuple[int, int]:
    first = (quarter // 4) * 12 + (quarter % 4) * 3
    return first, first + 2


# ------------------------------------------------------------------------------------ facts (Python)


@dataclass(frozen=True, slots=True)
class Submission:
    company_id: int
    assessment_id: int
    instrument_id: str
    submitted_at: datetime
    overall_level: int | None
    on_cloud: bool | None
    on_platform: bool | None
    cloud_equipment: bool | None
    cloud_rnd: bool | None
    cloud_supply_chain: bool | None
    cloud_operations: bool | None
    fiveg_tier: str | None
    miit_level: int | None


def submissions_query(company_id: int | None = None, id_range: tuple[int, int] | None = None) -> Any:
    """Submitted assessments with their latest result row, ordered by company, submission, id.

    Limited to one company, or to companies with `id_range[0] <= id < id_range[1]`.
    """
    if company_id is not None:
        id_range = (company_id, company_id + 1)
    latest = sa.select(sa.func.max(AssessmentResult.id).label("rid")).group_by(AssessmentResult.assessment_id)
    if id_range is not None:
        latest = latest.join(Assessment, Assessment.id == AssessmentResult.assessment_id).where(
            Assessment.company_id >= id_range[0], Assessment.company_id < id_range[1]
        )
    latest_sq = latest.subquery()
    r = AssessmentResult
    query = (
        sa.select(
            Assessment.company_id,
            Assessment.id,
            Assessment.instrument_id,
            Assessment.submitted_at,
            r.overall_level,
            r.on_cloud,
            r.on_platform,
            r.cloud_equipment,
            r.cloud_rnd,
            r.cloud_supply_chain,
            r.cloud_operations,
            r.fiveg_tier,
            r.miit_level,
        )
        .join(r, r.assessment_id == Assessment.id)
        .join(latest_sq, latest_sq.c.rid == r.id)
        .where(Assessment.status == AssessmentStatus.SUBMITTED, Assessment.submitted_at.is_not(None))
        .order_by(Assessment.company_id, Assessment.submitted_at, Assessment.id)
    )
    if id_range is not None:
        query = query.where(Assessment.company_id >= id_range[0], Assessment.company_id < id_range[1])
    return query


def company_dims(company: Any) -> dict[str, str]:
    get = company.get if isinstance(company, Mapping) else lambda k: getattr(company, k)
    return {d: (get(d) or "") for d in DIMENSIONS}


def build_facts(company_id: int, dims: Mapping[str, str], subs: Sequence[Submission]) -> list[dict[str, Any]]:
    """The company's fact rows from its submissions (sorted by submission time, then id)."""
    months: dict[int, dict[str, Any]] = {}
    for sub in subs:
        month = month_index(sub.submitted_at)
        row = months.setdefault(month, _empty_fact(company_id, month, dims))
        if sub.instrument_id == GD_INSTRUMENT:  # later submissions overwrite earlier ones of the month
            row.update(
                has_gd=True,
                gd_assessment_id=sub.assessment_id,
                overall_level=sub.overall_level,
                on_cloud=bool(sub.on_cloud),
                on_platform=bool(sub.on_platform),
                cloud_equipment=bool(sub.cloud_equipment),
                cloud_rnd=bool(sub.cloud_rnd),
                cloud_supply_chain=bool(sub.cloud_supply_chain),
                cloud_operations=bool(sub.cloud_operations),
                fiveg_tier=sub.fiveg_tier,
            )
        elif sub.instrument_id == MIIT_INSTRUMENT:
            row.update(has_miit=True, miit_assessment_id=sub.assessment_id, miit_level=sub.miit_level)
    rows = [months[m] for m in sorted(months)]
    next_any = next_gd = next_miit = NONE_MONTH
    for row in reversed(rows):
        row["next_any"], row["next_gd"], row["next_miit"] = next_any, next_gd, next_miit
        next_any = row["month"]
        if row["has_gd"]:
            next_gd = row["month"]
        if row["has_miit"]:
            next_miit = row["month"]
    return rows


def _empty_fact(company_id: int, month: int, dims: Mapping[str, str]) -> dict[str, Any]:
    return {
        "company_id": company_id,
        "month": month,
        **dims,
        "next_any": NONE_MONTH,
        "has_gd": False,
        "next_gd": NONE_MONTH,
        "has_miit": False,
        "next_miit": NONE_MONTH,
        "gd_assessment_id": None,
        "miit_assessment_id": None,
        "overall_level": None,
        "on_cloud": False,
        "on_platform": False,
        "cloud_equipment": False,
        "cloud_rnd": False,
        "cloud_supply_chain": False,
        "cloud_operations": False,
        "fiveg_tier": None,
        "miit_level": None,
    }


def _gd_vector(fact: Mapping[str, Any]) -> dict[str, int]:
    out = {"gd_assessed": 1}
    for flag in (
        "on_cloud",
        "on_platform",
        "cloud_equipment",
        "cloud_rnd",
        "cloud_supply_chain",
        "cloud_operations",
    ):
        if fact[flag]:
            out[flag] = 1
    if fact["overall_level"] in (1, 2, 3, 4, 5):
        out[f"level_{fact['overall_level']}"] = 1
    if fact["fiveg_tier"] in FIVEG_TIERS:
        out[f"fiveg_{fact['fiveg_tier']}"] = 1
    return out


def _miit_vector(fact: Mapping[str, Any]) -> dict[str, int]:
    out = {"miit_assessed": 1}
    if fact["miit_level"] in (0, 1, 2, 3, 4):
        out[f"miit_{fact['miit_level']}"] = 1
    return out


def contributions(fact: Mapping[str, Any]) -> Iterator[tuple[Key, dict[str, int]]]:
    """What one fact row adds to the cube, per grain (the Python twin of `_cube_select`)."""
    dims = tuple(fact[d] for d in DIMENSIONS)
    month = fact["month"]
    quarter = quarter_of(month)
    for grain, period, any_on, gd_on, miit_on in (
        ("month", month, True, fact["has_gd"], fact["has_miit"]),
        (
            "quarter",
            quarter,
            quarter_of(fact["next_any"]) > quarter,
            fact["has_gd"] and quarter_of(fact["next_gd"]) > quarter,
            fact["has_miit"] and quarter_of(fact["next_miit"]) > quarter,
        ),
        (
            "all",
            0,
            fact["next_any"] == NONE_MONTH,
            fact["has_gd"] and fact["next_gd"] == NONE_MONTH,
            fact["has_miit"] and fact["next_miit"] == NONE_MONTH,
        ),
    ):
        vector: dict[str, int] = {}
        if any_on:
            vector["assessed"] = 1
        if gd_on:
            vector.update(_gd_vector(fact))
        if miit_on:
            vector.update(_miit_vector(fact))
        if vector:
            for code, kept in ROLLUPS.items():
                rolled = tuple(v if d in kept else ROLLED for d, v in zip(DIMENSIONS, dims, strict=True))
                yield (grain_code(grain, code), period, *rolled), vector  # type: ignore[misc]


def _delta(old: Iterable[Mapping[str, Any]], new: Iterable[Mapping[str, Any]]) -> dict[Key, dict[str, int]]:
    delta: dict[Key, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for sign, facts in ((-1, old), (1, new)):
        for fact in facts:
            for key, vector in contributions(fact):
                for metric, value in vector.items():
                    delta[key][metric] += sign * value
    return {k: {m: v for m, v in vec.items() if v} for k, vec in delta.items() if any(vec.values())}


# ------------------------------------------------------------------------------ incremental upkeep


def _upsert_insert() -> Any:
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert


KEY_COLUMNS: Final = ("grain", "period", *DIMENSIONS)


def _upsert_statement() -> Any:
    stmt = _upsert_insert()(AGG_TABLE)
    return stmt.on_conflict_do_update(
        index_elements=list(KEY_COLUMNS),
        set_={m: AGG_TABLE.c[m] + stmt.excluded[m] for m in METRICS},
    )


def apply_delta(delta: Mapping[Key, Mapping[str, int]]) -> None:
    """Add the delta vectors to the cube (atomic `x = x + d` upserts), then drop rows left empty."""
    if not delta:
        return
    values = [
        {**dict(zip(KEY_COLUMNS, key, strict=True)), **{m: vector.get(m, 0) for m in METRICS}}
        for key, vector in delta.items()
    ]
    db.session.execute(_upsert_statement(), values)
    if any(vector.get("assessed", 0) < 0 for vector in delta.values()):
        shrunk = [key for key, vector in delta.items() if vector.get("assessed", 0) < 0]
        db.session.execute(
            sa.delete(AGG_TABLE).where(
                AGG_TABLE.c.assessed <= 0,
                sa.tuple_(*(AGG_TABLE.c[c] for c in KEY_COLUMNS)).in_(shrunk),
            )
        )


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
    apply_delta(_delta(old, new))
    return True


def on_result_stored(row: AssessmentResult) -> None:
    """Hook called by results.store after a result row is committed: keep the aggregates current.

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


# -------------------------------------------------------------------------------- program pipeline


def _evaluator() -> Any:
    """portal.eligibility.services.evaluate_company if that feature is installed, else None.

    HOOK: without it the pipeline table shows whatever is stored in bureau_program_status.
    """
    try:
        from portal.eligibility.services import evaluate_company
    except ImportError:
        return None
    return evaluate_company


def pipeline_rows(company_id: int, report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per program with status eligible / needs_info (best across projects), awards summed."""
    rank = {"eligible": 2, "needs_info": 1}
    by_program: dict[str, dict[str, Any]] = {}
    for result in report.get("results", []):
        status = result.get("status")
        if status not in rank:
            continue
        row = by_program.setdefault(
            result["program"],
            {
                "company_id": company_id,
                "program": result["program"],
                "name_zh": result.get("name_zh", result["program"]),
                "name_en": result.get("name_en", ""),
                "status": status,
                "estimated_award_wan": None,
                "gaps": [],
                "synthetic": False,
            },
        )
        if rank[status] > rank[row["status"]]:
            row["status"] = status
        award = result.get("estimated_award_wan")
        if status == "eligible" and award is not None:
            row["estimated_award_wan"] = (row["estimated_award_wan"] or Decimal(0)) + Decimal(str(award))
        for gap in result.get("gaps", []):
            row["gaps"].append(
                {"field": gap["field"], "shortfall": gap["shortfall"], "clause": gap["clause"]}
            )
        for reason in result.get("reasons", []):
            for missing in reason.get("missing_fields", []):
                entry = {"field": missing, "missing": True}
                if entry not in row["gaps"]:
                    row["gaps"].append(entry)
    for row in by_program.values():
        if row["status"] != "eligible":
            row["estimated_award_wan"] = None
    return list(by_program.values())


def refresh_eligibility(company: Company) -> bool:
    """Evaluate the company's programs now and store its pipeline rows; False if no evaluator exists."""
    evaluate = _evaluator()
    if evaluate is None:
        return False
    try:
        report = evaluate(company)
    except (ValueError, KeyError) as error:
        log.warning("bureau pipeline: company %s not evaluated: %s", company.id, error)
        return False
    db.session.execute(sa.delete(BureauProgramStatus).where(BureauProgramStatus.company_id == company.id))
    rows = pipeline_rows(company.id, report)
    if rows:
        db.session.execute(sa.insert(BureauProgramStatus), rows)
    return True


def refresh_all_eligibility(batch_size: int = 200) -> Iterator[int]:
    """Re-evaluate every company with a submitted assessment (the nightly job); yields progress."""
    ids = list(
        db.session.scalars(
            sa.select(Assessment.company_id)
            .where(Assessment.status == AssessmentStatus.SUBMITTED)
            .distinct()
            .order_by(Assessment.company_id)
        )
    )
    for start in range(0, len(ids), batch_size):
        for company in db.session.scalars(
            sa.select(Company).where(Company.id.in_(ids[start : start + batch_size]))
        ):
            refresh_eligibility(company)
        db.session.commit()
        yield min(start + batch_size, len(ids))


# --------------------------------------------------------------------------------------- rebuild


def metric_columns(table: Any, any_on: Any, gd_on: Any, miit_on: Any) -> list[Any]:
    """SUM(CASE …) expressions of every metric over fact rows, given when a row counts for each group.

    Used by the rebuild (per grain) and by queries.py for date ranges, so both count the same way.
    """
    f = table.c

    def count(cond: Any) -> Any:
        return sa.func.coalesce(sa.func.sum(sa.case((cond, 1), else_=0)), 0)

    cols = [count(any_on).label("assessed"), count(gd_on).label("gd_assessed")]
    for flag in (
        "on_cloud",
        "on_platform",
        "cloud_equipment",
        "cloud_rnd",
        "cloud_supply_chain",
        "cloud_operations",
    ):
        cols.append(count(sa.and_(gd_on, f[flag] == sa.true())).label(flag))
    cols += [count(sa.and_(gd_on, f.overall_level == k)).label(f"level_{k}") for k in range(1, 6)]
    cols += [count(sa.and_(gd_on, f.fiveg_tier == t)).label(f"fiveg_{t}") for t in FIVEG_TIERS]
    cols.append(count(miit_on).label("miit_assessed"))
    cols += [count(sa.and_(miit_on, f.miit_level == k)).label(f"miit_{k}") for k in range(5)]
    assert [c.name for c in cols] == list(METRICS)
    return cols


def _quarter_expr(col: Any) -> Any:
    return (col // 12) * 4 + (col % 12) // 3


def _cube_select(grain: str, rollup: str) -> sa.Select[Any]:
    kept = ROLLUPS[rollup]
    f = FACT_TABLE.c
    if grain == "month":
        period = f.month
        conds = (sa.true(), f.has_gd == sa.true(), f.has_miit == sa.true())
    elif grain == "quarter":
        period = _quarter_expr(f.month)
        conds = (
            _quarter_expr(f.next_any) > period,
            sa.and_(f.has_gd == sa.true(), _quarter_expr(f.next_gd) > period),
            sa.and_(f.has_miit == sa.true(), _quarter_expr(f.next_miit) > period),
        )
    else:
        period = sa.literal(0)
        conds = (
            f.next_any == NONE_MONTH,
            sa.and_(f.has_gd == sa.true(), f.next_gd == NONE_MONTH),
            sa.and_(f.has_miit == sa.true(), f.next_miit == NONE_MONTH),
        )
    dims = [f[d] if d in kept else sa.literal(ROLLED).label(d) for d in DIMENSIONS]
    select = sa.select(
        sa.literal(grain_code(grain, rollup)).label("grain"),
        period.label("period"),
        *dims,
        *metric_columns(FACT_TABLE, *conds),
    ).group_by(period, *(f[d] for d in DIMENSIONS if d in kept))
    if grain != "month":
        select = select.having(sa.func.sum(sa.case((conds[0], 1), else_=0)) > 0)
    return select


def analyze(*tables: str) -> None:
    """Fresh planner statistics after bulk writes (PostgreSQL; a no-op elsewhere)."""
    if db.engine.dialect.name == "postgresql":
        for table in tables:
            db.session.execute(sa.text(f"ANALYZE {table}"))


def rebuild_cube() -> None:
    db.session.execute(sa.delete(AGG_TABLE))
    target_cols = ["grain", "period", *DIMENSIONS, *METRICS]
    for grain in GRAINS:
        for rollup in ROLLUPS:
            db.session.execute(sa.insert(AGG_TABLE).from_select(target_cols, _cube_select(grain, rollup)))


def rebuild_all(batch_size: int = 5000) -> dict[str, int]:
    """Recompute bureau_facts from the raw tables and the cube from the facts. Commits."""
    from portal.bureau import bulk

    db.session.execute(sa.delete(FACT_TABLE))
    dims = {
        row.id: company_dims(row._mapping)
        for row in db.session.execute(sa.select(Company.id, *(getattr(Company, d) for d in DIMENSIONS)))
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
    analyze("bureau_aggregates")
    db.session.commit()
    cube_rows = db.session.scalar(sa.select(sa.func.count()).select_from(AGG_TABLE)) or 0
    return {"facts": facts, "aggregate_rows": cube_rows}
