"""Frozen result types of the scoring library and their deterministic JSON form.

Every number that leaves the library is a :class:`~decimal.Decimal` that has already been rounded
(scores 0–100 to 0.01, points to 0.001, shares to 0.0001, ROUND_HALF_UP). :func:`result_to_json` turns
them into JSON numbers, sorts every object's keys and uses fixed separators, so the same inputs always give
byte-identical JSON.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum
from typing import Any

ENGINE_VERSION = "dx-score-1.0.0"
"""Stored by the portal with every result; minor = rule/data change, major = format change."""

SCORE_PLACES = Decimal("0.01")
POINT_PLACES = Decimal("0.001")
SHARE_PLACES = Decimal("0.0001")


def q_score(value: Decimal) -> Decimal:
    return value.quantize(SCORE_PLACES, rounding=ROUND_HALF_UP)


def q_points(value: Decimal) -> Decimal:
    return value.quantize(POINT_PLACES, rounding=ROUND_HALF_UP)


def q_share(value: Decimal) -> Decimal:
    return value.quantize(SHARE_PLACES, rounding=ROUND_HALF_UP)


# ----------------------------------------------------------------------------------------------------
# Errors
# ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InputError:
    field: str
    message_zh: str
    message_en: str


class ScoringInputError(ValueError):
    """Invalid answers / profile / peers; ``errors`` lists every problem found."""

    def __init__(self, errors: list[InputError] | tuple[InputError, ...]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(f"{e.field}: {e.message_en}" for e in self.errors))


# ----------------------------------------------------------------------------------------------------
# Dimension (module) results
# ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemScore:
    item_id: str
    group: str | None
    type: str
    answered: bool
    answer: Any  # normalized answer (option id, list of option ids, number, bool, …) or None
    points: Decimal | None  # None for items that carry no points
    max_points: Decimal | None


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


@dataclass(frozen=True)
class OptionHint:
    option_id: str
    text_zh: str
    text_en: str
    points: Decimal
    gain: Decimal


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


@dataclass(frozen=True)
class GroupScore:
    group_id: str
    title_zh: str
    title_en: str
    points: Decimal
    max_points: Decimal


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


@dataclass(frozen=True)
class OverallCheck:
    level: int
    min_score: Decimal
    score_met: bool
    min_dimension_level: int
    dimensions_met: bool
    lagging_dimensions: tuple[str, ...]


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


# ----------------------------------------------------------------------------------------------------
# MIIT
# ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleInfo:
    id: str
    status: str  # "assumed" until confirmed against the official attachment
    description_zh: str
    description_en: str
    source: str


@dataclass(frozen=True)
class ScenarioResult:
    scenario_id: str
    group: str | None
    name_zh: str
    constraint: bool
    level: int  # 0 = 未达到L1 (also when unanswered)
    answered: bool


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


# ----------------------------------------------------------------------------------------------------
# 上云上平台 and 5G
# ----------------------------------------------------------------------------------------------------


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


# ----------------------------------------------------------------------------------------------------
# Benchmark and roadmap
# ----------------------------------------------------------------------------------------------------


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


@dataclass(frozen=True)
class ProgramRef:
    program_id: str
    direction: str | None
    note_zh: str | None
    note_en: str | None


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


@dataclass(frozen=True)
class Roadmap:
    targets: Mapping[str, int]  # module id → target level
    horizons: Mapping[str, tuple[RoadmapAction, ...]]
    reached: tuple[str, ...]  # modules already at their target
    formula_zh: str
    formula_en: str
    catalogue_gaps: tuple[str, ...]


# ----------------------------------------------------------------------------------------------------
# Top level
# ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    cluster: str | None = None
    size: str | None = None
    city: str | None = None


@dataclass(frozen=True)
class InstrumentRef:
    id: str
    version: str
    content_hash: str
    method: str


@dataclass(frozen=True)
class ScoreResult:
    engine_version: str
    instrument: InstrumentRef
    profile: Profile
    modules: tuple[ModuleResult, ...]
    overall: OverallResult
    unanswered: tuple[str, ...]
    ignored_answers: tuple[str, ...]  # answers of items hidden for this company (not scored)
    miit: MiitResult | None = None
    cloud: CloudResult | None = None
    fiveg: FiveGResult | None = None
    benchmark: BenchmarkResult | None = None
    roadmap: Roadmap | None = None

    def module(self, module_id: str) -> ModuleResult:
        for m in self.modules:
            if m.module_id == module_id:
                return m
        raise KeyError(module_id)


# ----------------------------------------------------------------------------------------------------
# JSON
# ----------------------------------------------------------------------------------------------------


def _decimal_number(value: Decimal) -> float:
    """Values are rounded when results are built; ``float`` + ``repr`` gives the exact digits."""
    if not value.is_finite():
        raise ValueError(f"non-finite number {value}")
    if value == 0:
        return 0.0  # never emit -0.0
    return float(value)


def to_plain(obj: Any) -> Any:  # noqa: PLR0911 — one return per plain-data type
    """A JSON-ready copy of a result: dataclasses → dicts, tuples → lists, Decimals → numbers."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, Decimal):
        return _decimal_number(obj)
    if isinstance(obj, Enum):
        return obj.value
    if isinstance(obj, Mapping):
        return {str(k): to_plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [to_plain(v) for v in obj]
    if isinstance(obj, float):
        return _decimal_number(Decimal(repr(obj)))
    return obj


def result_to_json(result: ScoreResult, *, indent: int | None = None) -> str:
    """Deterministic JSON: sorted keys, fixed separators, UTF-8 text (``ensure_ascii=False``)."""
    separators = (",", ":") if indent is None else (",", ": ")
    return json.dumps(
        to_plain(result), sort_keys=True, ensure_ascii=False, separators=separators, indent=indent
    )


def _number(value: Any) -> Decimal:
    # stored numbers are the floats of `to_plain`; repr gives back the exact rounded digits
    return value if isinstance(value, Decimal) else Decimal(repr(value))


def from_plain(plain: Mapping[str, Any]) -> ScoreResult:
    """The typed result back from its JSON form (a stored row): the inverse of :func:`to_plain`.

    ``to_plain(from_plain(x)) == x`` for every result the engine produced. Keys the result types do not
    know (e.g. what the portal adds when it shows a result) are ignored.
    """
    import dacite

    config = dacite.Config(type_hooks={Decimal: _number}, cast=[tuple], check_types=False)
    return dacite.from_dict(ScoreResult, dict(plain), config=config)
