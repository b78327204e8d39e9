"""Exact optimum over the "plain" items of maturity targets, by dynamic programming (used by search.py).

Once the search has decided every item a needed ``requires`` condition tests and every ``show_if`` gate (and
the items they show), the other items only add points to their dimension. For those, per dimension, the
Pareto frontier of (points gained, cost) is built item by item (a multi-choice item's options first combine
under its cap); then one frontier entry per dimension is chosen so that every dimension reaches the level the
target needs and the weighted overall score its threshold, at least total cost (a frontier merge over the
dimensions). The scores are the engine's: 100 × earned ÷ maximum of the visible items, rounded to 0.01 half
up, and the level rule of the dimension with its ``requires`` (fixed by then). The search then confirms the
whole plan with the engine before it keeps it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from questionnaires import Instrument, evaluate
from questionnaires.answers import answer_value
from questionnaires.model import Module
from scoring.maturity.engine import OVERALL_MAX_LAG, OVERALL_MIN_SCORE, item_points

from .moves import Move
from .targets import Checker, Target

ZERO = Decimal(0)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
INF = Decimal("Infinity")

Entry = tuple[Decimal, Decimal, tuple[Move, ...]]  # (points gained, cost, moves)


def _pareto(entries: list[Entry]) -> list[Entry]:
    """The entries no other beats on both points (more) and cost (less), by points ascending."""
    best: dict[Decimal, Entry] = {}
    for e in entries:
        if e[0] not in best or e[1] < best[e[0]][1]:
            best[e[0]] = e
    out: list[Entry] = []
    for e in sorted(best.values(), key=lambda e: (-e[0], e[1])):
        if not out or e[1] < out[-1][1]:
            out.append(e)
    return out[::-1]


def item_frontier(
    instrument: Instrument,
    groups: Sequence[Sequence[Move]],
    cost: Mapping[int, Sequence[Decimal]],
    gids: list[int],
    current: Any,
) -> list[Entry]:
    """One item's choices (its groups: one for a single item, one per option for a multi item)."""
    entries: list[Entry] = [(ZERO, ZERO, ())]
    for g in gids:
        entries = _pareto(
            entries
            + [
                (p + m.points, c + mc, (*ms, m))
                for p, c, ms in entries
                for m, mc in zip(groups[g], cost[g], strict=True)
            ]
        )
    item = instrument.item(groups[gids[0]][0].item_id)
    if item.type == "multi" and item.max_points is not None:
        room = item.max_points - item_points(item, current)
        entries = _pareto([(min(p, room), c, ms) for p, c, ms in entries])
    return entries


def module_frontier(items: list[list[Entry]]) -> list[Entry]:
    out: list[Entry] = [(ZERO, ZERO, ())]
    for entries in items:
        out = _pareto([(p + q, c + d, ms + ns) for p, c, ms in out for q, d, ns in entries])
    return out


