"""Lower bound on the cost of making the ``requires`` conditions a target needs hold (for search.py).

A leaf ``{item: X, in: [...]}`` costs nothing when it holds with the answers so far, else the cheapest
undecided move of X that makes it hold (infinite when none is left). ``any_of`` takes its cheapest part,
``at_least k`` its k cheapest, ``all_of`` the sum — when the parts share no move; otherwise the largest, which
stays below the true cost. ``not`` costs nothing. Hidden items are ignored, which only lowers the bound.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from questionnaires import Instrument, evaluate
from questionnaires.answers import answer_value
from questionnaires.item_types import kind_of
from questionnaires.model import AllOf, AnyOf, AtLeast, Condition, ItemCondition, condition_items

from .moves import Move

INF = Decimal("Infinity")
ZERO = Decimal(0)


class ConditionBound:
    def __init__(
        self,
        instrument: Instrument,
        conditions: Sequence[tuple[str, Condition]],
        groups: Sequence[Sequence[Move]],
        cost: Mapping[int, Sequence[Decimal]],
        base: Mapping[str, Any],
    ) -> None:
        self.instrument = instrument
        self.conditions = list(conditions)  # (module id, condition)
        self._disjoint_cache: dict[int, bool] = {}
        self.by_item: dict[str, list[int]] = {}
        for g, moves in enumerate(groups):
            self.by_item.setdefault(moves[0].item_id, []).append(g)
        # leaf id → [(group, cost of its cheapest move that makes the leaf hold)]
        self.leaf_moves: dict[int, list[tuple[int, Decimal]]] = {}
        for _, cond in self.conditions:
            for leaf in condition_items(cond):
                self.leaf_moves[id(leaf)] = self._moves_for(leaf, groups, cost, base)

    def _moves_for(
        self,
        leaf: ItemCondition,
        groups: Sequence[Sequence[Move]],
        cost: Mapping[int, Sequence[Decimal]],
        base: Mapping[str, Any],
    ) -> list[tuple[int, Decimal]]:
        out: list[tuple[int, Decimal]] = []
        if not self.instrument.has_item(leaf.item):
            return out
        item = self.instrument.item(leaf.item)
        current = answer_value(base.get(leaf.item))
        for g in self.by_item.get(leaf.item, []):
            costs = [
                c
                for m, c in zip(groups[g], cost[g], strict=True)
                if evaluate(
                    leaf, self.instrument, {leaf.item: kind_of(item).raise_answer(item, current, m.answer)}
                )
            ]
            if costs:
                out.append((g, min(costs)))
        return out

    def bound(self, depth: int, state: Mapping[str, Any]) -> Decimal:
        per_module: dict[str, Decimal] = {}
        for module, cond in self.conditions:
            value = self._cost(cond, depth, state)
            if value == INF:
                return INF
            per_module[module] = max(per_module.get(module, ZERO), value)
        return sum(per_module.values(), ZERO)

    def _cost(self, cond: Condition, depth: int, state: Mapping[str, Any]) -> Decimal:
        if isinstance(cond, ItemCondition):
            if evaluate(cond, self.instrument, state):
                return ZERO
            return min((c for g, c in self.leaf_moves[id(cond)] if g >= depth), default=INF)
        if isinstance(cond, AnyOf):
            return min((self._cost(c, depth, state) for c in cond.conditions), default=ZERO)
        if isinstance(cond, AllOf | AtLeast):
            parts = sorted(self._cost(c, depth, state) for c in cond.conditions)
            if isinstance(cond, AtLeast):
                parts = parts[: cond.count] if len(parts) >= cond.count else [INF]
            if not parts:
                return ZERO
            return sum(parts, ZERO) if self._disjoint(cond) else parts[-1]
        return ZERO  # not: raising answers is not how a "not" is met; no bound

    def _disjoint(self, cond: AllOf | AtLeast) -> bool:
        key = id(cond)
        if key not in self._disjoint_cache:
            self._disjoint_cache[key] = self._parts_disjoint(cond)
        return self._disjoint_cache[key]

    def _parts_disjoint(self, cond: AllOf | AtLeast) -> bool:
        seen: set[int] = set()
        for part in cond.conditions:
            groups = {g for leaf in condition_items(part) for g, _ in self.leaf_moves.get(id(leaf), [])}
            if groups & seen:
                return False
            seen |= groups
        return True
