"""All dimensions of a company and the overall score and level."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from questionnaires import (
    Instrument,
    Item,
    module_visible,
)
from scoring.maturity.result import (
    ModuleResult,
    OverallCheck,
    OverallResult,
    q_score,
    q_share,
)

from .module import score_module_items
from .points import ZERO, Visibility, visibility

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
    "总体等级 1–5 级分别要求加权总分不低于 0、20、40、60、80 分，且每个计分维度最多比总体等级低一级",
    "Overall levels 1 to 5 need a weighted score of at least 0, 20, 40, 60 and 80, and no weighted "
    "dimension more than one level below the overall level",
)
LEVEL_NAMES: dict[int, tuple[str, str, str, str]] = {
    # level: (our name zh, en, GB/T 39116-2020 level zh, en)
    1: ("起步", "Starting", "一级 规划级", "Level 1 Planning"),
    2: ("单点应用", "Single applications", "二级 规范级", "Level 2 Standardised"),
    3: ("集成提升", "Integrated", "三级 集成级", "Level 3 Integrated"),
    4: ("数据驱动优化", "Data-driven optimisation", "四级 优化级", "Level 4 Optimising"),
    5: ("创新引领", "Leading", "五级 引领级", "Level 5 Leading"),
}


def score_modules(
    instrument: Instrument, answers: Mapping[str, Any], cluster: str | None, *, seen: Visibility | None = None
) -> tuple[tuple[ModuleResult, ...], OverallResult]:
    """Every dimension the company sees, and the overall result. *seen*: the visibility with these answers,
    when the caller knows it."""
    # a copy: the gaps, worked out when first read, see these answers whatever the caller does with its own
    answers = dict(answers)
    seen = seen or visibility(instrument, answers, cluster)
    visible, hidden = list(seen.items), seen.hidden
    shown_modules = [m for m in instrument.modules if module_visible(m, cluster)]
    with_points = {i.module_id for i in visible if i.scored}
    weighted = [m for m in shown_modules if m.weight > 0 and m.id in with_points]
    total_weight = sum((m.weight for m in weighted), ZERO)
    weighted_ids = {m.id for m in weighted}
    by_module: dict[str, list[Item]] = {}
    for i in visible:
        by_module.setdefault(i.module_id, []).append(i)
    results: list[ModuleResult] = []
    for m in shown_modules:
        if m.id not in by_module:
            continue
        share = q_share(m.weight / total_weight) if m.id in weighted_ids and total_weight > 0 else ZERO
        results.append(score_module_items(instrument, m, by_module[m.id], answers, hidden, share))
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
