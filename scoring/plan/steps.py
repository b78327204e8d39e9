"""A plan's moves as steps people read: one per item, in the order they can be done (shortest first)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from questionnaires.item_types import answer_text, kind_of
from scoring.maturity.engine import item_points

from .moves import Move, band_for, current_answer
from .result import Step
from .targets import Checker, Target

if TYPE_CHECKING:
    from .planner import Planner

ZERO = Decimal(0)


def _zh(zh: str | None, en: str | None) -> str:
    return zh or en or ""


def _en(zh: str | None, en: str | None) -> str:
    return en or zh or ""


def _basis(planner: Planner, moves: list[Move]) -> tuple[str, str]:
    first = moves[0]
    covering = [a for a in planner.covering.get(first.item_id, []) if a.id in first.actions]
    if first.basis == "catalogue" and covering:
        a = covering[0]
        return (
            f"实施难度与周期参照路线图措施“{a.title_zh}”",
            f"effort and horizon as for the roadmap measure “{a.title_en}”",
        )
    band = band_for(first.module_id)
    return f"平台估算：{band.reason_zh}", f"platform estimate: {band.reason_en}"


def build_steps(
    planner: Planner, moves: Sequence[Move], targets: Sequence[Target]
) -> tuple[tuple[Step, ...], dict[str, Any]]:
    """The steps, and the answers once every step is done."""
    instrument = planner.instrument
    by_item: dict[str, list[Move]] = {}
    for m in moves:
        by_item.setdefault(m.item_id, []).append(m)
    order = {item.id: n for n, item in enumerate(instrument.items)}
    items = sorted(by_item, key=lambda i: (max(m.months for m in by_item[i]), order[i]))
    checker = Checker(instrument, planner.original, planner.cluster)
    answers = dict(planner.original)
    changed: list[str] = []
    steps = []
    for iid in items:
        item = instrument.item(iid)
        kind = kind_of(item)
        before = current_answer(planner.original, iid)
        after = before
        for m in by_item[iid]:
            after = kind.raise_answer(item, after, m.answer)
        answers[iid] = after
        changed.append(iid)
        levels = tuple(checker.level(t, answers, changed) for t in targets)
        module = instrument.module(item.module_id)
        basis = _basis(planner, by_item[iid])
        group = by_item[iid]
        steps.append(
            Step(
                item_id=iid,
                module_id=item.module_id,
                module_zh=module.title_zh,
                module_en=module.title_en,
                text_zh=item.text_zh,
                text_en=item.text_en,
                current_answer=before,
                new_answer=after,
                current_zh=answer_text(item, before, _zh),
                current_en=answer_text(item, before, _en),
                new_zh=answer_text(item, after, _zh),
                new_en=answer_text(item, after, _en),
                points_gained=item_points(item, after) - item_points(item, before),
                effort=sum((m.effort for m in group), ZERO),
                cost_low=sum((m.cost_low for m in group), ZERO),
                cost_high=sum((m.cost_high for m in group), ZERO),
                cost_basis=group[0].cost_basis,
                months=max(m.months for m in group),
                basis_zh=basis[0],
                basis_en=basis[1],
                actions=group[0].actions,
                programs=group[0].programs,
                levels_after=levels,
                pinned=iid in planner.pins,
            )
        )
    return tuple(steps), answers
