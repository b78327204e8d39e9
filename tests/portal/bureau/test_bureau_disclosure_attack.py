"""The attacker: an officer who requests every dashboard table for every filter combination and tries to
recover small cells by linear combinations of everything published.

Over seeded random populations (sizes, clusters, districts, consent, submission months) the test asks
`queries.summary` and `queries.company_list` — the functions the pages, the API and the exports use — for
every combination of place (none / city / city + district), cluster, size class and date range (none and
every range of whole months), as the province (which sees every cell a city or district officer sees).

Each published figure is tied to the set of companies it counts. The attacker is given more than a real
officer has: every consenting company's full data (so only non-consenting companies are unknown), the
exact membership pattern of the non-consenting companies across all cells (so the unknowns are just
how many of them are of each pattern), and the perturbation's bounds (a published v >= 5 means the
true count is within v ± 6; "<5" means 1–4; 0 means 0). With that it solves, for each cell whose
non-consenting part is 1–4 companies, the linear programmes min/max of that part subject to every
published figure (scipy.optimize.linprog). That covers totals minus parts, a filter minus its
complements, the summary minus the consenting-company list, and one period minus another at once.

A cell is *recovered* when the programme pins its non-consenting part to one value. The test also
checks that the same set of companies always gets the same published figure, whichever table, filter
or period shows it, and that the model of who counts where agrees with the portal's true counts.
"""

from __future__ import annotations

import itertools
import math
import os
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from portal.bureau import aggregates, disclosure, queries
from portal.bureau.aggregates.facts import Submission, build_facts
from portal.bureau.models import BureauProgramStatus
from portal.extensions import db
from portal.models import Company, JurisdictionLevel, Role
from tests.tests_support import Factory

scipy_optimize = pytest.importorskip("scipy.optimize")

# Four populations in the regular suite (about a minute); ATTACK_POPULATIONS=24 for the full run.
POPULATIONS = int(os.environ.get("ATTACK_POPULATIONS", "4"))
MONTHS = (aggregates.month_of(2025, 1), aggregates.month_of(2025, 2), aggregates.month_of(2025, 4))
PLACES = (("揭阳市", "榕城区"), ("揭阳市", "揭东区"), ("梅州市", "梅江区"))
CLUSTERS = ("c01", "c05")
SIZES = ("small", "micro")
GD_METRICS = ("gd_assessed", "on_cloud", "on_platform", "cloud_equipment", "cloud_rnd", "cloud_supply_chain",
              "cloud_operations", "level_1", "level_2", "level_3", "level_4", "level_5", "fiveg_none",
              "fiveg_line", "fiveg_workshop", "fiveg_factory", "high")  # fmt: skip
MIIT_METRICS = ("miit_assessed", "miit_0", "miit_1", "miit_2", "miit_3", "miit_4", "miit_ge2")
PROGRAM = "gd_zjtx_sme"

Period = tuple[int, int] | None  # whole months lo..hi, None = each company's latest assessment
Cell = tuple[str, frozenset[tuple[str, str]], Period]  # metric, dimension filters, period


@dataclass
class Firm:
    id: int
    dims: dict[str, str]
    consents: bool
    facts: list[dict[str, Any]]
    program: str | None  # "eligible" | "needs_info" | None


@dataclass
class Seen:
    published: dict[Cell, Any] = field(default_factory=dict)
    hidden_counts: dict[Cell, tuple[float, float]] = field(default_factory=dict)  # lists: others' bounds
    requests: int = 0
    conflicts: list[str] = field(default_factory=list)

    def add(self, cell: Cell, value: Any) -> None:
        before = self.published.setdefault(cell, value)
        if before != value:
            self.conflicts.append(f"{cell}: {before} vs {value}")


# ------------------------------------------------------------------------------------- population


