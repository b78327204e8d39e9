"""True counts with their cell keys (`disclosure.Tally`, never shown as such): metric sums from the cube
or the fact rows, registered companies, trends and the program pipeline."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import Any

import sqlalchemy as sa

from portal.bureau import aggregates
from portal.bureau.disclosure import ZERO, Tally, record_key_sql, tally
from portal.bureau.disclosure import parameters as disclosure_parameters
from portal.bureau.models import CUBE_COLUMNS, METRICS, NONE_MONTH, BureauProgramStatus
from portal.bureau.queries.filters import Filters, company_cols, dim_conditions, grain_filter
from portal.extensions import db
from portal.models import Company, User

Tallies = dict[str, Tally]  # metric -> true count and cell key


def _tallies(mapping: Any) -> Tallies:
    return {m: tally(mapping[m], mapping[f"key_{m}"]) for m in METRICS}


def zero_tallies() -> Tallies:
    return dict.fromkeys(METRICS, ZERO)


@cache
def _dated_columns(_key_parameters: tuple[int, int, int]) -> list[Any]:
    """The metric and cell-key sums over fact rows for a date range, with the range's end as the bound
    parameter "hi" — built once per record-key secret (building 46 CASE expressions per request cost
    ~30 ms)."""
    f = aggregates.FACT_TABLE.c
    hi = sa.bindparam("hi", type_=sa.Integer)
    return aggregates.metric_columns(
        aggregates.FACT_TABLE,
        f.next_any > hi,
        sa.and_(f.has_gd == sa.true(), f.next_gd > hi),
        sa.and_(f.has_miit == sa.true(), f.next_miit > hi),
    )


def _dated_window() -> Any:
    f = aggregates.FACT_TABLE.c
    return sa.and_(
        f.month >= sa.bindparam("lo", type_=sa.Integer), f.month <= sa.bindparam("hi", type_=sa.Integer)
    )


def _range_params(filters: Filters) -> dict[str, int]:
    lo = filters.month_from if filters.month_from is not None else 0
    hi = filters.month_to if filters.month_to is not None else NONE_MONTH - 1
    return {"lo": lo, "hi": hi}


def measure(user: User, filters: Filters, group_by: str | None = None) -> dict[str, Tallies]:
    """True metric tallies, optionally grouped by one dimension ('' key when ungrouped)."""
    if filters.dated:
        table = aggregates.FACT_TABLE
        cols, where = _dated_columns(disclosure_parameters()), [_dated_window()]
        params = _range_params(filters)
    else:
        params = {}
        table = aggregates.AGG_TABLE
        cols = [sa.func.coalesce(sa.func.sum(table.c[m]), 0).label(m) for m in CUBE_COLUMNS]
        where = [grain_filter("all", user, filters, group_by)]
    where += dim_conditions(table.c, user, filters)
    key = table.c[group_by] if group_by else sa.literal("").label("k")
    query = (
        sa.select(key.label("k"), *cols).where(*where).group_by(key)
        if group_by
        else sa.select(*cols).where(*where)
    )
    out: dict[str, Tallies] = {}
    for row in db.session.execute(query, params):
        mapping = row._mapping
        k = str(mapping["k"]) if group_by else ""
        out[k] = _tallies(mapping)
    if not group_by and "" not in out:
        out[""] = zero_tallies()
    return out


def _grouping_sets(
    dims: list[Any], groups: list[str | None], cols: list[Any], where: list[Any]
) -> tuple[Any, dict[int, str | None]]:
    """One scan, several groupings (PostgreSQL GROUPING SETS): the query and grouping() mask → group."""
    names = [d.key for d in dims]
    sets = [sa.tuple_(*([dims[names.index(g)]] if g else [])) for g in groups]
    mask = {g: sum(1 << (len(names) - 1 - i) for i, n in enumerate(names) if n != g) for g in groups}
    query = (
        sa.select(*dims, sa.func.grouping(*dims).label("g"), *cols)
        .where(*where)
        .group_by(sa.func.grouping_sets(*sets))
    )
    return query, {v: g for g, v in mask.items()}


def measure_many(
    user: User, filters: Filters, groups: list[str | None]
) -> dict[str | None, dict[str, Tallies]]:
    """`measure` for several groupings; for a date range on PostgreSQL one scan with GROUPING SETS."""
    if not filters.dated or db.engine.dialect.name != "postgresql":
        return {g: measure(user, filters, g) for g in groups}
    f = aggregates.FACT_TABLE.c
    cols = _dated_columns(disclosure_parameters())
    where = [_dated_window(), *dim_conditions(f, user, filters)]
    query, by_mask = _grouping_sets([f[g] for g in groups if g], groups, cols, where)
    out: dict[str | None, dict[str, Tallies]] = {g: {} for g in groups}
    for row in db.session.execute(query, _range_params(filters)):
        m = row._mapping
        group = by_mask[int(m["g"])]
        key = str(m[group]) if group else ""
        out[group][key] = _tallies(m)
    if None in out and "" not in out[None]:
        out[None][""] = zero_tallies()
    return out


def registered_groups(
    user: User, filters: Filters, groups: tuple[str, ...] = ()
) -> dict[str | None, dict[str, Tally]]:
    """Companies registered now in scope and filters: the total (key None) and per dimension in `groups`.

    One scan with GROUPING SETS on PostgreSQL; one GROUP BY per dimension elsewhere.
    """
    cols = company_cols()
    where = dim_conditions(cols, user, filters)
    out: dict[str | None, dict[str, Tally]] = {None: {"": ZERO}, **{g: {} for g in groups}}
    counted = [sa.func.count(Company.id).label("n"), sa.func.sum(record_key_sql(Company.id)).label("k")]
    if db.engine.dialect.name == "postgresql" and groups:
        keys = [cols[g] for g in groups]
        query, by_mask = _grouping_sets(keys, [None, *groups], counted, where)
        for row in db.session.execute(query):
            group = by_mask[int(row.g)]
            out[group][(row._mapping[group] or "") if group else ""] = tally(row.n, row.k)
        return out
    total = db.session.execute(sa.select(*counted).where(*where)).one()
    out[None][""] = tally(total.n, total.k)
    for g in groups:
        key = sa.func.coalesce(cols[g], "")
        for k, n, keys in db.session.execute(sa.select(key, *counted).where(*where).group_by(key)):
            out[g][str(k)] = tally(n, keys)
    return out


def registered(user: User, filters: Filters, group_by: str | None = None) -> dict[str, Tally]:
    """Companies registered in the portal now (scope + dimension filters; not date-filtered)."""
    return registered_groups(user, filters, (group_by,) if group_by else ())[group_by]


def trend(user: User, filters: Filters, grain: str) -> list[tuple[int, Tallies]]:
    """Per month or quarter: each company's latest assessment in that period (cube rows).

    With a date range, months inside it; quarters overlapping it (shown whole).
    """
    table = aggregates.AGG_TABLE
    where = [grain_filter(grain, user, filters), *dim_conditions(table.c, user, filters)]
    lo, hi = filters.month_from, filters.month_to
    if grain == "quarter":
        lo = aggregates.quarter_of(lo) if lo is not None else None
        hi = aggregates.quarter_of(hi) if hi is not None else None
    if lo is not None:
        where.append(table.c.period >= lo)
    if hi is not None:
        where.append(table.c.period <= hi)
    cols = [sa.func.sum(table.c[m]).label(m) for m in CUBE_COLUMNS]
    query = sa.select(table.c.period, *cols).where(*where).group_by(table.c.period).order_by(table.c.period)
    return [(int(r.period), _tallies(r._mapping)) for r in db.session.execute(query)]


def programs(user: User, filters: Filters) -> list[dict[str, Any]]:
    """Per program: companies likely eligible / needing information (tallies) and the estimated awards.

    The pipeline is the companies' current evaluation: the date range does not apply.
    """
    p = BureauProgramStatus
    where = dim_conditions(company_cols(), user, filters)
    query = sa.select(
        p.program,
        sa.func.max(p.name_zh),
        sa.func.max(p.name_en),
        p.status,
        sa.func.count(),
        sa.func.sum(record_key_sql(p.company_id)),
        sa.func.sum(p.estimated_award_wan),
    )
    if where:  # the province without filters needs no join
        query = query.join(Company, Company.id == p.company_id).where(*where)
    query = query.group_by(p.program, p.status).order_by(p.program)
    table: dict[str, dict[str, Any]] = {}
    for program, name, name_en, status, n, keys, award in db.session.execute(query):
        row = table.setdefault(
            program,
            {
                "program": program,
                "name_zh": name,
                "name_en": name_en,
                "eligible": ZERO,
                "needs_info": ZERO,
                "award_wan": Decimal(0),
            },
        )
        if status in ("eligible", "needs_info"):
            row[status] += tally(n, keys)
        if status == "eligible" and award is not None:
            row["award_wan"] += Decimal(award)
    return list(table.values())
