"""MIIT 2024 (《中小企业数字化水平评测指标（2024年版）》) points, scenarios and level."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from .base import fast_init


@fast_init
@dataclass(frozen=True)
class RuleInfo:
    id: str
    status: str  # "assumed" until confirmed against the official attachment
    description_zh: str
    description_en: str
    source: str


@fast_init
@dataclass(frozen=True)
class ScenarioResult:
    scenario_id: str
    group: str | None
    name_zh: str
    constraint: bool
    level: int  # 0 = 未达到L1 (also when unanswered)
    answered: bool


@fast_init
@dataclass(frozen=True)
class MiitLevelCheck:
    level: int
    name_zh: str
    min_points: Decimal
    points_met: bool
    scenario_level: int
    min_scenarios: int
    scenarios_at_level: int
    min_constraint: int
    constraint_at_level: int
    scenarios_met: bool

    @property
    def met(self) -> bool:
        return self.points_met and self.scenarios_met


@fast_init
@dataclass(frozen=True)
class MiitNextLevel:
    level: int
    name_zh: str
    name_en: str
    points_short: Decimal
    scenario_level: int
    scenarios_short: int
    constraint_short: int
    candidate_scenarios: tuple[str, ...]  # below the required level, constraint scenarios first
    missing_zh: tuple[str, ...]
    missing_en: tuple[str, ...]


@fast_init
@dataclass(frozen=True)
class MiitResult:
    points: Mapping[str, Decimal]  # "total" and one entry per scored dimension (base, mgmt, effect)
    max_points: Mapping[str, Decimal]
    groups: Mapping[str, Decimal]  # sub-dimension id → points
    scenarios: tuple[ScenarioResult, ...]
    scenario_counts: Mapping[str, int]  # "L1".."L4" → scenarios at ≥ that level; "constraint_L1".. likewise
    level: int  # 0 = 未达到一级, 1..4 = 一级..四级
    level_name_zh: str
    level_name_en: str
    rule: RuleInfo
    decided_by: tuple[MiitLevelCheck, ...]
    next_level: MiitNextLevel | None
