"""Pure scoring library for DX Assess (issue 4): dimension scores and levels, MIIT 2024 points and level,
上云上平台 status, 5G factory tier, peer benchmark, upgrade roadmap. See docs/methodology.md.

No Flask / SQLAlchemy here: plain inputs in, frozen results out, deterministic JSON.
"""

from __future__ import annotations

from .api import is_exchange_form, normalize_answers, normalize_profile, score
from .benchmark import MIN_GROUP, PeerRecord, benchmark
from .cloud import cloud_status, fiveg_tier
from .engine import item_points, score_modules
from .miit import exchange_to_answers, level_rule, miit_level, score_miit
from .result import (
    ENGINE_VERSION,
    BenchmarkResult,
    CloudResult,
    FiveGResult,
    InputError,
    MiitResult,
    ModuleResult,
    OverallResult,
    Profile,
    Roadmap,
    RoadmapAction,
    ScoreResult,
    ScoringInputError,
    from_plain,
    result_to_json,
    to_plain,
    worked_out,
)
from .roadmap import build_roadmap, direction_labels

__all__ = [
    "ENGINE_VERSION",
    "MIN_GROUP",
    "BenchmarkResult",
    "CloudResult",
    "FiveGResult",
    "InputError",
    "MiitResult",
    "ModuleResult",
    "OverallResult",
    "PeerRecord",
    "Profile",
    "Roadmap",
    "RoadmapAction",
    "ScoreResult",
    "ScoringInputError",
    "benchmark",
    "build_roadmap",
    "cloud_status",
    "direction_labels",
    "exchange_to_answers",
    "fiveg_tier",
    "from_plain",
    "is_exchange_form",
    "item_points",
    "level_rule",
    "miit_level",
    "normalize_answers",
    "normalize_profile",
    "result_to_json",
    "score",
    "score_miit",
    "score_modules",
    "to_plain",
    "worked_out",
]
