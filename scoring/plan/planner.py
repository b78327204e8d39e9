"""The public planner: ``plan_set(...)`` → the minimal plan toward a target and its alternatives.

Objectives (each an exact branch-and-bound, search.py, under the same targets and moves):

* ``effort`` — least total effort (Σ effort class × steps): the main plan;
* ``cost`` — least estimated cost (midpoint of each step's range, providers' price bands where known);
* ``time`` — the shortest longest horizon: the least effort among plans whose steps all fit in H months, for
  the smallest H that has one;
* ``programmes`` — first reach as many of the caller's programme goals (:class:`Goal`, e.g. the city pilot's
  MIIT 二级) as can be reached together with the target, then least effort with steps that count towards a
  programme at half their effort.

Pins (item → answer) are taken as steps before planning; excluded items are never changed. Every plan is
re-scored from scratch by :func:`scoring.maturity.score` before it is returned (``levels_after``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from decimal import Decimal
from itertools import combinations
from typing import Any

from questionnaires import Instrument, module_visible
from questionnaires.item_types import kind_of
from questionnaires.model import Condition
from scoring.maturity import normalize_answers

from .explain import unreachable_reasons
from .moves import PriceRange, actions_by_item, current_answer, item_moves
from .result import OBJECTIVES, Goal, Plan, PlanSet
from .search import DEFAULT_BUDGET, Found, Search
from .steps import build_steps
from .targets import Checker, Target, levels_by_score, target_problem

HALF = Decimal("0.5")
ZERO = Decimal(0)


def _objective(name: str, programmes: Collection[str] | None) -> Callable[[Any], Decimal]:
    if name == "cost":
        return lambda m: m.cost_mid
    if name == "programmes":
        return lambda m: (
            m.effort
            * (HALF if any(programmes is None or p.program_id in programmes for p in m.programs) else 1)
        )
    return lambda m: m.effort


class Planner:
    """One assessment's planning problem: answers (after pins), moves, and the engine checker."""

    def __init__(  # noqa: PLR0913 — the inputs of a plan
        self,
        instrument: Instrument,
        answers: Mapping[str, Any],
        cluster: str | None,
        *,
        pins: Mapping[str, Any] | None = None,
        exclude: Collection[str] = (),
        prices: Mapping[str, PriceRange] | None = None,
        budget: int = DEFAULT_BUDGET,
    ) -> None:
        self.instrument, self.cluster, self.budget = instrument, cluster, budget
        self.original = normalize_answers(instrument, answers)
        self.prices = dict(prices or {})
        self.covering = actions_by_item(instrument)
        self.pins = {k: v for k, v in (pins or {}).items() if instrument.has_item(k)}
        self.excluded = tuple(sorted(i for i in exclude if instrument.has_item(i)))
        self.pinned_moves = self._pinned_moves()
        self.base = dict(self.original)
        for move in self.pinned_moves:
            item = instrument.item(move.item_id)
            self.base[move.item_id] = kind_of(item).raise_answer(
                item, current_answer(self.base, move.item_id), move.answer
            )
        self.checker = Checker(instrument, self.base, cluster)

    def moves_of(self, item_id: str, answers: Mapping[str, Any], requires: list[Condition]) -> list[Any]:
        item = self.instrument.item(item_id)
        return item_moves(
            self.instrument,
            item,
            current_answer(answers, item_id),
            requires,
            self.covering.get(item_id, []),
            self.prices,
        )

    def _pinned_moves(self) -> list[Any]:
        """A pin is honoured as the moves that give its answer (a multi pin: one per option)."""
        out: list[Any] = []
        for iid, answer in sorted(self.pins.items()):
            wanted = answer if isinstance(answer, list) else [answer]
            moves = self.moves_of(iid, self.original, self._all_requires())
            for w in wanted:
                out.extend(m for m in moves if m.answer in (w, [w]))
        return out

    def _all_requires(self) -> list[Condition]:
        return [lv.requires for m in self.instrument.modules for lv in m.levels if lv.requires is not None]

    def needed_conditions(self, targets: Sequence[Target]) -> list[tuple[str, Condition]]:
        """The ``requires`` of every level a target needs a dimension to reach and it has not reached."""
        out: list[tuple[str, Condition]] = []
        for t in targets:
            if t.kind == "miit":
                continue
            wanted = (
                {str(t.module): t.level}
                if t.kind == "dimension"
                else {m.module_id: t.level - 1 for m in self.checker.weighted}
            )
            for mid, level in wanted.items():
                have = self.checker.by_id[mid].level if mid in self.checker.by_id else 0
                out.extend(
                    (mid, lv.requires)
                    for lv in self.instrument.module(mid).levels
                    if have < lv.level <= level and lv.requires is not None
                )
        return out

    def groups_for(
        self, targets: Sequence[Target], conditions: list[tuple[str, Condition]]
    ) -> list[list[Any]]:
        modules = self._modules(targets)
        groups: list[list[Any]] = []
        for module in self.instrument.modules:
            if module.id not in modules or not module_visible(module, self.cluster):
                continue
            for item in module.items:
                if item.id in self.excluded or item.id in self.pins:
                    continue
                if item.clusters and (self.cluster is None or self.cluster not in item.clusters):
                    continue
                moves = self.moves_of(item.id, self.base, [c for _, c in conditions])
                if item.type == "multi":
                    groups.extend([m] for m in moves)
                elif moves:
                    groups.append(moves)
        return groups

    def _modules(self, targets: Sequence[Target]) -> set[str]:
        out: set[str] = set()
        for t in targets:
            if t.kind == "dimension":
                out.add(str(t.module))
            elif t.kind == "overall":
                out |= {m.module_id for m in self.checker.weighted}
            else:
                out |= {m.id for m in self.instrument.modules}
        return out

    def search(
        self, targets: Sequence[Target], objective: Callable[[Any], Decimal], max_months: int | None = None
    ) -> Found:
        conditions = self.needed_conditions(targets)
        groups = self.groups_for(targets, conditions)
        if max_months is not None:
            groups = [g for g in ([m for m in ms if m.months <= max_months] for ms in groups) if g]
        return Search(self.checker, targets, groups, objective, conditions, self.budget).run()

    # --- one plan ---------------------------------------------------------------------------------------

    def plan(
        self,
        target: Target,
        objective: str = "effort",
        goals: Sequence[Goal] = (),
        programmes: Collection[str] | None = None,
    ) -> Plan:
        if objective not in OBJECTIVES:
            raise ValueError(f"unknown objective {objective!r}")
        targets: tuple[Target, ...] = (target,)
        before = levels_by_score(self.instrument, self.original, self.cluster, targets)
        problem = target_problem(self.instrument, target, self.cluster)
        if problem is not None:
            return self._empty(objective, targets, before, "invalid", ([problem[0]], [problem[1]]))
        met: tuple[str, ...] = ()
        if objective == "time":
            found = self._fastest(targets)
        elif objective == "programmes" and goals:
            found, met, targets = self._with_goals(target, goals, programmes)
        else:
            found = self.search(targets, _objective(objective, programmes))
        if found.moves is None:
            reasons = unreachable_reasons(self, targets)
            return self._empty(objective, targets, before, "unreachable", reasons, found)
        return self._finish(objective, targets, before, found, met)

    def _fastest(self, targets: Sequence[Target]) -> Found:
        """Least effort within the shortest horizon H that can reach the targets at all (every move of at
        most H months at its top, checked by the engine)."""
        conditions = self.needed_conditions(targets)
        groups = self.groups_for(targets, conditions)
        for months in sorted({m.months for g in groups for m in g}):
            allowed = [g for g in ([m for m in ms if m.months <= months] for ms in groups) if g]
            answers = dict(self.base)
            for g in allowed:
                item = self.instrument.item(g[-1].item_id)
                answers[item.id] = kind_of(item).raise_answer(
                    item, current_answer(answers, item.id), g[-1].answer
                )
            if self.checker.reached(targets, answers, {g[0].item_id for g in allowed}):
                return self.search(targets, _objective("effort", None), max_months=months)
        return self.search(targets, _objective("effort", None))

    def _with_goals(
        self, target: Target, goals: Sequence[Goal], programmes: Collection[str] | None
    ) -> tuple[Found, tuple[str, ...], tuple[Target, ...]]:
        objective = _objective("programmes", programmes)
        for size in range(len(goals), 0, -1):
            best: tuple[Found, tuple[Goal, ...]] | None = None
            for subset in combinations(goals, size):
                found = self.search((target, *(g.target for g in subset)), objective)
                if found.moves is not None and (best is None or found.cost < best[0].cost):
                    best = (found, subset)
            if best is not None:
                return best[0], tuple(g.program_id for g in best[1]), (target,)
        return self.search((target,), objective), (), (target,)

    def _finish(
        self,
        objective: str,
        targets: tuple[Target, ...],
        before: tuple[int, ...],
        found: Found,
        met: tuple[str, ...],
    ) -> Plan:
        moves = [*self.pinned_moves, *(found.moves or ())]
        steps, answers = build_steps(self, moves, targets)
        after = levels_by_score(self.instrument, answers, self.cluster, targets)
        status = "planned" if steps else "reached"
        return Plan(
            objective=objective,
            targets=targets,
            status=status,
            steps=steps,
            levels_before=before,
            levels_after=after,
            effort=sum((s.effort for s in steps), ZERO),
            cost_low=sum((s.cost_low for s in steps), ZERO),
            cost_high=sum((s.cost_high for s in steps), ZERO),
            months=max((s.months for s in steps), default=0),
            exact=found.exact,
            nodes=found.nodes,
            goals_met=met,
        )

    def _empty(  # noqa: PLR0913, PLR0917 — a plan without steps still says all of this
        self,
        objective: str,
        targets: tuple[Target, ...],
        before: tuple[int, ...],
        status: str,
        reasons: tuple[Sequence[str], Sequence[str]],
        found: Found | None = None,
    ) -> Plan:
        return Plan(
            objective=objective,
            targets=targets,
            status=status,
            steps=(),
            levels_before=before,
            levels_after=before,
            effort=ZERO,
            cost_low=ZERO,
            cost_high=ZERO,
            months=0,
            exact=found.exact if found else True,
            nodes=found.nodes if found else 0,
            reasons_zh=tuple(reasons[0]),
            reasons_en=tuple(reasons[1]),
        )


def plan_set(  # noqa: PLR0913 — the inputs of a plan
    instrument: Instrument,
    answers: Mapping[str, Any],
    target: Target,
    *,
    cluster: str | None = None,
    pins: Mapping[str, Any] | None = None,
    exclude: Collection[str] = (),
    prices: Mapping[str, PriceRange] | None = None,
    goals: Sequence[Goal] = (),
    programmes: Collection[str] | None = None,
    objectives: Sequence[str] = OBJECTIVES,
    budget: int = DEFAULT_BUDGET,
) -> PlanSet:
    """The plan toward *target* for every objective in *objectives* (see the module docstring)."""
    planner = Planner(instrument, answers, cluster, pins=pins, exclude=exclude, prices=prices, budget=budget)
    plans = {o: planner.plan(target, o, goals, programmes) for o in objectives}
    return PlanSet(target, plans, dict(planner.pins), planner.excluded)