def _populate(rng: random.Random, make: Factory, index: int) -> list[Firm]:
    firms = []
    consent = rng.uniform(0.3, 0.9)
    for n in range(rng.randint(12, 45)):
        city, district = rng.choice(PLACES)
        dims = {
            "city": city,
            "district": district,
            "cluster": rng.choice(CLUSTERS),
            "size_class": rng.choice(SIZES),
        }
        company = make.company(**dims, bureau_sharing=rng.random() < consent, name=f"攻击测试{index}-{n}")
        subs = []
        for k in range(rng.choice((0, 1, 1, 2, 3))):
            month = rng.choice(MONTHS)
            when = datetime(month // 12, month % 12 + 1, 10, 4, tzinfo=UTC)
            if rng.random() < 0.75:
                kinds = [rng.random() < 0.5 for _ in range(4)]
                fields = (rng.randint(1, 5), any(kinds), any(kinds) and rng.random() < 0.5, *kinds,
                          rng.choice(("none", "line", "workshop", "factory")), None)  # fmt: skip
                subs.append(Submission(company.id, n * 10 + k, "gd-mfg-dt", when, *fields))
            else:
                subs.append(
                    Submission(
                        company.id, n * 10 + k, "miit-sme-digital", when, *([None] * 8), rng.randint(0, 4)
                    )
                )
        subs.sort(key=lambda s: (s.submitted_at, s.assessment_id))
        facts = build_facts(company.id, {**dims, "sharing": company.bureau_sharing}, subs)
        if facts:
            db.session.execute(sa.insert(aggregates.FACT_TABLE), facts)
        status = rng.choice((None, None, "eligible", "needs_info"))
        if status:
            db.session.add(
                BureauProgramStatus(
                    company_id=company.id, program=PROGRAM, name_zh="省专精特新", status=status
                )
            )
        firms.append(Firm(company.id, dims, company.bureau_sharing, facts, status))
    aggregates.rebuild_cube()
    db.session.commit()
    return firms


def _clear() -> None:
    for table in (
        aggregates.AGG_TABLE,
        aggregates.FACT_TABLE,
        aggregates.totals.TABLE,
        BureauProgramStatus.__table__,
        Company.__table__,
    ):
        db.session.execute(sa.delete(table))
    db.session.commit()


# ------------------------------------------------------------------------------ who counts where


def _row(firm: Firm, period: Period, flag: str) -> dict[str, Any] | None:
    """The fact row that counts for the period: the latest with data of that kind ('any', 'gd', 'miit')."""
    lo, hi = period if period else (0, 10**6)
    rows = [f for f in firm.facts if lo <= f["month"] <= hi and (flag == "any" or f[f"has_{flag}"])]
    return rows[-1] if rows else None


def _gd_member(row: dict[str, Any], metric: str) -> bool:
    if metric == "gd_assessed":
        return True
    if metric.startswith("level_"):
        return bool(row["overall_level"] == int(metric[-1]))
    if metric == "high":
        return bool((row["overall_level"] or 0) >= 3)
    if metric.startswith("fiveg_"):
        return bool(row["fiveg_tier"] == metric[6:])
    return bool(row[metric])


def _miit_member(row: dict[str, Any], metric: str) -> bool:
    level = row["miit_level"]
    return metric == "miit_assessed" or (level >= 2 if metric == "miit_ge2" else level == int(metric[-1]))


def member(firm: Firm, cell: Cell) -> bool:
    """Whether the firm counts in the cell (the counting rule, written out again for the attacker)."""
    metric, dims, period = cell
    if any(firm.dims[d] != v for d, v in dims):
        return False
    if metric == "registered":
        return True
    if metric.startswith("program:"):
        return firm.program is not None and metric.split(":")[1] in ("any", firm.program)
    flag = "any" if metric == "assessed" else ("gd" if metric in GD_METRICS else "miit")
    row = _row(firm, period, flag)
    if row is None or flag == "any":
        return row is not None
    return _gd_member(row, metric) if flag == "gd" else _miit_member(row, metric)


# ---------------------------------------------------------------------------------- what is seen

BREAKDOWN = {
    1: "registered",
    2: "assessed",
    4: "gd_assessed",
    5: "on_cloud",
    7: "on_platform",
    8: "high",
    10: "miit_ge2",
}
TREND = {1: "assessed", 2: "gd_assessed", 3: "on_cloud", 5: "on_platform", 6: "high", 7: "miit_ge2"}
DISTRIBUTIONS = {
    "levels": [f"level_{k}" for k in range(1, 6)],
    "miit_levels": [f"miit_{k}" for k in range(5)],
    "fiveg": [f"fiveg_{t}" for t in ("none", "line", "workshop", "factory")],
}


def _period_of(label: str, grain: str) -> tuple[int, int]:
    if grain == "month":
        year, month = map(int, label.split("-"))
        m = aggregates.month_of(year, month)
        return m, m
    year, q = int(label[:4]), int(label[-1])
    return aggregates.quarter_months(year * 4 + q - 1)


def _record_breakdowns(
    seen: Seen, tables: dict[str, queries.Table], dims: dict[str, str], period: Period
) -> None:
    for key in ("by_city", "by_district", "by_cluster", "by_size_class"):
        if key not in tables:
            continue
        dim = key[3:]
        for value, row in zip(tables[key].row_keys, tables[key].rows, strict=True):
            cell_dims = frozenset({**dims, dim: value}.items())
            for column, metric in BREAKDOWN.items():
                seen.add((metric, cell_dims, None if metric == "registered" else period), row[column])


def _record(seen: Seen, tables: dict[str, queries.Table], dims: dict[str, str], period: Period) -> None:
    base = frozenset(dims.items())
    headline = tables["headline"]
    for key, row in zip(headline.row_keys, headline.rows, strict=True):
        seen.add((key, base, None if key == "registered" else period), row[1])
    for key, metrics in DISTRIBUTIONS.items():
        for metric, row in zip(metrics, tables[key].rows, strict=True):
            seen.add((metric, base, period), row[1])
    _record_breakdowns(seen, tables, dims, period)
    for grain in ("month", "quarter"):
        for row in tables[f"trend_{grain}"].rows:
            for column, metric in TREND.items():
                seen.add((metric, base, _period_of(row[0], grain)), row[column])
    programs = tables["programs"]
    for program, row in zip(programs.row_keys, programs.rows, strict=True):
        assert program == PROGRAM
        seen.add(("program:eligible", base, None), row[1])
        seen.add(("program:needs_info", base, None), row[2])


def _requests(firms: list[Firm]) -> list[tuple[dict[str, str], Period]]:
    places: list[dict[str, str]] = [{}]
    for city in sorted({f.dims["city"] for f in firms}):
        places.append({"city": city})
        places += [
            {"city": city, "district": d}
            for d in sorted({f.dims["district"] for f in firms if f.dims["city"] == city})
        ]
    clusters = [{}] + [{"cluster": c} for c in sorted({f.dims["cluster"] for f in firms})]
    sizes = [{}] + [{"size_class": s} for s in sorted({f.dims["size_class"] for f in firms})]
    periods: list[Period] = [None] + [(a, b) for a, b in itertools.combinations_with_replacement(MONTHS, 2)]
    return [
        ({**p, **c, **s}, period) for p, c, s, period in itertools.product(places, clusters, sizes, periods)
    ]


def _args(dims: dict[str, str], period: Period) -> dict[str, str]:
    args = dict(dims)
    if period:
        args["from"], args["to"] = aggregates.month_label(period[0]), aggregates.month_label(period[1])
    return args


def _look(firms: list[Firm], officer: Any) -> Seen:
    seen = Seen()
    for dims, period in _requests(firms):
        filters = queries.parse_filters(_args(dims, period), officer)
        tables = queries.summary(officer, filters)
        _record(seen, tables, dims, period)
        listing = queries.company_list(officer, filters)
        seen.hidden_counts[("assessed", frozenset(dims.items()), period)] = _list_bounds(listing)
        if period is None:  # the pipeline is not dated
            pipeline = queries.pipeline_list(officer, filters)
            seen.hidden_counts[("program:any", frozenset(dims.items()), None)] = _list_bounds(pipeline)
        # the model of who counts where agrees with the portal's true counts
        true = queries.measure(officer, filters)[""]
        for metric in ("assessed", "gd_assessed", "on_cloud", "level_3", "miit_assessed"):
            cell = (metric, frozenset(dims.items()), period)
            assert true[metric].count == sum(member(f, cell) for f in firms), cell
        seen.requests += 1
    return seen


# ------------------------------------------------------------------------------------------ attack


def _bounds(value: Any) -> tuple[float, float]:
    """What a published figure tells about the true count."""
    if value == disclosure.SUPPRESSED:
        return 0, disclosure.MIN_CELL - 1 + disclosure.MAX_NOISE
    return max(1, value - disclosure.MAX_NOISE), value + disclosure.MAX_NOISE


def _list_bounds(listing: dict[str, Any]) -> tuple[float, float]:
    """What a list tells about the non-consenting companies of its selection: withheld → at most 4 + the
    noise bound (a list is withheld whenever their published count is "<5"); shown →
    what its published count of others says (the attacker cannot use "0 or at least 5" in a linear
    programme; it is at least as well off with the published count)."""
    if listing["withheld"]:
        return 0, disclosure.MIN_CELL - 1 + disclosure.MAX_NOISE
    return _bounds(listing["not_sharing"])


@dataclass
class Outcome:
    targets: int = 0
    recovered: int = 0
    narrowed: int = 0  # interval inside 1..4 (a small, non-empty group proven) without an exact value
    constraints: int = 0
    cells: int = 0


def attack(firms: list[Firm], seen: Seen) -> Outcome:
    hidden = [f for f in firms if not f.consents]
    cells = list(seen.published)
    # one constraint per distinct set of companies (the same set is always published the same)
    rows: dict[frozenset[int], tuple[int, Any]] = {}
    for cell in cells:
        members = frozenset(f.id for f in firms if member(f, cell))
        known = sum(1 for f in firms if f.consents and f.id in members)
        before = rows.setdefault(members, (known, seen.published[cell]))
        assert before[1] == seen.published[cell], ("same companies, another figure", cell)
    hidden_rows = {
        frozenset(f.id for f in hidden if member(f, cell)): value
        for cell, value in seen.hidden_counts.items()
    }
    # unknowns: how many non-consenting companies have each membership pattern
    patterns: dict[tuple[bool, ...], list[int]] = defaultdict(list)
    sets = list(rows) + list(hidden_rows)
    for f in hidden:
        patterns[tuple(f.id in s for s in sets)].append(f.id)
    atoms = list(patterns.values())
    a_ub, b_ub = [], []

    def add(members: frozenset[int], lo: float, hi: float) -> None:
        coeffs = [1.0 if atom[0] in members else 0.0 for atom in atoms]
        a_ub.append(coeffs)
        b_ub.append(hi)
        a_ub.append([-c for c in coeffs])
        b_ub.append(-lo)

    for members, (known, value) in rows.items():
        lo, hi = _bounds(value)
        add(members, lo - known, hi - known)
    for members, (lo, hi) in hidden_rows.items():
        add(members, lo, hi)
    outcome = Outcome(constraints=len(b_ub), cells=len(cells))
    targets = {frozenset(m & {f.id for f in hidden}) for m in rows}
    for target in targets:
        if not 0 < len(target) < disclosure.MIN_CELL:
            continue
        outcome.targets += 1
        c = [1.0 if atom[0] in target else 0.0 for atom in atoms]
        low = scipy_optimize.linprog(c, A_ub=a_ub, b_ub=b_ub, bounds=(0, None), method="highs")
        high = scipy_optimize.linprog([-x for x in c], A_ub=a_ub, b_ub=b_ub, bounds=(0, None), method="highs")
        assert low.status == 0 and high.status in (0, 3), (low.message, high.message)  # 3: unbounded above
        lo = math.ceil(low.fun - 1e-6)
        hi = math.floor(-high.fun + 1e-6) if high.status == 0 else math.inf
        if lo == hi:
            outcome.recovered += 1
        elif lo >= 1 and hi < disclosure.MIN_CELL:
            outcome.narrowed += 1
    return outcome


def test_no_small_cell_is_recovered_from_everything_a_bureau_can_request(
    app: Flask, make: Factory, capsys: Any
) -> None:
    province = make.user(Role.BUREAU, jurisdiction_level=JurisdictionLevel.PROVINCE)
    totals = Outcome()
    requests = 0
    for index in range(POPULATIONS):
        rng = random.Random(1000 + index)
        firms = _populate(rng, make, index)
        seen = _look(firms, province)
        assert not seen.conflicts, seen.conflicts[:5]  # same companies, same figure, wherever shown
        outcome = attack(firms, seen)
        requests += seen.requests
        for name in ("targets", "recovered", "narrowed", "constraints", "cells"):
            setattr(totals, name, getattr(totals, name) + getattr(outcome, name))
        _clear()
        with capsys.disabled():
            print(
                f"\n[disclosure attack] population {index + 1}: {len(firms)} companies, {outcome}", flush=True
            )
    with capsys.disabled():
        print(
            f"\n[disclosure attack] populations={POPULATIONS} requests={requests} cells={totals.cells} "
            f"constraints={totals.constraints} small non-consenting cells attacked={totals.targets} "
            f"recovered={totals.recovered} bounded_within_1-4={totals.narrowed}"
        )
    assert totals.targets >= 5 * POPULATIONS  # the populations do produce small cells to attack
    assert totals.recovered == 0
