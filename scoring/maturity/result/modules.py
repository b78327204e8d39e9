"""Dimension (module) results."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .base import fast_init
from .deferred import deferrable


@fast_init
@dataclass(frozen=True)
class ItemScore:
    item_id: str
    group: str | None
    type: str
    answered: bool
    answer: Any  # normalized answer (option id, list of option ids, number, bool, …) or None
    points: Decimal | None  # None for items that carry no points
    max_points: Decimal | None


@fast_init
@dataclass(frozen=True)
class LevelCheck:
    """How one level ℓ of a dimension was tested: its ``min_score`` and its ``requires`` condition."""

    level: int
    name_zh: str
    name_en: str
    min_score: Decimal
    score_met: bool
    requires_zh: str | None
    requires_en: str | None
    requires_met: bool | None  # None = the level has no requires

    @property
    def met(self) -> bool:
        return self.score_met and self.requires_met is not False


@fast_init
@dataclass(frozen=True)
class OptionHint:
    option_id: str
    text_zh: str
    text_en: str
    points: Decimal
    gain: Decimal


@fast_init
@dataclass(frozen=True)
class ItemGap:
    """An item whose answer can still earn points (for the score part of the next level)."""

    item_id: str
    text_zh: str
    text_en: str
    current_answer: Any
    current_points: Decimal
    max_points: Decimal
    points_available: Decimal
    answer_needed: tuple[str, ...]  # options that close the points gap alone (or the best ones if none can)
    closes_gap_alone: bool
    better_options: tuple[OptionHint, ...]


@fast_init
@dataclass(frozen=True)
class RequirementGap:
    """One unmet test of the next level's ``requires`` condition."""

    item_id: str
    text_zh: str
    text_en: str
    current_answer: Any
    needed_zh: str
    needed_en: str
    context_zh: str | None = None  # e.g. "以下至少满足 6 项（已满足 4 项）"
    context_en: str | None = None


@fast_init
@dataclass(frozen=True)
class NextLevel:
    level: int
    name_zh: str
    name_en: str
    min_score: Decimal
    score_short: Decimal  # score points (0–100 scale) missing, 0 when the score already suffices
    points_short: Decimal  # the same in item points
    requirements_missing: tuple[RequirementGap, ...]
    items: tuple[ItemGap, ...]


@fast_init
@dataclass(frozen=True)
class GroupScore:
    group_id: str
    title_zh: str
    title_en: str
    points: Decimal
    max_points: Decimal


@deferrable("next_level")  # the gaps: worked out when first read
@fast_init
@dataclass(frozen=True)
class ModuleResult:
    module_id: str
    title_zh: str
    title_en: str
    weight: Decimal  # as defined
    share: Decimal  # weight / Σ weights of the company's scored dimensions (0 if not in the overall score)
    points: Decimal
    max_points: Decimal
    score: Decimal | None  # 0–100; None when no visible item carries points
    level: int
    level_name_zh: str
    level_name_en: str
    decided_by: tuple[LevelCheck, ...]  # levels 1..level (all met) and level+1 (the first failing), if any
    next_level: NextLevel | None
    answered: int
    visible_items: int
    unanswered: tuple[str, ...]
    groups: tuple[GroupScore, ...]
    items: tuple[ItemScore, ...]


@fast_init
@dataclass(frozen=True)
class OverallCheck:
    level: int
    min_score: Decimal
    score_met: bool
    min_dimension_level: int
    dimensions_met: bool
    lagging_dimensions: tuple[str, ...]


@fast_init
@dataclass(frozen=True)
class OverallResult:
    score: Decimal | None
    level: int
    level_name_zh: str
    level_name_en: str
    gbt39116_zh: str
    gbt39116_en: str
    rule_zh: str
    rule_en: str
    decided_by: tuple[OverallCheck, ...]
