"""Plan targets and the exact test "does this set of answers reach the target?", by the scoring engine itself.

A target is the MIIT 2024 level (``miit``), the overall Guangdong maturity level (``overall``) or one
dimension's level (``dimension``). :class:`Checker` answers the test many times per plan: it reuses the
engine's what-if scorer (``scoring.maturity.engine.WhatIf``: one dimension re-scored with a few answers
changed) and the engine's own overall and MIIT level rules, so nothing here restates a scoring rule.
:func:`levels_by_score` re-scores from scratch with :func:`scoring.maturity.score` — what a plan is finally
checked against.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from questionnaires import Instrument
from scoring.maturity import score, score_miit, score_modules
from scoring.maturity.engine import WhatIf, overall_result, show_if_items, visibility
from scoring.maturity.miit import is_miit, level_rule
from scoring.maturity.result import ModuleResult, ScoreResult

KINDS = ("miit", "overall", "dimension")
MAX_LEVEL = {"miit": 4, "overall": 5, "dimension": 5}


@dataclass(frozen=True)
class Target:
    """Reach *level* of the MIIT level, the overall maturity level or dimension *module*'s level."""

    kind: str
    level: int
    module: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown target kind {self.kind!r}")
        if not 1 <= self.level <= MAX_LEVEL[self.kind]:
            raise ValueError(f"target level {self.level} out of range for {self.kind}")
        if (self.kind == "dimension") != (self.module is not None):
            raise ValueError("a dimension target names its module, the others do not")


def target_problem(instrument: Instrument, target: Target, cluster: str | None) -> tuple[str, str] | None:
    """Why *target* cannot apply to this questionnaire at all (zh, en), or None."""
    if target.kind == "miit" and not is_miit(instrument):
        return (
            "本问卷不计算中小企业数字化水平评测等级（MIIT 2024），请使用该评测问卷或选择成熟度目标",
            "this questionnaire gives no MIIT 2024 digital level; use that questionnaire or choose a "
            "maturity target",
        )
    if target.kind == "miit" and target.level > len(level_rule().levels):
        return ("没有这一等级", "there is no such level")
    if target.kind == "dimension":
        ids = {m.id for m in instrument.modules}
        if target.module not in ids:
            return ("没有这一维度", "there is no such dimension")
    return None


def result_level(result: ScoreResult, target: Target) -> int:
    """The level *result* gives on *target*'s scale (0 when it has none)."""
    if target.kind == "miit":
        return result.miit.level if result.miit is not None else 0
    if target.kind == "overall":
        return result.overall.level
    found = next((m for m in result.modules if m.module_id == target.module), None)
    return found.level if found is not None else 0


def levels_by_score(
    instrument: Instrument, answers: Mapping[str, Any], cluster: str | None, targets: Sequence[Target]
) -> tuple[int, ...]:
    """Each target's level when *answers* are scored from scratch by the real scorer."""
    result = score(instrument, answers, {"cluster": cluster})
    return tuple(result_level(result, t) for t in targets)


class Checker:
    """Levels of the targets with some answers raised from a base set, computed fast and exactly."""

    def __init__(self, instrument: Instrument, answers: Mapping[str, Any], cluster: str | None) -> None:
        self.instrument, self.answers, self.cluster = instrument, dict(answers), cluster
        self.seen = visibility(instrument, answers, cluster)
        self.modules, self.overall = score_modules(instrument, answers, cluster, seen=self.seen)
        self.by_id = {m.module_id: m for m in self.modules}
        self.weighted = [m for m in self.modules if m.share > 0 and m.score is not None]
        self.what_if = WhatIf(instrument, answers, cluster, self.seen)
        self.gates = show_if_items(instrument)
        self.module_of = {i.id: i.module_id for i in instrument.items}
        self.miit = is_miit(instrument)
        self.evaluations = 0

    def module_results(self, answers: Mapping[str, Any], changed: Iterable[str]) -> dict[str, ModuleResult]:
        """The dimensions with *answers* (only those a changed answer can move are re-scored)."""
        changed_ids = frozenset(changed)
        if not changed_ids:
            return self.by_id
        touched = (
            set(self.by_id)
            if changed_ids & self.gates
            else {self.module_of[i] for i in changed_ids} & set(self.by_id)
        )
        out = dict(self.by_id)
        for mid in touched:
            module = self.instrument.module(mid)
            s, lv = self.what_if.score_and_level(module, answers, changed_ids)
            out[mid] = replace(self.by_id[mid], score=s, level=lv)
        return out

    def level(self, target: Target, answers: Mapping[str, Any], changed: Iterable[str]) -> int:
        self.evaluations += 1
        if target.kind == "miit":
            return score_miit(self.instrument, answers).level if self.miit else 0
        results = self.module_results(answers, changed)
        if target.kind == "dimension":
            found = results.get(str(target.module))
            return found.level if found is not None else 0
        weighted = [results[m.module_id] for m in self.weighted]
        return overall_result([r for r in weighted if r.score is not None]).level

    def reached(self, targets: Sequence[Target], answers: Mapping[str, Any], changed: Iterable[str]) -> bool:
        changed = tuple(changed)
        return all(self.level(t, answers, changed) >= t.level for t in targets)
