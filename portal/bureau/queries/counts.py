"""True counts with their cell keys (`disclosure.Tally`, never shown as such): metric sums from the cube
or the fact rows, registered companies, trends and the program pipeline."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import Any

import sqlalchemy as sa

from portal.bureau import aggregates
from portal.bureau.aggregates import totals
from portal.bureau.disclosure import ZERO, Tally, tally
from portal.bureau.disclosure import parameters as disclosure_parameters
from portal.bureau.models import CUBE_COLUMNS, DIMENSIONS, METRICS, NONE_MONTH
from portal.bureau.queries.filters import (
    Filters,
    dim_conditions,
    grain_filter,
    range_grain_filter,
    totals_grain_filter,
)
from portal.extensions import db
from portal.models import User

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


def _range_rows(user: User, filters: Filters, group_by: str | None, pairs: Any) -> Any:
    """A date range's cube rows: its months' rows, and the (month, next month) pairs inside it with their
    counts negated (see aggregates.tables). Two index range reads, not one OR the planner scans for."""
    table = aggregates.AGG_TABLE
    lo, hi = sa.bindparam("lo", type_=sa.Integer), sa.bindparam("hi", type_=sa.Integer)
    dims = dim_conditions(table.c, user, filters)
    keep = [table.c[d] for d in DIMENSIONS]
    months = sa.select(*keep, *(table.c[m] for m in CUBE_COLUMNS)).where(
        grain_filter("month", user, filters, group_by), table.c.period.between(lo, hi), *dims
    )
    inside = sa.select(*keep, *((-table.c[m]).label(m) for m in CUBE_COLUMNS)).where(
        pairs,
        table.c.period.between(lo, hi),
        table.c.until <= hi,
        *dims,  # period < until: said for the index
    )
    return sa.union_all(months, inside).subquery("range_rows")


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
    """True metric tallies, optionally grouped by one dimension ('' key when ungrouped).

    All time: the cube's 'all' rows. A date range: the cube's (month, next month) pairs with
    lo <= month <= hi and next > hi, or the fact rows themselves when no range roll-up has the dimensions.
    """
    params = _range_params(filters) if filters.dated else {}
    pairs = range_grain_filter(user, filters, group_by) if filters.dated else None
    if pairs is not None:
        table = _range_rows(user, filters, group_by, pairs)
        cols = [sa.func.coalesce(sa.func.sum(table.c[m]), 0).label(m) for m in CUBE_COLUMNS]
        where = []
    elif filters.dated:
        table = aggregates.FACT_TABLE
        cols, where = _dated_columns(disclosure_parameters()), [_dated_window()]
        where += dim_conditions(table.c, user, filters)
    else:
        table = aggregates.AGG_TABLE
        cols = [sa.func.coalesce(sa.func.sum(table.c[m]), 0).label(m) for m in CUBE_COLUMNS]
        where = [grain_filter("all", user, filters, group_by), *dim_conditions(table.c, user, filters)]
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
    """`measure` for several groupings; for a date range read from fact rows on PostgreSQL, one scan with
    GROUPING SETS."""
    from_cube = all(range_grain_filter(user, filters, g) is not None for g in groups)
    if not filters.dated or from_cube or db.engine.dialect.name != "postgresql":
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
    """Companies registered now in scope and filters: the total (key None) and per dimension in `groups`,
    read from the maintained totals (a few rows per group, not a scan of every company)."""
    t = totals.TABLE
    out: dict[str | None, dict[str, Tally]] = {None: {"": ZERO}, **{g: {} for g in groups}}
    for group in (None, *groups):
        key = t.c[group] if group else sa.literal("")
        query = sa.select(key.label("k"), sa.func.sum(t.c.companies), sa.func.sum(t.c.key_companies)).where(
            totals_grain_filter(totals.REGISTERED, user, filters, group), *dim_conditions(t.c, user, filters)
        )
        for k, n, keys in db.session.execute(query.group_by(key) if group else query):
            if n is not None:
                out[group][str(k)] = tally(n, keys)
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
    t = totals.TABLE
    query = (
        sa.select(
            t.c.program,
            sa.func.max(t.c.name_zh),
            sa.func.max(t.c.name_en),
            t.c.status,
            sa.func.sum(t.c.companies),
            sa.func.sum(t.c.key_companies),
            sa.func.sum(t.c.award_wan),
        )
        .where(totals_grain_filter(totals.PIPELINE, user, filters), *dim_conditions(t.c, user, filters))
        .group_by(t.c.program, t.c.status)
        .order_by(t.c.program)
    )
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
