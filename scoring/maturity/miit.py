"""MIIT 中小企业数字化水平评测指标（2024年版）: points, sub-dimensions, scenarios and the level 一级–四级.

Points (method ``miit-2024-points``): single choice = the chosen option's points, multi = sum of the ticked
options; dimension = sum of its questions; total = Σ dimensions (max 100). All sums are Decimal, hence exact
(13 × 0.7 + 0.9 = 10). The level rule is data: :file:`miit_level_rule.yaml` (status ``assumed``).

The *exchange form* used by other tools is accepted by :func:`exchange_to_answers`::

    {"answers": {"base.equipment.network": ["B", "C"], "base.info_systems.coverage": "C", ...},
     "scenario_levels": {"ops.production.quality": 2, ...}}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

from questionnaires import Instrument, Item, is_answered
from questionnaires.answers import answer_value
from questionnaires.item_types import kind_of
from questionnaires.strict_yaml import load_file

from .engine import item_points
from .result import (
    InputError,
    MiitLevelCheck,
    MiitNextLevel,
    MiitResult,
    RuleInfo,
    ScenarioResult,
    ScoringInputError,
    q_points,
)

ZERO = Decimal(0)
MIIT_METHOD = "miit-2024-points"
RULE_FILE = "miit_level_rule.yaml"


@dataclass(frozen=True)
class MiitLevelSpec:
    level: int
    name_zh: str
    name_en: str
    min_points: Decimal
    scenario_level: int
    min_scenarios: int
    min_constraint: int


@dataclass(frozen=True)
class MiitLevelRule:
    info: RuleInfo
    below_name_zh: str
    below_name_en: str
    levels: tuple[MiitLevelSpec, ...]


def parse_level_rule(raw: Mapping[str, Any]) -> MiitLevelRule:
    levels = tuple(
        MiitLevelSpec(
            level=int(lv["level"]),
            name_zh=str(lv["name_zh"]),
            name_en=str(lv["name_en"]),
            min_points=Decimal(str(lv["min_points"])),
            scenario_level=int(lv["scenario_level"]),
            min_scenarios=int(lv["min_scenarios"]),
            min_constraint=int(lv["min_constraint"]),
        )
        for lv in raw["levels"]
    )
    if [lv.level for lv in levels] != list(range(1, len(levels) + 1)):
        raise ValueError("MIIT level rule: levels must be 1..n in order")
    info = RuleInfo(
        id=str(raw["id"]),
        status=str(raw["status"]),
        description_zh=" ".join(str(raw["description_zh"]).split()),
        description_en=" ".join(str(raw["description_en"]).split()),
        source=" ".join(str(raw["source"]).split()),
    )
    return MiitLevelRule(info, str(raw["below_name_zh"]), str(raw["below_name_en"]), levels)


@cache
def level_rule() -> MiitLevelRule:
    """The level rule in force (from :file:`miit_level_rule.yaml`)."""
    return parse_level_rule(load_file(resources.files("scoring.maturity").joinpath(RULE_FILE)))


def is_miit(instrument: Instrument) -> bool:
    return instrument.scoring.method == MIIT_METHOD


def exchange_to_answers(doc: Mapping[str, Any], instrument: Instrument) -> dict[str, Any]:
    """Merge the exchange form ``{"answers": {...}, "scenario_levels": {...}}`` into one answers mapping.

    Question ids and option letters are those of policy/miit_2024_instrument.yaml (the same as the
    ``miit-sme-digital`` definition). Raises :class:`ScoringInputError` on structural problems; the values are
    checked later like any answer.
    """
    errors: list[InputError] = []
    answers = doc.get("answers", {})
    levels = doc.get("scenario_levels", {})
    if not isinstance(answers, Mapping):
        errors.append(
            InputError("answers", "answers 应为对象 {题号: 选项}", "answers must be an object {id: option}")
        )
        answers = {}
    if not isinstance(levels, Mapping):
        errors.append(
            InputError(
                "scenario_levels", "scenario_levels 应为对象 {场景: 0-4}", "scenario_levels must be {id: 0-4}"
            )
        )
        levels = {}
    merged: dict[str, Any] = dict(answers)
    for sid, value in levels.items():
        if instrument.has_item(str(sid)) and not kind_of(instrument.item(str(sid))).has_ladder:
            errors.append(
                InputError(
                    f"scenario_levels.{sid}",
                    f"{sid} 不是场景",
                    f"{sid} is not a scenario",
                )
            )
            continue
        if sid in merged:
            errors.append(InputError(f"scenario_levels.{sid}", "重复作答", "answered twice"))
            continue
        merged[str(sid)] = value
    if errors:
        raise ScoringInputError(errors)
    return merged


def _scenarios(instrument: Instrument, answers: Mapping[str, Any]) -> tuple[ScenarioResult, ...]:
    rows = []
    for item in instrument.items:
        if not kind_of(item).has_ladder:
            continue
        raw = answers.get(item.id)
        value = answer_value(raw)
        level = int(value) if is_answered(raw) and isinstance(value, int | float | Decimal) else 0
        name = item.text_zh
        rows.append(
            ScenarioResult(
                item.id, item.group, _scenario_name(item) or name, item.constraint, level, is_answered(raw)
            )
        )
    return tuple(rows)


def _scenario_name(item: Item) -> str | None:
    text = item.text_zh
    if "“" in text and "”" in text:
        return text.split("“", 1)[1].split("”", 1)[0]
    return None


def score_miit(
    instrument: Instrument, answers: Mapping[str, Any], rule: MiitLevelRule | None = None
) -> MiitResult:
    rule = rule or level_rule()
    points: dict[str, Decimal] = {}
    maxima: dict[str, Decimal] = {}
    groups: dict[str, Decimal] = {}
    for module in instrument.modules:
        scored = [i for i in module.items if i.scored]
        if not scored:
            continue
        pts = ZERO
        for item in scored:
            p = item_points(item, answer_value(answers.get(item.id)))
            pts += p
            if item.group:
                groups[item.group] = groups.get(item.group, ZERO) + p
        points[module.id] = q_points(pts)
        maxima[module.id] = q_points(sum((i.max_points or ZERO for i in scored), ZERO))
    total = sum(points.values(), ZERO)
    points["total"] = q_points(total)
    maxima["total"] = q_points(sum(maxima.values(), ZERO))
    scenarios = _scenarios(instrument, answers)
    return miit_level(total, scenarios, rule, points, maxima, {k: q_points(v) for k, v in groups.items()})


def _count(scenarios: tuple[ScenarioResult, ...], level: int, constraint_only: bool) -> int:
    return sum(1 for s in scenarios if s.level >= level and (s.constraint or not constraint_only))


def miit_level(  # noqa: PLR0913, PLR0917 — public scoring API kept stable for callers
    total: Decimal,
    scenarios: tuple[ScenarioResult, ...],
    rule: MiitLevelRule,
    points: Mapping[str, Decimal] | None = None,
    maxima: Mapping[str, Decimal] | None = None,
    groups: Mapping[str, Decimal] | None = None,
) -> MiitResult:
    """Apply *rule* to a points total and scenario levels (exact comparisons, no rounding)."""
    level = 0
    checks: list[MiitLevelCheck] = []
    for spec in rule.levels:
        have = _count(scenarios, spec.scenario_level, False)
        have_c = _count(scenarios, spec.scenario_level, True)
        check = MiitLevelCheck(
            level=spec.level,
            name_zh=spec.name_zh,
            min_points=spec.min_points,
            points_met=total >= spec.min_points,
            scenario_level=spec.scenario_level,
            min_scenarios=spec.min_scenarios,
            scenarios_at_level=have,
            min_constraint=spec.min_constraint,
            constraint_at_level=have_c,
            scenarios_met=have >= spec.min_scenarios and have_c >= spec.min_constraint,
        )
        checks.append(check)
        if not check.met:
            break
        level = spec.level
    next_level: MiitNextLevel | None = None
    if level < len(rule.levels):
        spec = rule.levels[level]
        check = checks[-1]
        short_pts = max(ZERO, spec.min_points - total)
        short_c = max(0, spec.min_constraint - check.constraint_at_level)
        short_all = max(0, spec.min_scenarios - check.scenarios_at_level, short_c)
        below = [s for s in scenarios if s.level < spec.scenario_level]
        below.sort(key=lambda s: (not s.constraint, -s.level, s.scenario_id))
        miss_zh: list[str] = []
        miss_en: list[str] = []
        if short_pts > 0:
            miss_zh.append(
                f"总分还差 {format(q_points(short_pts).normalize(), 'f')} 分（需≥{spec.min_points}）"
            )
            miss_en.append(
                f"{format(q_points(short_pts).normalize(), 'f')} more points (need ≥ {spec.min_points})"
            )
        if check.scenarios_at_level < spec.min_scenarios:
            miss_zh.append(
                f"达到L{spec.scenario_level}及以上的场景需≥{spec.min_scenarios}个（现有{check.scenarios_at_level}个）"
            )
            miss_en.append(
                f"≥ {spec.min_scenarios} scenarios at L{spec.scenario_level}+"
                f" (now {check.scenarios_at_level})"
            )
        if short_c > 0:
            miss_zh.append(f"其中约束性场景需≥{spec.min_constraint}个（现有{check.constraint_at_level}个）")
            miss_en.append(
                f"of which ≥ {spec.min_constraint} constraint scenarios (now {check.constraint_at_level})"
            )
        next_level = MiitNextLevel(
            level=spec.level,
            name_zh=spec.name_zh,
            name_en=spec.name_en,
            points_short=q_points(short_pts),
            scenario_level=spec.scenario_level,
            scenarios_short=short_all,
            constraint_short=short_c,
            candidate_scenarios=tuple(s.scenario_id for s in below),
            missing_zh=tuple(miss_zh),
            missing_en=tuple(miss_en),
        )
    counts: dict[str, int] = {}
    for lv in range(1, 5):
        counts[f"L{lv}"] = _count(scenarios, lv, False)
        counts[f"constraint_L{lv}"] = _count(scenarios, lv, True)
    if level:
        name_zh, name_en = rule.levels[level - 1].name_zh, rule.levels[level - 1].name_en
    else:
        name_zh, name_en = rule.below_name_zh, rule.below_name_en
    return MiitResult(
        points=dict(points or {"total": q_points(total)}),
        max_points=dict(maxima or {}),
        groups=dict(groups or {}),
        scenarios=scenarios,
        scenario_counts=counts,
        level=level,
        level_name_zh=name_zh,
        level_name_en=name_en,
        rule=rule.info,
        decided_by=tuple(checks),
        next_level=next_level,
    )
