"""Dimension (module) scores, levels and next-level gaps — method ``dx-maturity-v1`` (SCHEMA.md).

1. Item points: each item type's ``points`` (questionnaires/item_types): single = chosen option's points;
   multi = sum of ticked options capped at ``max_points``; boolean = ``points_true`` when true; other types
   carry no points. Unanswered visible items score 0.
2. Module score = 100 × earned / max over the *visible* scored items (cluster and ``show_if``), rounded
   to 0.01 (ROUND_HALF_UP). The rounded score is the one compared with ``min_score``.
3. Module level = highest L such that every level ℓ ≤ L has score ≥ min_score(ℓ) and its ``requires`` holds.
4. Overall score = Σ weight × module score / Σ weight over the company's dimensions with points (weight > 0).
   Overall level: see :data:`OVERALL_LEVEL_RULE`.

Sections: ``points`` (one item), ``describe`` (conditions in words, unmet requirements), ``module`` (one
dimension), ``overall`` (all dimensions and the overall level).
"""

from __future__ import annotations

from .describe import describe_condition, describe_leaf, unmet_requirements
from .module import WhatIf, module_score_and_level, score_module
from .overall import (
    LEVEL_NAMES,
    OVERALL_LEVEL_RULE,
    OVERALL_MAX_LAG,
    OVERALL_MIN_SCORE,
    overall_result,
    score_modules,
)
from .points import HUNDRED, ZERO, Visibility, hidden_ids, item_points, show_if_items, visibility

__all__ = [
    "HUNDRED",
    "LEVEL_NAMES",
    "OVERALL_LEVEL_RULE",
    "OVERALL_MAX_LAG",
    "OVERALL_MIN_SCORE",
    "ZERO",
    "Visibility",
    "WhatIf",
    "describe_condition",
    "describe_leaf",
    "hidden_ids",
    "item_points",
    "module_score_and_level",
    "overall_result",
    "score_module",
    "score_modules",
    "show_if_items",
    "unmet_requirements",
    "visibility",
]