def _q(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


class PlainSolver:
    """Frontiers of the plain groups per dimension, built once per search."""

    def __init__(
        self,
        checker: Checker,
        groups: Sequence[Sequence[Move]],
        cost: Mapping[int, Sequence[Decimal]],
        plain: Sequence[int],
    ) -> None:
        self.checker = checker
        instrument = checker.instrument
        by_item: dict[str, list[int]] = {}
        for g in plain:
            by_item.setdefault(groups[g][0].item_id, []).append(g)
        per_module: dict[str, list[list[Entry]]] = {}
        for iid, gids in by_item.items():
            frontier = item_frontier(instrument, groups, cost, gids, answer_value(checker.answers.get(iid)))
            per_module.setdefault(instrument.item(iid).module_id, []).append(frontier)
        self.frontiers = {mid: module_frontier(items) for mid, items in per_module.items()}
        self.plain_items = set(by_item)

    def _earned(
        self, module: Module, state: Mapping[str, Any], hidden: frozenset[str]
    ) -> tuple[Decimal, Decimal]:
        earned = top = ZERO
        for item in module.items:
            if item.scored and item.id not in hidden:
                earned += item_points(item, answer_value(state.get(item.id)))
                top += item.max_points or ZERO
        return earned, top

    def _level(self, module: Module, score: Decimal, holds: Mapping[int, bool]) -> int:
        level = 0
        for lv in sorted(module.levels, key=lambda x: x.level):
            need = lv.min_score if lv.min_score is not None else ZERO
            if score < need or not holds[lv.level]:
                break
            level = lv.level
        return max(level, 1) if module.levels else 0

    def options(
        self, mid: str, state: Mapping[str, Any], hidden: frozenset[str]
    ) -> list[tuple[Decimal, int, Decimal, tuple[Move, ...]]]:
        """(score, level, cost, moves) of each frontier entry of dimension *mid* in this state."""
        module = self.checker.instrument.module(mid)
        earned, top = self._earned(module, state, hidden)
        instrument = self.checker.instrument
        holds = {  # the requires test only items decided by now: one answer per level
            lv.level: lv.requires is None or evaluate(lv.requires, instrument, state, hidden=hidden)
            for lv in module.levels
        }
        out = []
        for p, c, ms in self.frontiers.get(mid, [(ZERO, ZERO, ())]):
            score = _q(HUNDRED * (earned + p) / top) if top > 0 else ZERO
            out.append((score, self._level(module, score, holds), c, ms))
        return out

    def solve(
        self,
        targets: Sequence[Target],
        state: Mapping[str, Any],
        hidden: frozenset[str],
        limit: Decimal = INF,
    ) -> tuple[Decimal, tuple[Move, ...]] | None:
        """Least-cost plain moves that reach *targets* from *state*, if any costs less than *limit*."""
        need, overall = _levels_needed(targets, [m.module_id for m in self.checker.weighted])
        weighted = [m.module_id for m in self.checker.weighted]
        mids = weighted if overall else list(need)
        weights = {m.module_id: m.weight for m in self.checker.weighted}
        total_weight = sum(weights.values(), ZERO)
        threshold = (OVERALL_MIN_SCORE[overall] - Decimal("0.005")) * total_weight if overall else ZERO
        choices = []
        for mid in mids:
            opts = [o for o in self.options(mid, state, hidden) if o[1] >= need.get(mid, 0) and o[2] < limit]
            if not opts:
                return None
            choices.append((weights.get(mid, ZERO) if overall else ZERO, opts))
        # the least each later dimension still costs, to drop partial sums that cannot stay under the limit
        rest = [ZERO] * (len(choices) + 1)
        for n in range(len(choices) - 1, -1, -1):
            rest[n] = rest[n + 1] + min(o[2] for o in choices[n][1])
        front: list[tuple[Decimal, Decimal, tuple[Move, ...]]] = [
            (ZERO, ZERO, ())
        ]  # (Σ w·score, cost, moves)
        for n, (w, opts) in enumerate(choices):
            merged = [
                (s + w * o[0], c + o[2], ms + o[3])
                for s, c, ms in front
                for o in opts
                if c + o[2] + rest[n + 1] < limit
            ]
            front = _cap_pareto(merged, threshold)
        fits = [f for f in front if f[0] >= threshold]
        if not fits:
            return None
        best = min(fits, key=lambda f: f[1])
        return best[1], best[2]


def _levels_needed(targets: Sequence[Target], weighted: list[str]) -> tuple[dict[str, int], int]:
    """The level each dimension must reach, and the overall level (0: none)."""
    need: dict[str, int] = {}
    overall = 0
    for t in targets:
        if t.kind == "dimension":
            need[str(t.module)] = max(need.get(str(t.module), 0), t.level)
        elif t.kind == "overall":
            overall = max(overall, t.level)
    if overall:
        for mid in weighted:
            need[mid] = max(need.get(mid, 0), max(1, overall - OVERALL_MAX_LAG))
    return need, overall


def _cap_pareto(
    entries: list[tuple[Decimal, Decimal, tuple[Move, ...]]], cap: Decimal
) -> list[tuple[Decimal, Decimal, tuple[Move, ...]]]:
    """Pareto frontier on (weighted score, cost), scores above *cap* counted as *cap* (they all pass)."""
    capped = [(min(s, cap) if cap > 0 else ZERO, c, ms) for s, c, ms in entries]
    return [(e[0], e[1], e[2]) for e in _pareto(capped)]
