"""Dimension (module) scores, levels and next-level gaps — method ``dx-maturity-v1`` (SCHEMA.md).

1. Item points: single = chosen option's points; multi = sum of ticked options capped at ``max_points``;
   boolean = ``points_true`` when true; other types carry no points. Unanswered visible items score 0.
2. Module score = 100 × earned / max over the *visible* scored items (cluster and ``show_if``), rounded
   to 0.01 (ROUND_HALF_UP). The rounded score is the one compared with ``min_score``.
3. Module level = highest L such that every level ℓ ≤ L has score ≥ min_score(ℓ) and its ``requires`` holds.
4. Overall score = Σ weight × module score / Σ weight over the company's dimensions with points (weight > 0).
   Overall level: see :data:`OVERALL_LEVEL_RULE`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from questionnaires import (
    AllOf,
    AnyOf,
    AtLeast,
    Condition,
    Instrument,
    Item,
    ItemCondition,
    Module,
    Not,
    evaluate,
    is_answered,
    module_visible,
    visible_items,
)
from questionnaires.answers import answer_value

from .result import (
    GroupScore,
    ItemGap,
    ItemScore,
    LevelCheck,
    ModuleResult,
    NextLevel,
    OptionHint,
    OverallCheck,
    OverallResult,
    RequirementGap,
    q_points,
    q_score,
    q_share,
)

ZERO = Decimal(0)
HUNDRED = Decimal(100)

# Overall level (our rule, documented in docs/methodology.md §3): level L needs
#   overall score ≥ OVERALL_MIN_SCORE[L]  AND  every weighted dimension at level ≥ L − 1
# (no dimension more than one level behind; GB/T 39117 rates a level only when all domains meet it).
OVERALL_MIN_SCORE: dict[int, Decimal] = {
    1: ZERO,
    2: Decimal(20),
    3: Decimal(40),
    4: Decimal(60),
    5: Decimal(80),
}
OVERALL_MAX_LAG = 1
OVERALL_LEVEL_RULE = (
    "总体等级L：加权总分≥{0,20,40,60,80}[L]，且每个计分维度的等级≥L−1",
    "overall level L: weighted score ≥ {0,20,40,60,80}[L] and every weighted dimension at level ≥ L−1",
)
LEVEL_NAMES: dict[int, tuple[str, str, str, str]] = {
    # level: (our name zh, en, GB/T 39116-2020 level zh, en)
    1: ("起步", "Starting", "一级 规划级", "Level 1 Planning"),
    2: ("单点应用", "Single applications", "二级 规范级", "Level 2 Standardised"),
    3: ("集成提升", "Integrated", "三级 集成级", "Level 3 Integrated"),
    4: ("数据驱动优化", "Data-driven optimisation", "四级 优化级", "Level 4 Optimising"),
    5: ("创新引领", "Leading", "五级 引领级", "Level 5 Leading"),
}


# ----------------------------------------------------------------------------------------------------
# Item points
# ----------------------------------------------------------------------------------------------------


def item_points(item: Item, value: Any) -> Decimal:
    """Points of one (normalized) answer; 0 for unanswered or unscored items."""
    if not item.scored or value is None:
        return ZERO
    if item.type == "single":
        opt = item.option(value) if isinstance(value, str) else None
        return opt.points if opt is not None and opt.points is not None else ZERO
    if item.type == "multi":
        ticked = set(value) if isinstance(value, list | tuple) else {value}
        total = sum((o.points or ZERO for o in item.options if o.id in ticked), ZERO)
        return min(total, item.max_points or ZERO)
    if item.type == "boolean":
        return (item.points_true or ZERO) if value is True else ZERO
    return ZERO


def hidden_ids(instrument: Instrument, visible: Iterable[Item]) -> frozenset[str]:
    shown = {i.id for i in visible}
    return frozenset(i.id for i in instrument.items if i.id not in shown)


# ----------------------------------------------------------------------------------------------------
# Describing conditions
# ----------------------------------------------------------------------------------------------------


def _operands(cond: ItemCondition) -> tuple[Any, ...]:
    return cond.operand if isinstance(cond.operand, tuple) else (cond.operand,)


def _option_label(item: Item | None, value: Any, lang: str) -> str:
    if item is not None and isinstance(value, str):
        opt = item.option(value)
        if opt is not None:
            return f"{opt.id}（{opt.text_zh}）" if lang == "zh" else f"{opt.id} ({opt.text_en})"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def describe_leaf(instrument: Instrument, cond: ItemCondition) -> tuple[str, str]:
    item = instrument.item(cond.item) if instrument.has_item(cond.item) else None
    ops = _operands(cond)
    zh_vals = "、".join(_option_label(item, v, "zh") for v in ops)
    en_vals = ", ".join(_option_label(item, v, "en") for v in ops)
    scenario = item is not None and item.type == "scenario_level"
    if cond.op == "in":
        verb = (
            ("勾选其中任一", "tick any of")
            if item is not None and item.type == "multi"
            else ("选择", "choose")
        )
        return f"{verb[0]}：{zh_vals}", f"{verb[1]}: {en_vals}"
    if cond.op == "not_in":
        return f"不选：{zh_vals}", f"not: {en_vals}"
    if cond.op == "equals":
        return f"等于：{zh_vals}", f"equal to: {en_vals}"
    if cond.op == "answered":
        return ("已作答", "answered") if cond.operand else ("未作答", "not answered")
    symbol = {"gte": "≥", "gt": ">", "lte": "≤", "lt": "<"}[cond.op]
    if scenario:
        return (
            f"达到 L{zh_vals} 及以上" if cond.op == "gte" else f"{symbol} L{zh_vals}",
            f"level {symbol} L{en_vals}",
        )
    return f"{symbol} {zh_vals}", f"{symbol} {en_vals}"


def describe_condition(instrument: Instrument, cond: Condition) -> tuple[str, str]:
    if isinstance(cond, ItemCondition):
        zh, en = describe_leaf(instrument, cond)
        return f"[{cond.item}] {zh}", f"[{cond.item}] {en}"
    if isinstance(cond, Not):
        zh, en = describe_condition(instrument, cond.condition)
        return f"并非（{zh}）", f"not ({en})"
    parts = [describe_condition(instrument, c) for c in cond.conditions]
    if isinstance(cond, AllOf):
        return "；且 ".join(p[0] for p in parts), " AND ".join(p[1] for p in parts)
    if isinstance(cond, AnyOf):
        return "以下任一：" + "；".join(p[0] for p in parts), "any of: " + "; ".join(p[1] for p in parts)
    assert isinstance(cond, AtLeast)
    return (
        f"以下至少 {cond.count} 项：" + "；".join(p[0] for p in parts),
        f"at least {cond.count} of: " + "; ".join(p[1] for p in parts),
    )


def _leaves(cond: Condition) -> Iterable[ItemCondition]:
    if isinstance(cond, ItemCondition):
        yield cond
    elif isinstance(cond, Not):
        yield from _leaves(cond.condition)
    else:
        for c in cond.conditions:
            yield from _leaves(c)


def unmet_requirements(
    instrument: Instrument,
    cond: Condition,
    answers: Mapping[str, Any],
    hidden: frozenset[str],
    context: tuple[str, str] | None = None,
) -> list[RequirementGap]:
    """The unmet leaf tests of *cond* (empty when it holds), each with what would satisfy it."""
    if evaluate(cond, instrument, answers, hidden=hidden):
        return []
    if isinstance(cond, ItemCondition):
        item = instrument.item(cond.item) if instrument.has_item(cond.item) else None
        zh, en = describe_leaf(instrument, cond)
        current = None if cond.item in hidden else answer_value(answers.get(cond.item))
        return [
            RequirementGap(
                item_id=cond.item,
                text_zh=item.text_zh if item else cond.item,
                text_en=item.text_en if item else cond.item,
                current_answer=current,
                needed_zh=zh,
                needed_en=en,
                context_zh=context[0] if context else None,
                context_en=context[1] if context else None,
            )
        ]
    if isinstance(cond, Not):
        zh, en = describe_condition(instrument, cond)
        out = []
        for leaf in _leaves(cond.condition):
            item = instrument.item(leaf.item) if instrument.has_item(leaf.item) else None
            out.append(
                RequirementGap(
                    leaf.item,
                    item.text_zh if item else leaf.item,
                    item.text_en if item else leaf.item,
                    answer_value(answers.get(leaf.item)),
                    zh,
                    en,
                    context[0] if context else None,
                    context[1] if context else None,
                )
            )
        return out
    if isinstance(cond, AllOf):
        gaps: list[RequirementGap] = []
        for c in cond.conditions:
            gaps.extend(unmet_requirements(instrument, c, answers, hidden, context))
        return gaps
    met = sum(1 for c in cond.conditions if evaluate(c, instrument, answers, hidden=hidden))
    if isinstance(cond, AnyOf):
        ctx = ("以下任一即可", "any one of these")
    else:
        assert isinstance(cond, AtLeast)
        ctx = (
            f"以下至少满足 {cond.count} 项（已满足 {met} 项）",
            f"at least {cond.count} of these (now {met})",
        )
    gaps = []
    for c in cond.conditions:
        gaps.extend(unmet_requirements(instrument, c, answers, hidden, ctx))
    return gaps


# ----------------------------------------------------------------------------------------------------
# One module
# ----------------------------------------------------------------------------------------------------


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
        hints: list[OptionHint] = []
        needed: tuple[str, ...] = ()
        closes = top - current >= points_short > 0
        if item.type == "single":
            better = sorted(
                (o for o in item.options if (o.points or ZERO) > current),
                key=lambda o: (o.points or ZERO, o.id),
            )
            hints = [
                OptionHint(o.id, o.text_zh, o.text_en, o.points or ZERO, (o.points or ZERO) - current)
                for o in better
            ]
            enough = [o for o in better if (o.points or ZERO) - current >= points_short > 0]
            needed = (enough[0].id,) if enough else ((better[-1].id,) if better else ())
        elif item.type == "multi":
            ticked = set(value) if isinstance(value, list | tuple) else set()
            cands = sorted(
                (
                    o
                    for o in item.options
                    if o.id not in ticked and not o.exclusive and (o.points or ZERO) > 0
                ),
                key=lambda o: (-(o.points or ZERO), o.id),
            )
            hints = [
                OptionHint(o.id, o.text_zh, o.text_en, o.points or ZERO, o.points or ZERO) for o in cands
            ]
            acc = ZERO
            chosen: list[str] = []
            for o in cands:
                if points_short > 0 and acc >= points_short:
                    break
                chosen.append(o.id)
                acc += o.points or ZERO
            needed = tuple(chosen)
        elif item.type == "boolean":
            needed = ("true",)
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


# ----------------------------------------------------------------------------------------------------
# All modules + overall
# ----------------------------------------------------------------------------------------------------


def score_modules(
    instrument: Instrument, answers: Mapping[str, Any], cluster: str | None
) -> tuple[tuple[ModuleResult, ...], OverallResult]:
    visible = visible_items(instrument, answers, cluster)
    hidden = hidden_ids(instrument, visible)
    shown_modules = [m for m in instrument.modules if module_visible(m, cluster)]
    weighted = [
        m for m in shown_modules if m.weight > 0 and any(i.module_id == m.id and i.scored for i in visible)
    ]
    total_weight = sum((m.weight for m in weighted), ZERO)
    results: list[ModuleResult] = []
    for m in shown_modules:
        if not any(i.module_id == m.id for i in visible):
            continue
        share = q_share(m.weight / total_weight) if m in weighted and total_weight > 0 else ZERO
        results.append(score_module(instrument, m, visible, answers, hidden, share))
    return tuple(results), overall_result([r for r in results if r.share > 0 and r.score is not None])


def overall_result(weighted: list[ModuleResult]) -> OverallResult:
    total_weight = sum((r.weight for r in weighted), ZERO)
    score = (
        q_score(sum(((r.score or ZERO) * r.weight for r in weighted), ZERO) / total_weight)
        if total_weight > 0
        else None
    )
    level = 0
    checks: list[OverallCheck] = []
    for lv in sorted(OVERALL_MIN_SCORE):
        need = OVERALL_MIN_SCORE[lv]
        score_met = (score or ZERO) >= need
        min_dim = max(1, lv - OVERALL_MAX_LAG)
        lagging = tuple(r.module_id for r in weighted if r.level < min_dim)
        check = OverallCheck(lv, need, score_met, min_dim, not lagging, lagging)
        checks.append(check)
        if not (score_met and not lagging):
            break
        level = lv
    level = max(level, 1)
    n = LEVEL_NAMES[level]
    return OverallResult(
        score=score,
        level=level,
        level_name_zh=n[0],
        level_name_en=n[1],
        gbt39116_zh=n[2],
        gbt39116_en=n[3],
        rule_zh=OVERALL_LEVEL_RULE[0],
        rule_en=OVERALL_LEVEL_RULE[1],
        decided_by=tuple(checks),
    )
