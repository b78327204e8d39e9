"""What a scored result looks like to a company, in one language: the types the result page, the PDF report
and the verify page all render (built by `portal.results.view.build_result_view`).

Every text is already in the view's language and every number is a plain int / float, so a template only
lays things out: it never picks a language, formats an answer or decides which score is "mine".
"""

from __future__ import annotations

from dataclasses import dataclass

from portal.results.compare_model import Comparison, History

# the plan's parts, in this namespace too: the API schema (portal.results.plain) resolves types here
from portal.results.plan_model import PlanAlternative, PlanSolution, PlanStep, PlanView  # noqa: F401

Number = int | float


@dataclass(frozen=True)
class Bench:
    """Where a score sits among the peers (`ok` False: too few peers, `group` says why)."""

    ok: bool
    group: str
    peers: int | None
    percentile: Number | None
    p25: Number | None
    median: Number | None
    p75: Number | None
    min: Number | None
    max: Number | None
    me: Number | None  # the company's own score on this scale (0–100)


@dataclass(frozen=True)
class Overall:
    score: Number | None
    level: int
    level_name: str
    gbt39116: str
    rule: str


@dataclass(frozen=True)
class LevelTest:
    """One level of a dimension as tested: its minimum score and its extra condition, if any."""

    level: int
    min_score: Number | None
    score_met: bool
    requires: str | None
    requires_met: bool | None

    @property
    def met(self) -> bool:
        return self.score_met and self.requires_met is not False


@dataclass(frozen=True)
class GapRow:
    """A question that stands between the dimension and its next level."""

    question: str
    current: str
    needed: str
    note: str | None
    points: Number | None  # points the question can still earn; None for a condition of the level


@dataclass(frozen=True)
class NextLevel:
    level: int
    name: str
    score_short: Number | None
    rows: tuple[GapRow, ...]


@dataclass(frozen=True)
class Dimension:
    id: str
    title: str
    score: Number | None
    level: int
    level_name: str
    weight: Number | None
    target: int | None
    bench: Bench | None
    decided_by: tuple[LevelTest, ...]
    next_level: NextLevel | None


@dataclass(frozen=True)
class MiitGroup:
    module: str
    title: str
    points: Number | None
    max: Number | None
    pct: Number | None


@dataclass(frozen=True)
class MiitPart:
    title: str
    points: Number | None
    max: Number | None


@dataclass(frozen=True)
class Scenario:
    name: str
    constraint: bool
    level: int


@dataclass(frozen=True)
class MiitNext:
    name: str
    points_short: Number | None
    scenario_level: int
    scenarios_short: int
    constraint_short: int
    missing: tuple[str, ...]


@dataclass(frozen=True)
class Miit:
    level: int
    level_name: str
    total: Number | None
    parts: tuple[MiitPart, ...]
    groups: tuple[MiitGroup, ...]
    scenarios: tuple[Scenario, ...]
    next_level: MiitNext | None
    rule: str


@dataclass(frozen=True)
class CloudKind:
    name: str
    counted: bool
    missing: tuple[str, ...]


@dataclass(frozen=True)
class Cloud:
    kinds: tuple[CloudKind, ...]
    counted: int
    on_cloud: bool
    on_platform: bool
    definition: str


@dataclass(frozen=True)
class FiveG:
    tier: str
    missing: tuple[str, ...]


@dataclass(frozen=True)
class Action:
    id: str  # the engine's action id: what solutions, recommendations and the matching refer to
    rank: int
    title: str
    measure: str
    source: str
    horizon: str  # the horizon's label, for lists that mix horizons (top actions)
    level_before: int
    level_after: int
    score_gain: Number | None
    for_target: bool
    programmes: tuple[str, ...]


@dataclass(frozen=True)
class Horizon:
    key: str
    label: str
    actions: tuple[Action, ...]


@dataclass(frozen=True)
class Roadmap:
    horizons: tuple[Horizon, ...]
    formula: str


