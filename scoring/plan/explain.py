"""Why a target cannot be reached: the engine's own checks with every allowed move at its top."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from questionnaires.item_types import kind_of
from scoring.maturity import score
from scoring.maturity.engine import unmet_requirements
from scoring.maturity.result import ScoreResult

from .moves import current_answer
from .targets import Target

if TYPE_CHECKING:
    from .planner import Planner

Reasons = tuple[list[str], list[str]]


def _number(value: object) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _miit(result: ScoreResult, target: Target, out: Reasons) -> None:
    if result.miit is None:
        return
    check = next((c for c in result.miit.decided_by if not c.met and c.level <= target.level), None)
    if check is None:
        return
    if not check.points_met:
        top = _number(result.miit.points["total"])
        out[0].append(f"即使所有可改进的题目都达到最高，总分最多 {top} 分，低于 {check.min_points} 分")
        out[1].append(
            f"even with every changeable answer at its best the total is {top}, below {check.min_points}"
        )
    if not check.scenarios_met:
        out[0].append(
            f"达到 L{check.scenario_level} 的场景最多 {check.scenarios_at_level} 个"
            f"（需 {check.min_scenarios} 个），"
            f"其中约束性场景 {check.constraint_at_level} 个（需 {check.min_constraint} 个）"
        )
        out[1].append(
            f"at most {check.scenarios_at_level} scenarios reach L{check.scenario_level} (need "
            f"{check.min_scenarios}), {check.constraint_at_level} of them constraint scenarios (need "
            f"{check.min_constraint})"
        )


def _dimensions(planner: Planner, result: ScoreResult, target: Target, answers: dict, out: Reasons) -> None:
    if target.kind == "dimension":
        modules = [m for m in result.modules if m.module_id == target.module]
        need = target.level
    else:
        modules = [m for m in result.modules if m.share > 0]
        need = target.level - 1
    for m in (m for m in modules if m.level < need):
        failing = next((c for c in m.decided_by if not c.met), None)
        if failing is None:
            continue
        if not failing.score_met:
            out[0].append(
                f"“{m.title_zh}”维度得分最多 {m.score} 分，"
                f"达不到 {failing.level} 级所需的 {failing.min_score} 分"
            )
            out[1].append(
                f"“{m.title_en}” can score at most {m.score}, "
                f"short of {failing.min_score} for level {failing.level}"
            )
        level = next(lv for lv in planner.instrument.module(m.module_id).levels if lv.level == failing.level)
        if level.requires is not None and failing.requires_met is False:
            for gap in unmet_requirements(planner.instrument, level.requires, answers, frozenset()):
                out[0].append(f"“{m.title_zh}”{failing.level} 级要求：{gap.text_zh} {gap.needed_zh}")
                out[1].append(f"“{m.title_en}” level {failing.level} needs: {gap.text_en} {gap.needed_en}")


def _overall(result: ScoreResult, target: Target, out: Reasons) -> None:
    check = next((c for c in result.overall.decided_by if c.level == target.level), None)
    if check is not None and not check.score_met:
        out[0].append(f"总体得分最多 {result.overall.score} 分，低于 {check.min_score} 分")
        out[1].append(f"the overall score can reach at most {result.overall.score}, below {check.min_score}")


def unreachable_reasons(planner: Planner, targets: Sequence[Target]) -> Reasons:
    """Reasons (zh, en) the checks of the engine give when every allowed move is made."""
    answers = dict(planner.base)
    for group in planner.groups_for(targets, planner.needed_conditions(targets)):
        move = group[-1]
        item = planner.instrument.item(move.item_id)
        answers[move.item_id] = kind_of(item).raise_answer(
            item, current_answer(answers, move.item_id), move.answer
        )
    result = score(planner.instrument, answers, {"cluster": planner.cluster})
    out: Reasons = ([], [])
    for t in targets:
        if t.kind == "miit":
            _miit(result, t, out)
            continue
        _dimensions(planner, result, t, answers, out)
        if t.kind == "overall":
            _overall(result, t, out)
    if planner.excluded:
        out[0].append(f"已排除 {len(planner.excluded)} 项不作改动")
        out[1].append(f"{len(planner.excluded)} items are excluded from changes")
    if not out[0]:
        out[0].append("可改动的题目不足以达到该目标")
        out[1].append("the answers that may change cannot reach this target")
    return out
