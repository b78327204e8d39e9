"""Branch-and-bound over item moves: the set of moves of least total cost whose answers reach every target.

Groups are decided one after the other: a group is one item's mutually exclusive moves (a better option, a
higher level …) or one option of a multi-choice item. At each node the search

1. stops when the cost so far plus the lower bound of bounds.py is no better than the best plan found;
2. asks the engine (targets.Checker) whether the answers reach the targets once the bound says nothing is
   missing — a plan is only ever recorded on the engine's word; it does not go deeper (every move costs);
3. stops when a ``requires`` condition a target needs tests only decided items and does not hold;
4. otherwise tries each move of the next group, then leaving it.

Items named in such conditions and ``show_if`` gates come first, then the others by gain per cost, so that
conditions close early. A greedy plan (every move at its top, then each dropped or lowered while the targets
still hold) is the first incumbent. Beyond *budget* nodes the best plan so far is returned, marked not exact.
Exactness assumes raising an answer never lowers a level (true of both shipped instruments; the brute-force
tests check it).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal
from typing import Any

from questionnaires import evaluate
from questionnaires.item_types import kind_of
from questionnaires.model import Condition, condition_items

from .bounds import INF, ZERO, CountNeed, PointNeed, needs_for, overall_bound, scenario_bound
from .conditions import ConditionBound
from .moves import Move
from .plain import PlainSolver
from .targets import Checker, Target

DEFAULT_BUDGET = 20_000
TIE = Decimal("0.001")


@dataclass(frozen=True)
class Found:
    moves: tuple[Move, ...] | None  # None: unreachable with the moves allowed
    cost: Decimal
    exact: bool
    nodes: int


@dataclass
class _Need:
    kind: str
    points: list[PointNeed]
    counts: list[CountNeed]


class Search:
    def __init__(  # noqa: PLR0913, PLR0917 — the problem is all of these
        self,
        checker: Checker,
        targets: Sequence[Target],
        groups: Sequence[Sequence[Move]],
        objective: Callable[[Move], Decimal],
        conditions: Sequence[tuple[str, Condition]],
        budget: int = DEFAULT_BUDGET,
    ) -> None:
        self.checker, self.targets, self.budget = checker, tuple(targets), budget
        self.instrument = checker.instrument
        self.needs = [_Need(t.kind, *needs_for(self.instrument, checker, t)) for t in self.targets]
        conds = [c for _, c in conditions]
        self.groups = _order(list(groups), conds, checker, objective, self.needs)
        self.n_special = len(self.groups)
        if all(t.kind != "miit" for t in self.targets):  # maturity targets: plain items by DP (plain.py)
            special = _special_items(checker, conds)
            first = [g for g in self.groups if g[0].item_id in special]
            self.n_special = len(first)
            self.groups = first + [g for g in self.groups if g[0].item_id not in special]
        self.cost = {g: [objective(m) for m in moves] for g, moves in enumerate(self.groups)}
        for need in self.needs:
            for p in need.points:
                p.prepare(self.groups, self.cost)
        self.plain = (
            PlainSolver(checker, self.groups, self.cost, range(self.n_special, len(self.groups)))
            if self.n_special < len(self.groups)
            else None
        )
        self.quantum = _quantum([c for costs in self.cost.values() for c in costs])
        self.closing = _closing(self.groups, conds)
        self.cond_items = {leaf.item for c in conds for leaf in condition_items(c)}
        self.cond_bound = ConditionBound(self.instrument, conditions, self.groups, self.cost, checker.answers)
        self.state: dict[str, Any] = dict(checker.answers)
        self.changed: Counter[str] = Counter()
        self.gained = {id(p): ZERO for n in self.needs for p in n.points}
        self.chosen: list[Move] = []
        self.best: tuple[Move, ...] | None = None
        self.best_cost = INF
        self.nodes = 0

    # --- state -------------------------------------------------------------------------------------------

    def _apply(self, move: Move) -> Any:
        item = self.instrument.item(move.item_id)
        before = self.state.get(move.item_id)
        self.state[move.item_id] = kind_of(item).raise_answer(item, _value(before), move.answer)
        self.changed[move.item_id] += 1
        for need in self.needs:
            for p in need.points:
                self.gained[id(p)] += move.points * p.weights.get(move.item_id, ZERO)
        self.chosen.append(move)
        return before

    def _undo(self, move: Move, before: Any) -> None:
        self.state[move.item_id] = before
        self.changed[move.item_id] -= 1
        if not self.changed[move.item_id]:
            del self.changed[move.item_id]
        for need in self.needs:
            for p in need.points:
                self.gained[id(p)] -= move.points * p.weights.get(move.item_id, ZERO)
        self.chosen.pop()

    def reached(self) -> bool:
        return self.checker.reached(self.targets, self.state, tuple(self.changed))

    # --- bound -------------------------------------------------------------------------------------------

    def bound(self, depth: int) -> Decimal:
        total = self.cond_bound.bound(depth, self.state)
        for need in self.needs:
            if need.kind == "overall":
                lb = overall_bound(need.points[:-1], need.points[-1], depth, self.gained)
            else:
                pts = [p.bound(depth, self.gained[id(p)]) for p in need.points]
                counts = [scenario_bound(c, depth, self.state, self.groups, self.cost) for c in need.counts]
                lb = sum(pts, ZERO) + max(counts, default=ZERO)
            if lb == INF:
                return INF
            total = max(total, lb)
        return total

    def _closed_fails(self, depth: int) -> bool:
        conds = self.closing.get(depth, ())
        if not conds:
            return False
        hidden = self.checker.what_if.hidden_after(self.state, tuple(self.changed))
        return any(not evaluate(c, self.instrument, self.state, hidden=hidden) for c in conds)

    # --- search ------------------------------------------------------------------------------------------

    def run(self) -> Found:
        if self.reached():
            return Found((), ZERO, True, 0)
        self._greedy()
        if self.best is None:
            return Found(None, INF, True, self.nodes)
        self._dfs(0, ZERO)
        return Found(self.best, self.best_cost, self.nodes <= self.budget, self.nodes)

    def _dfs(self, depth: int, cost: Decimal) -> None:  # noqa: C901 — the numbered steps of the docstring
        self.nodes += 1
        if self.nodes > self.budget:
            return
        if self._closed_fails(depth):
            return
        lb = self.bound(depth)
        if lb > 0 and lb != INF and self.quantum:  # costs come in whole quanta: so does what is missing
            lb = (lb / self.quantum).to_integral_value(rounding=ROUND_CEILING) * self.quantum
        if cost + lb >= self.best_cost:
            return
        if lb == 0 and self.reached():
            self.best, self.best_cost = tuple(self.chosen), cost
            return
        if depth == self.n_special and self.plain is not None:
            self._solve_plain(cost)
            return
        if depth == len(self.groups):
            return
        keep_first = self.plain is not None  # leaving a gate or condition item as it is, then the DP: a
        if keep_first:  # good plan early, which prunes the rest
            self._dfs(depth + 1, cost)
        for move, c in zip(self.groups[depth], self.cost[depth], strict=True):
            before = self._apply(move)
            self._dfs(depth + 1, cost + c)
            self._undo(move, before)
        if not keep_first:
            self._dfs(depth + 1, cost)

    def _solve_plain(self, cost: Decimal) -> None:
        assert self.plain is not None
        hidden = self.checker.what_if.hidden_after(self.state, tuple(self.changed))
        found = self.plain.solve(self.targets, self.state, hidden, self.best_cost - cost)
        if found is None or cost + found[0] >= self.best_cost:
            return
        undo = [(m, self._apply(m)) for m in found[1]]
        if self.reached():  # the engine has the last word
            self.best, self.best_cost = tuple(self.chosen), cost + found[0]
        for move, before in reversed(undo):
            self._undo(move, before)

    def _greedy(self) -> None:
        """A first plan: every group at its top must reach the targets (else ``best`` stays None); then,
        from the base answers, moves are added in order of what they bring per unit of cost (the share of
        each missing amount they cover, a little more for items a needed condition tests) until the engine
        says the targets are reached, and any move the targets do not need is dropped again."""
        if not self._holds([len(moves) - 1 for moves in self.groups]):
            return
        picks: list[int | None] = [None] * len(self.groups)
        for g, p in self._greedy_order():
            if picks[g] is not None and int(picks[g] or 0) >= p:
                continue
            picks[g] = p
            if self._holds(picks):
                break
        for g in range(len(self.groups)):
            if picks[g] is not None:
                trial = list(picks)
                trial[g] = None
                if self._holds(trial):
                    picks = trial
        self.best = tuple(self.groups[g][p] for g, p in enumerate(picks) if p is not None)
        self.best_cost = sum((self.cost[g][p] for g, p in enumerate(picks) if p is not None), ZERO)

    def _greedy_order(self) -> list[tuple[int, int]]:
        shortfalls = [(p, p.deficit) for n in self.needs for p in n.points if p.deficit > 0]
        rows = []
        for g, moves in enumerate(self.groups):
            for p, move in enumerate(moves):
                share = sum(
                    (
                        move.points * need.weights.get(move.item_id, ZERO) / short
                        for need, short in shortfalls
                    ),
                    ZERO,
                )
                if move.item_id in self.cond_items:
                    share += TIE
                for count in (c for n in self.needs for c in n.counts):
                    if move.item_id in count.constraint and _reaches(move, count.level):
                        share += Decimal(1) / max(1, count.need_all)
                        if count.constraint[move.item_id]:
                            share += Decimal(1) / max(1, count.need_constraint)
                cost = self.cost[g][p]
                rows.append((share / cost if cost > 0 else INF, g, p))
        rows.sort(key=lambda r: (-r[0], r[1], r[2]))
        return [(g, p) for _, g, p in rows]

    def _holds(self, picks: list[int | None]) -> bool:
        undo = []
        for g, p in enumerate(picks):
            if p is not None:
                move = self.groups[g][p]
                undo.append((move, self._apply(move)))
        ok = self.reached()
        for move, before in reversed(undo):
            self._undo(move, before)
        return ok


def _reaches(move: Move, level: int) -> bool:
    return isinstance(move.answer, int) and not isinstance(move.answer, bool) and move.answer >= level


def _special_items(checker: Checker, conditions: Sequence[Condition]) -> set[str]:
    """Items the search decides one by one: those a needed condition tests, the items hidden now and the
    ``show_if`` gates that could show them (raising answers only ever shows items, so an item shown now stays
    shown and a gate whose items all show already changes no visibility)."""
    instrument = checker.instrument
    hidden = [i for i in instrument.items if i.show_if is not None and i.id in checker.seen.hidden]
    out = {leaf.item for c in conditions for leaf in condition_items(c)}
    for item in hidden:
        out.add(item.id)
        out |= {leaf.item for leaf in condition_items(item.show_if)} if item.show_if is not None else set()
    return out


def _quantum(costs: list[Decimal]) -> Decimal | None:
    """The largest of 1, 0.5, 0.1, 0.01 that divides every cost (None: none does)."""
    for q in (Decimal(1), Decimal("0.5"), Decimal("0.1"), Decimal("0.01")):
        if all((c / q) == (c / q).to_integral_value() for c in costs):
            return q
    return None


def _value(raw: Any) -> Any:
    from questionnaires.answers import answer_value

    return answer_value(raw)


def _order(
    groups: list[Sequence[Move]],
    conditions: Sequence[Condition],
    checker: Checker,
    objective: Callable[[Move], Decimal],
    needs: list[_Need],
) -> list[Sequence[Move]]:
    first: list[str] = []
    for cond in conditions:
        first.extend(leaf.item for leaf in condition_items(cond) if leaf.item not in first)
    first.extend(sorted(checker.gates - set(first)))
    rank = {iid: n for n, iid in enumerate(first)}

    def usefulness(moves: Sequence[Move]) -> Decimal:
        best = ZERO
        for need in needs:
            for p in need.points:
                w = p.weights.get(moves[0].item_id, ZERO)
                for m in moves:
                    c = objective(m)
                    best = max(best, m.points * w / c if c > 0 else INF)
        return best

    return sorted(
        groups,
        key=lambda ms: (rank.get(ms[0].item_id, len(rank)), -usefulness(ms), ms[0].item_id),
    )


def _closing(groups: Sequence[Sequence[Move]], conditions: Sequence[Condition]) -> dict[int, list[Condition]]:
    """depth → the conditions whose items are all decided once the search reaches that depth."""
    where: dict[str, int] = {}
    for g, moves in enumerate(groups):
        where[moves[0].item_id] = g
    out: dict[int, list[Condition]] = {}
    for cond in conditions:
        last = max((where.get(leaf.item, -1) for leaf in condition_items(cond)), default=-1)
        out.setdefault(last + 1, []).append(cond)
    return out
