"""Lower bounds on what a target still costs, for the branch-and-bound (search.py).

Each target is relaxed into requirements that any plan reaching it must meet:

* :class:`PointNeed` — a linear amount of points: the MIIT total (≥ 20/40/60/80), a dimension's score
  threshold of each level it must reach, or the overall weighted score. Its bound is the fractional-knapsack
  cost of the missing amount: each undecided item at its best gain per unit of cost, up to its largest gain.
  Thresholds are loosened by the engine's rounding (scores are rounded to 0.01 before they are compared), and
  a dimension's maximum is taken with the items visible now (raising a gate only shows more items, which
  raises the maximum): the bound never exceeds the true cost.
* :class:`CountNeed` — MIIT scenario counts (≥ N scenarios at level ≥ L, of which ≥ M 约束性): the cheapest
  M constraint scenarios still below L plus the cheapest others, which is exact for the counts alone.

A bound is infinite when even every remaining move cannot meet the requirement.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from questionnaires import Instrument
from questionnaires.answers import answer_value
from questionnaires.item_types import kind_of
from scoring.maturity.engine import OVERALL_MIN_SCORE, item_points
from scoring.maturity.miit import level_rule

from .moves import Move
from .targets import Checker, Target

INF = Decimal("Infinity")
ZERO = Decimal(0)
ROUNDING = Decimal("0.005")
HUNDRED = Decimal(100)


@dataclass
class PointNeed:
    """Σ weight[item] × points gained ≥ deficit."""

    deficit: Decimal
    weights: dict[str, Decimal]
    # per group index: (largest weighted gain, best weighted gain per unit of cost); filled by prepare()
    order: list[tuple[int, Decimal, Decimal]] = field(default_factory=list)

    def prepare(self, groups: Sequence[Sequence[Move]], cost: Mapping[int, Sequence[Decimal]]) -> None:
        rows = []
        for g, moves in enumerate(groups):
            w = self.weights.get(moves[0].item_id)
            if not w:
                continue
            gains = [m.points * w for m in moves]
            ratios = [gain / c if c > 0 else INF for gain, c in zip(gains, cost[g], strict=True)]
            if max(gains) > 0:
                rows.append((g, max(gains), max(ratios)))
        rows.sort(key=lambda r: -r[2])
        self.order = rows

    def bound(self, depth: int, gained: Decimal) -> Decimal:
        short = self.deficit - gained
        if short <= 0:
            return ZERO
        total = ZERO
        for g, cap, ratio in self.order:
            if g < depth:
                continue
            if ratio == INF:
                return ZERO
            take = min(cap, short)
            total += take / ratio
            short -= take
            if short <= 0:
                return total
        return INF


@dataclass
class CountNeed:
    """At least *need_all* scenarios at level ≥ *level*, of which *need_constraint* are 约束性."""

    level: int
    need_all: int
    need_constraint: int
    constraint: dict[str, bool]


def scenario_bound(
    need: CountNeed,
    depth: int,
    answers: Mapping[str, Any],
    groups: Sequence[Sequence[Move]],
    cost: Mapping[int, Sequence[Decimal]],
) -> Decimal:
    have = [s for s in need.constraint if _level(answers.get(s)) >= need.level]
    have_c = sum(1 for s in have if need.constraint[s])
    short_c = max(0, need.need_constraint - have_c)
    short_all = max(0, need.need_all - len(have))
    if not short_c and not short_all:
        return ZERO
    open_c: list[Decimal] = []
    open_o: list[Decimal] = []
    for g in range(depth, len(groups)):
        moves = groups[g]
        sid = moves[0].item_id
        if sid not in need.constraint or _level(answers.get(sid)) >= need.level:
            continue
        costs = [c for m, c in zip(moves, cost[g], strict=True) if int(m.answer) >= need.level]
        if costs:
            (open_c if need.constraint[sid] else open_o).append(min(costs))
    open_c.sort()
    if len(open_c) < short_c:
        return INF
    total = sum(open_c[:short_c], ZERO)
    rest = sorted(open_c[short_c:] + open_o)
    more = max(0, short_all - short_c)
    if len(rest) < more:
        return INF
    return total + sum(rest[:more], ZERO)


def overall_bound(
    modules: Sequence[PointNeed], overall: PointNeed, depth: int, gained: Mapping[int, Decimal]
) -> Decimal:
    """The exact optimum of the linear relaxation of "every dimension its threshold and the weighted score
    its threshold": each dimension first covers its own shortfall with its cheapest points (the same points
    count for the overall score at the dimension's weight), then the rest of the overall shortfall takes the
    cheapest points left in any dimension (each dimension's cost curve is convex, so this is optimal)."""
    total = ZERO
    contributed = ZERO
    leftovers: list[tuple[Decimal, Decimal]] = []  # (cost per overall unit, overall units available)
    for need in modules:
        short = need.deficit - gained[id(need)]
        per_point = overall.weights.get(next(iter(need.weights), ""), ZERO)
        for g, cap, ratio in need.order:
            if g < depth:
                continue
            if short > 0:
                take = min(cap, short)
                total += ZERO if ratio == INF else take / ratio
                short -= take
                contributed += take * per_point
                cap -= take
            if cap > 0 and per_point > 0:
                leftovers.append((ZERO if ratio == INF else 1 / (ratio * per_point), cap * per_point))
        if short > 0:
            return INF
    rest = overall.deficit - gained[id(overall)] - contributed
    if rest <= 0:
        return total
    for unit_cost, units in sorted(leftovers, key=lambda r: r[0]):
        take = min(units, rest)
        total += take * unit_cost
        rest -= take
        if rest <= 0:
            return total
    return INF


def _level(value: Any) -> int:
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else 0


def needs_for(
    instrument: Instrument, checker: Checker, target: Target
) -> tuple[list[PointNeed], list[CountNeed]]:
    """The requirements *target* implies from the checker's base answers."""
    if target.kind == "miit":
        return _miit_needs(instrument, checker, target)
    if target.kind == "dimension":
        m = checker.by_id.get(str(target.module))
        return ([_module_need(instrument, checker, str(target.module), target.level)] if m else []), []
    points = [_module_need(instrument, checker, m.module_id, target.level - 1) for m in checker.weighted]
    return [*points, _overall_need(checker, target.level)], []


def _miit_needs(
    instrument: Instrument, checker: Checker, target: Target
) -> tuple[list[PointNeed], list[CountNeed]]:
    spec = level_rule().levels[target.level - 1]
    scored = [i for i in instrument.items if i.scored]
    base = checker.answers
    total = sum((item_points(i, answer_value(base.get(i.id))) for i in scored), ZERO)
    points = PointNeed(spec.min_points - total, {i.id: Decimal(1) for i in scored})
    ladder = {i.id: i.constraint for i in instrument.items if kind_of(i).has_ladder}
    counts = [
        CountNeed(s.scenario_level, s.min_scenarios, s.min_constraint, ladder)
        for s in level_rule().levels[: target.level]
    ]
    return [points], counts


def _module_need(instrument: Instrument, checker: Checker, module_id: str, level: int) -> PointNeed:
    result = checker.by_id[module_id]
    module = instrument.module(module_id)
    spec = next((lv for lv in module.levels if lv.level == level), None)
    if spec is None or spec.min_score is None or result.max_points <= 0:
        return PointNeed(ZERO, {i.id: Decimal(1) for i in module.items if i.scored})
    need = (spec.min_score - ROUNDING) * result.max_points / HUNDRED - result.points
    need -= _hidden_points(checker, module_id)
    return PointNeed(need, {i.id: Decimal(1) for i in module.items if i.scored})


def _hidden_points(checker: Checker, module_id: str) -> Decimal:
    """Points a hidden item's stored answer would bring if a move showed it (counted as already earned, so
    that the bound stays below the true cost)."""
    return sum(
        (
            item_points(i, answer_value(checker.answers.get(i.id)))
            for i in checker.instrument.module(module_id).items
            if i.scored and i.id in checker.seen.hidden
        ),
        ZERO,
    )


def _overall_need(checker: Checker, level: int) -> PointNeed:
    weight = sum((m.weight for m in checker.weighted), ZERO)
    if weight <= 0:
        return PointNeed(ZERO, {})
    now = (
        sum(
            (
                m.weight * HUNDRED * (m.points + _hidden_points(checker, m.module_id)) / m.max_points
                for m in checker.weighted
            ),
            ZERO,
        )
        / weight
    )
    weights: dict[str, Decimal] = {}
    for m in checker.weighted:
        per_point = m.weight * HUNDRED / (m.max_points * weight)
        for item in checker.instrument.module(m.module_id).items:
            if item.scored:
                weights[item.id] = per_point
    return PointNeed(OVERALL_MIN_SCORE[level] - 2 * ROUNDING - now, weights)
