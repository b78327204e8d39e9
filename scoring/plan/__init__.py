"""Upgrade plans (issue 23): the least a company must change to reach a target level, by the real scoring.

``plan_set(instrument, answers, Target("miit", 2))`` → a :class:`PlanSet`: the least-effort plan and the
cheapest, fastest and programme-friendly alternatives, each re-scored by :func:`scoring.maturity.score`.
Pure: no Flask, no database. See docs/methodology.md §"Upgrade plans".
"""

from __future__ import annotations

from .moves import PriceRange, bands
from .planner import Planner, plan_set
from .result import (
    OBJECTIVE_NAMES,
    OBJECTIVES,
    Goal,
    Plan,
    PlanSet,
    Step,
    plan_set_from_plain,
    plan_set_to_plain,
)
from .targets import KINDS, MAX_LEVEL, Checker, Target, levels_by_score, result_level, target_problem

__all__ = [
    "KINDS",
    "MAX_LEVEL",
    "OBJECTIVES",
    "OBJECTIVE_NAMES",
    "Checker",
    "Goal",
    "Plan",
    "PlanSet",
    "Planner",
    "PriceRange",
    "Step",
    "Target",
    "bands",
    "levels_by_score",
    "plan_set",
    "plan_set_from_plain",
    "plan_set_to_plain",
    "result_level",
    "target_problem",
]
