"""上云上平台 and 5G factory results."""

from __future__ import annotations

from dataclasses import dataclass

from .base import fast_init
from .deferred import deferrable


@deferrable("missing_zh", "missing_en")  # the unmet tests in words: worked out when first read
@fast_init
@dataclass(frozen=True)
class CloudKindStatus:
    kind_id: str
    name_zh: str
    name_en: str
    flag_id: str  # the instrument flag that decides this kind
    status: str  # "on" (counts as 上云上平台 for this kind) | "none"
    counted: bool
    missing_zh: tuple[str, ...]  # unmet tests of the flag's condition
    missing_en: tuple[str, ...]
    source: str


@deferrable("platform_missing_zh", "platform_missing_en")  # the unmet tests in words: when first read
@fast_init
@dataclass(frozen=True)
class CloudResult:
    definition_id: str
    kinds: tuple[CloudKindStatus, ...]
    on_cloud: bool  # counts as 上云 (bureau dashboards): at least one kind
    on_platform: bool  # counts as 上平台: the platform flag holds
    platform_flag_id: str
    platform_missing_zh: tuple[str, ...]
    platform_missing_en: tuple[str, ...]
    definition_zh: str
    definition_en: str
    definition_gaps: tuple[str, ...]


@deferrable("missing_zh", "missing_en")  # the unmet tests in words: worked out when first read
@fast_init
@dataclass(frozen=True)
class FiveGResult:
    definition_id: str
    tier: str  # "none" | "line" | "workshop" | "factory"
    tier_zh: str
    tier_en: str
    next_tier: str | None
    missing_zh: tuple[str, ...]
    missing_en: tuple[str, ...]
    criteria_source: str
    definition_gaps: tuple[str, ...]