@dataclass(frozen=True)
class FieldGap:
    field: str
    unit: str
    shortfall: Number | None
    required: Number | None
    actual: Number | None


@dataclass(frozen=True)
class Programme:
    name: str
    status: str
    status_label: str
    passed: int
    reasons: tuple[str, ...]
    reasons_more: int
    missing: tuple[str, ...]
    missing_more: int
    valid_to: str | None
    award: Number | None
    gaps: tuple[FieldGap, ...]
    project: str | None


@dataclass(frozen=True)
class Programmes:
    available: bool
    rows: tuple[Programme, ...] = ()

    @property
    def eligible(self) -> tuple[Programme, ...]:
        return tuple(row for row in self.rows if row.status == "eligible")


@dataclass(frozen=True)
class Evidence:
    label: str
    value: str
    unit: str


@dataclass(frozen=True)
class AppendixRow:
    no: int
    question: str
    answer: str
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class AppendixModule:
    title: str
    rows: tuple[AppendixRow, ...]


@dataclass(frozen=True)
class Source:
    title: str
    reference: str | None


@dataclass(frozen=True)
class Method:
    engine_version: str  # the scorer's identifier, for the API and the audit trail; pages show `version`
    version: str  # the scoring method's version as people read it ("1.0.0")
    computed_at: str | None  # China time, "YYYY-MM-DD HH:MM"; None for a live preview
    instrument_hash: str
    notes: str | None
    overall_rule: str
    miit_rule: str | None
    cloud_definition: str | None
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class Radar:
    """Dimension scores on a radar (input of `portal.charts.radar`)."""

    modules: tuple[tuple[str, str, Number], ...]  # (dimension id, title, score)
    targets: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class MiitBars:
    """MIIT points per sub-dimension against their maximum (input of `portal.charts.miit_bars`)."""

    groups: tuple[tuple[str, str, float, float], ...]  # (group id, title, points, max points)


@dataclass(frozen=True)
class Charts:
    radar: Radar | None
    miit_bars: MiitBars | None


@dataclass(frozen=True)
class InstrumentInfo:
    id: str
    title: str
    version: str


@dataclass(frozen=True)
class Adjustment:
    """An answer the assessor adjusted or did not accept, with the reason the company reads."""

    question: str
    submitted: str
    confirmed: str  # the assessor's answer; "not accepted" for a rejection
    rejected: bool
    comment: str


@dataclass(frozen=True)
class Verified:
    """The on-site review of a MIIT assessment (portal/review): signed off, or still under way."""

    signed_off: bool
    assessor: str  # name (and organisation)
    signed_off_at: str  # China time, "—" while under way
    level: int | None  # the confirmed MIIT level (None while under way)
    level_name: str
    points: Number | None
    reported_level: int | None
    reported_level_name: str
    confirmed_items: int
    adjustments: tuple[Adjustment, ...]


@dataclass(frozen=True)
class ResultView:
    """A scored assessment as a company reads it, in `lang`."""

    lang: str
    list_sep: str  # between the items of an inline list: "、" in Chinese, ", " in English
    assessment_id: int
    company: str
    instrument: InstrumentInfo
    submitted_on: str  # local date of submission ("—" for a draft)
    preview: bool  # a draft scored live, nothing stored
    overall: Overall
    mine: Number | None  # the score the benchmark ranks: MIIT points for MIIT, else the overall score
    benchmark: Bench
    miit: Miit | None
    cloud: Cloud | None
    fiveg: FiveG | None
    dimensions: tuple[Dimension, ...]
    roadmap: Roadmap | None
    top_actions: tuple[Action, ...]
    programmes: Programmes
    comparison: Comparison | None  # with the previous submitted round; None for a first round or a draft
    history: History  # every submitted round of the questionnaire
    appendix: tuple[AppendixModule, ...]
    method: Method
    charts: Charts
    # The assessor's review of a MIIT self-assessment, when one was started (portal/review).
    verified: Verified | None = None
    plan: PlanView | None = None  # the upgrade plan toward the chosen target (portal.results.plan_view)
