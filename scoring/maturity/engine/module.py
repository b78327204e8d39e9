"""One dimension (module): score, level, the checks that decided it, and the gaps to the next level."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from questionnaires import (
    Instrument,
    Item,
    Module,
    evaluate,
    is_answered,
    visible_items,
)
from questionnaires.answers import answer_value
from questionnaires.item_types import kind_of
from scoring.maturity.result import (
    GroupScore,
    ItemGap,
    ItemScore,
    LevelCheck,
    ModuleResult,
    NextLevel,
    OptionHint,
    q_points,
    q_score,
)

from .describe import describe_condition, unmet_requirements
from .points import HUNDRED, ZERO, hidden_ids, item_points


@dataclass(frozen=True)
class _ModuleCore:
    points: Decimal
    max_points: Decimal
    score: Decimal | None
    level: int
    checks: tuple[LevelCheck, ...]


def _core(  # noqa: PLR0913 — internal scoring core, arguments are keyword-only
    instrument: Instrument,
    module: Module,
    items: list[Item],
    answers: Mapping[str, Any],
    hidden: frozenset[str],
    *,
    describe: bool = True,
) -> _ModuleCore:
    scored = [i for i in items if i.scored]
    earned = sum((item_points(i, answer_value(answers.get(i.id))) for i in scored), ZERO)
    top = sum((i.max_points or ZERO for i in scored), ZERO)
    score = q_score(HUNDRED * earned / top) if top > 0 else None
    level = 0
    checks: list[LevelCheck] = []
    for lv in sorted(module.levels, key=lambda x: x.level):
        min_score = lv.min_score if lv.min_score is not None else ZERO
        score_met = (score if score is not None else ZERO) >= min_score
        req_met: bool | None = None
        zh = en = None
        if lv.requires is not None:
            req_met = evaluate(lv.requires, instrument, answers, hidden=hidden)
            if describe:
                zh, en = describe_condition(instrument, lv.requires)
        check = LevelCheck(lv.level, lv.name_zh, lv.name_en, min_score, score_met, zh, en, req_met)
        checks.append(check)
        if not check.met:
            break
        level = lv.level
    return _ModuleCore(
        q_points(earned), q_points(top), score, max(level, 1) if module.levels else 0, tuple(checks)
    )


def _item_gaps(items: list[Item], answers: Mapping[str, Any], points_short: Decimal) -> tuple[ItemGap, ...]:
    gaps: list[tuple[Decimal, int, ItemGap]] = []
    for pos, item in enumerate(items):
        if not item.scored:
            continue
        value = answer_value(answers.get(item.id))
        current = item_points(item, value)
        top = item.max_points or ZERO
        if current >= top:
            continue
        improvement = kind_of(item).improvement(item, value, current, points_short)
        hints = [
            OptionHint(o.id, o.text_zh, o.text_en, o.points or ZERO, gain) for o, gain in improvement.better
        ]
        needed = improvement.needed
        closes = top - current >= points_short > 0
        gap = ItemGap(
            item_id=item.id,
            text_zh=item.text_zh,
            text_en=item.text_en,
            current_answer=value,
            current_points=q_points(current),
            max_points=q_points(top),
            points_available=q_points(top - current),
            answer_needed=needed,
            closes_gap_alone=closes,
            better_options=tuple(hints),
        )
        gaps.append((-(top - current), pos, gap))
    gaps.sort(key=lambda t: (t[0], t[1]))
    return tuple(g for _, _, g in gaps)


def score_module(  # noqa: PLR0913, PLR0917 — public scoring API kept stable for callers
    instrument: Instrument,
    module: Module,
    visible: list[Item],
    answers: Mapping[str, Any],
    hidden: frozenset[str],
    share: Decimal,
) -> ModuleResult:
    items = [i for i in visible if i.module_id == module.id]
    core = _core(instrument, module, items, answers, hidden)
    levels = sorted(module.levels, key=lambda x: x.level)
    names = {lv.level: (lv.name_zh, lv.name_en) for lv in levels}
    next_level: NextLevel | None = None
    nxt = next((lv for lv in levels if lv.level == core.level + 1), None)
    if nxt is not None:
        min_score = nxt.min_score if nxt.min_score is not None else ZERO
        cur = core.score if core.score is not None else ZERO
        score_short = max(ZERO, min_score - cur)
        points_short = q_points(score_short * core.max_points / HUNDRED) if core.max_points > 0 else ZERO
        reqs = (
            tuple(unmet_requirements(instrument, nxt.requires, answers, hidden))
            if nxt.requires is not None
            else ()
        )
        next_level = NextLevel(
            level=nxt.level,
            name_zh=nxt.name_zh,
            name_en=nxt.name_en,
            min_score=min_score,
            score_short=q_score(score_short),
            points_short=points_short,
            requirements_missing=reqs,
            items=_item_gaps(items, answers, points_short),
        )
    group_rows: list[GroupScore] = []
    for g in module.groups:
        g_items = [i for i in items if i.group == g.id and i.scored]
        if not g_items:
            continue
        pts = sum((item_points(i, answer_value(answers.get(i.id))) for i in g_items), ZERO)
        top = sum((i.max_points or ZERO for i in g_items), ZERO)
        group_rows.append(GroupScore(g.id, g.title_zh, g.title_en, q_points(pts), q_points(top)))
    answered = [i for i in items if is_answered(answers.get(i.id))]
    unanswered = tuple(i.id for i in items if not is_answered(answers.get(i.id)))
    item_rows = tuple(
        ItemScore(
            item_id=i.id,
            group=i.group,
            type=i.type,
            answered=is_answered(answers.get(i.id)),
            answer=answer_value(answers.get(i.id)),
            points=q_points(item_points(i, answer_value(answers.get(i.id)))) if i.scored else None,
            max_points=q_points(i.max_points) if i.scored and i.max_points is not None else None,
        )
        for i in items
    )
    lname = names.get(core.level, ("", ""))
    return ModuleResult(
        module_id=module.id,
        title_zh=module.title_zh,
        title_en=module.title_en,
        weight=module.weight,
        share=share,
        points=core.points,
        max_points=core.max_points,
        score=core.score,
        level=core.level,
        level_name_zh=lname[0],
        level_name_en=lname[1],
        decided_by=core.checks,
        next_level=next_level,
        answered=len(answered),
        visible_items=len(items),
        unanswered=unanswered,
        groups=tuple(group_rows),
        items=item_rows,
    )


def module_score_and_level(
    instrument: Instrument, module: Module, answers: Mapping[str, Any], cluster: str | None
) -> tuple[Decimal | None, int]:
    """Score and level of one module only (fast path used by the roadmap to test what-if answers)."""
    visible = visible_items(instrument, answers, cluster)
    hidden = hidden_ids(instrument, visible)
    core = _core(
        instrument, module, [i for i in visible if i.module_id == module.id], answers, hidden, describe=False
    )
    return core.score, core.level
