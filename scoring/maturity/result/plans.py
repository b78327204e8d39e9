"""Peer benchmark and upgrade roadmap results."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .base import fast_init


@fast_init
@dataclass(frozen=True)
class BenchmarkResult:
    status: str  # "ok" | "insufficient_peers"
    group_key: (
        str | None
    )  # e.g. "cluster+size+city", "cluster+size+region_group", "cluster+size+province", "cluster"
    group_label_zh: str | None
    group_label_en: str | None
    peers: int | None  # size of the group used (≥ 5), None when insufficient
    percentile: Decimal | None
    p25: Decimal | None
    median: Decimal | None
    p75: Decimal | None
    min: Decimal | None
    max: Decimal | None
    tried: tuple[str, ...]  # groups tried, narrowest first
    min_group_size: int


@fast_init
@dataclass(frozen=True)
class ProgramRef:
    program_id: str
    direction: str | None
    note_zh: str | None
    note_en: str | None


@fast_init
@dataclass(frozen=True)
class RoadmapAction:
    action_id: str
    rank: int
    horizon: str  # "0-6" | "6-18" | "18-36" (months)
    module_id: str
    title_zh: str
    title_en: str
    measure_zh: str
    measure_en: str
    source: str
    items: Mapping[str, Any]  # item id → the answer the action leads to
    score_gain: Decimal  # dimension score gain (0–100 scale)
    level_before: int
    level_after: int
    needed_for_target: bool
    dimension_share: Decimal
    support_factor: Decimal
    effort_class: int
    priority: Decimal
    programs: tuple[ProgramRef, ...]


@fast_init
@dataclass(frozen=True)
class Roadmap:
    targets: Mapping[str, int]  # module id → target level
    horizons: Mapping[str, tuple[RoadmapAction, ...]]
    reached: tuple[str, ...]  # modules already at their target
    formula_zh: str
    formula_en: str
    catalogue_gaps: tuple[str, ...]
