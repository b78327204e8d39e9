"""Frozen result types of the scoring library and their deterministic JSON form.

Every number that leaves the library is a :class:`~decimal.Decimal` that has already been rounded
(scores 0–100 to 0.01, points to 0.001, shares to 0.0001, ROUND_HALF_UP). :func:`result_to_json` turns
them into JSON numbers, sorts every object's keys and uses fixed separators, so the same inputs always give
byte-identical JSON.

Sections: ``base`` (version, rounding, input errors), ``modules`` (dimension results), ``miit`` (MIIT 2024),
``cloud`` (上云上平台 and 5G), ``plans`` (benchmark and roadmap), ``score`` (the whole result and its JSON).
"""

from __future__ import annotations

from .base import (
    ENGINE_VERSION,
    POINT_PLACES,
    SCORE_PLACES,
    SHARE_PLACES,
    InputError,
    ScoringInputError,
    q_points,
    q_score,
    q_share,
)
from .cloud import CloudKindStatus, CloudResult, FiveGResult
from .miit import MiitLevelCheck, MiitNextLevel, MiitResult, RuleInfo, ScenarioResult
from .modules import (
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
)
from .plans import BenchmarkResult, ProgramRef, Roadmap, RoadmapAction
from .score import InstrumentRef, Profile, ScoreResult, from_plain, result_to_json, to_plain, worked_out

__all__ = [
    "ENGINE_VERSION",
    "POINT_PLACES",
    "SCORE_PLACES",
    "SHARE_PLACES",
    "BenchmarkResult",
    "CloudKindStatus",
    "CloudResult",
    "FiveGResult",
    "GroupScore",
    "InputError",
    "InstrumentRef",
    "ItemGap",
    "ItemScore",
    "LevelCheck",
    "MiitLevelCheck",
    "MiitNextLevel",
    "MiitResult",
    "ModuleResult",
    "NextLevel",
    "OptionHint",
    "OverallCheck",
    "OverallResult",
    "Profile",
    "ProgramRef",
    "RequirementGap",
    "Roadmap",
    "RoadmapAction",
    "RuleInfo",
    "ScenarioResult",
    "ScoreResult",
    "ScoringInputError",
    "from_plain",
    "q_points",
    "q_score",
    "q_share",
    "result_to_json",
    "to_plain",
    "worked_out",
]
