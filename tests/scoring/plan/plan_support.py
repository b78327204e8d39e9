"""Generated assessments and a brute-force planner for the plan tests (the real scorer decides everything)."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from questionnaires import Instrument, load, visible_items
from questionnaires.item_types import kind_of
from scoring.plan import Planner, Target, levels_by_score
from scoring.plan.moves import Move


def instrument(key: str) -> Instrument:
    return load(*{"gd": ("gd-mfg-dt", "2025.2"), "miit": ("miit-sme-digital", "2024")}[key])


def generated(inst: Instrument, seed: int, cluster: str | None = None) -> dict[str, Any]:
    """Plausible random answers of a company of random maturity (only the items it would see)."""
    rng = random.Random(seed)
    maturity = rng.uniform(0.05, 0.7)
    answers = {i.id: kind_of(i).demo_answer(i, rng, maturity) for i in inst.items}
    shown = {i.id for i in visible_items(inst, answers, cluster)}
    return {k: v for k, v in answers.items() if k in shown and rng.random() < 0.95}


def applied(inst: Instrument, answers: Mapping[str, Any], steps: Sequence[Any]) -> dict[str, Any]:
    """The answers with every step's new answer."""
    out = dict(answers)
    for step in steps:
        out[step.item_id] = step.new_answer
    return out


def item_options(moves: Sequence[Move], multi: bool) -> list[tuple[Move, ...]]:
    """Every way to use one item's moves: none, one of them, or (multi) any subset of options."""
    if multi:
        return [c for n in range(len(moves) + 1) for c in itertools.combinations(moves, n)]
    return [(), *((m,) for m in moves)]


def brute_force(planner: Planner, targets: Sequence[Target], items: Sequence[str]) -> Decimal | None:
    """The least effort over every combination of moves on *items*, each combination scored from scratch by
    the real scorer (None: no combination reaches the targets)."""
    inst = planner.instrument
    per_item = []
    for iid in items:
        moves = planner.moves_of(iid, planner.base, [c for _, c in planner.needed_conditions(targets)])
        per_item.append(item_options(moves, inst.item(iid).type == "multi"))
    best: Decimal | None = None
    for combo in itertools.product(*per_item):
        moves = [m for part in combo for m in part]
        effort = sum((m.effort for m in moves), Decimal(0))
        if best is not None and effort >= best:
            continue
        answers = dict(planner.base)
        for m in moves:
            item = inst.item(m.item_id)
            answers[m.item_id] = kind_of(item).raise_answer(item, answers.get(m.item_id), m.answer)
        levels = levels_by_score(inst, answers, planner.cluster, targets)
        if all(lv >= t.level for lv, t in zip(levels, targets, strict=True)):
            best = effort
    return best


def topped(inst: Instrument, answers: Mapping[str, Any], keep_open: Sequence[str]) -> dict[str, Any]:
    """*answers* with every scored item but *keep_open* at its best answer: a small search space."""
    out = dict(answers)
    for item in inst.items:
        if item.id in keep_open or not (item.scored or kind_of(item).has_ladder):
            continue
        kind = kind_of(item)
        current = out.get(item.id)
        for answer in kind.raises(item, current):
            current = kind.raise_answer(item, current, answer)
        if current is not None:
            out[item.id] = current
    return out


def seeds(n: int, start: int = 0) -> Iterator[int]:
    return iter(range(start, start + n))
