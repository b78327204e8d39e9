"""The provincial SME digital-transformation pilot-city target, as a bureau tracks it.

What counts (scoring/rules/gd_sme_dt_pilot_digital_level.yaml, from policy/pilot_cities_2023_2026.md): an
SME (micro, small or medium) of a pilot city whose MIIT 2024 level was below 二级 — or who had no MIIT
2024 assessment — before an upgrade, and is 二级 or above after it, the after-round submitted between
2023-10-11 and 2026-12-31 (China time). Each city must show 350 such SMEs in the Pearl River Delta, 200
elsewhere. The platform sees the upgrade as two MIIT rounds of one company: a round in the window at 二级+
whose previous round (if any) was below 二级.

Two counts side by side: *self-reported* (the company's own assessment) and *confirmed* (the after-round's
level as an appointed assessor signed it off, portal/review). Only confirmed companies count toward the
target, because pilot-city enterprises are rated on site (工信厅企业〔2024〕56号). A previous round's
level is its confirmed level when it was reviewed, its self-reported level otherwise.

Every count is a `Tally` published by `disclosure.publish` (the one disclosure method), rows are limited by
`within_jurisdiction` (the one scope rule), and the list behind the count shows consenting companies only,
withheld by `disclosure.list_withheld` like every other bureau list.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final

import sqlalchemy as sa

from portal.bureau import disclosure, scope
from portal.bureau.disclosure import ZERO, Tally
from portal.extensions import db
from portal.models import Assessment, AssessmentResult, AssessmentStatus, Company, User
from portal.results.format import LOCAL_TZ
from portal.review.models import AssessmentReview, ReviewStatus
from portal.review.services import MIIT_INSTRUMENT
from scoring.eligibility.rule_types import in_scope
from scoring.eligibility.rules import Program, default_rules

PROGRAM_ID: Final = "gd_sme_dt_pilot_digital_level"
TARGET_LEVEL: Final = 2  # 二级
SMES: Final = ("micro", "small", "medium")
# The per-city minimum each target clause of the rule states (its title says the number; a test checks it).
CITY_TARGETS: Final = {"city_target_prd": 350, "city_target_ewn": 200}


def program() -> Program:
    found = default_rules().get(PROGRAM_ID)
    if found is None:  # pragma: no cover — a shipped rule
        raise LookupError(PROGRAM_ID)
    return found


def pilot_cities() -> tuple[str, ...]:
    return program().region_scope


def window() -> tuple[date, date]:
    p = program()
    return p.valid_from, p.valid_to or date.max


def city_target(city: str) -> int | None:
    """The city's minimum of upgraded SMEs (None: not a pilot city)."""
    if city not in pilot_cities():
        return None
    for clause in program().clauses:
        if clause.id in CITY_TARGETS and in_scope(city, clause.region_scope):
            return CITY_TARGETS[clause.id]
    return None  # pragma: no cover — every pilot city is in one of the two regions


@dataclass(frozen=True)
class Round:
    assessment_id: int
    submitted_on: date
    reported: int | None  # self-reported MIIT level
    confirmed: int | None  # the signed-off review's level
    confirmed_at: datetime | None
    assessor: str | None

    @property
    def known(self) -> int | None:
        """The level a later round is compared with: confirmed when reviewed."""
        return self.confirmed if self.confirmed is not None else self.reported


@dataclass(frozen=True)
class Upgrade:
    """A company of the jurisdiction and the round that upgraded it (self-reported and/or confirmed)."""

    company: Any  # the row: id, name, city, district, cluster, size_class, bureau_sharing
    reported: Round | None  # the round that counts as self-reported upgrade
    confirmed: Round | None  # the round that counts as confirmed upgrade

    @property
    def key(self) -> Tally:
        return Tally(1, disclosure.record_key(self.company.id))


def _after(rounds: list[Round], level_of: Any, start: date, end: date) -> Round | None:
    """The first round in the window at 二级+ (by `level_of`) after a round below 二级 or none."""
    previous: Round | None = None
    for r in rounds:
        level = level_of(r)
        in_window = start <= r.submitted_on <= end and level is not None and level >= TARGET_LEVEL
        if in_window and (previous is None or previous.known is None or previous.known < TARGET_LEVEL):
            return r
        previous = r
    return None


def _rounds(user: User) -> dict[Any, list[Round]]:
    latest = (
        sa.select(sa.func.max(AssessmentResult.id))
        .where(AssessmentResult.assessment_id == Assessment.id)
        .correlate(Assessment)
        .scalar_subquery()
    )
    query = (
        sa.select(
            Company.id,
            Company.name,
            Company.city,
            Company.district,
            Company.cluster,
            Company.size_class,
            Company.bureau_sharing,
            Assessment.id.label("assessment_id"),
            Assessment.submitted_at,
            AssessmentResult.miit_level,
            AssessmentReview.confirmed_miit_level,
            AssessmentReview.signed_off_at,
            AssessmentReview.assessor_name,
            AssessmentReview.status,
        )
        .join(Assessment, Assessment.company_id == Company.id)
        .outerjoin(AssessmentResult, AssessmentResult.id == latest)
        .outerjoin(AssessmentReview, AssessmentReview.assessment_id == Assessment.id)
        .where(
            scope.within_jurisdiction(user, Company.city, Company.district),
            Company.city.in_(pilot_cities()),
            Company.size_class.in_(SMES),
            Assessment.instrument_id == MIIT_INSTRUMENT,
            Assessment.status == AssessmentStatus.SUBMITTED,
        )
        .order_by(Company.id, Assessment.submitted_at, Assessment.id)
    )
    by_company: dict[Any, list[Round]] = defaultdict(list)
    for row in db.session.execute(query):
        signed = row.status is ReviewStatus.SIGNED_OFF
        company = (row.id, row.name, row.city, row.district, row.cluster, row.size_class, row.bureau_sharing)
        by_company[company].append(
            Round(
                row.assessment_id,
                row.submitted_at.astimezone(LOCAL_TZ).date(),
                row.miit_level,
                row.confirmed_miit_level if signed else None,
                row.signed_off_at if signed else None,
                row.assessor_name if signed else None,
            )
        )
    return by_company


@dataclass(frozen=True)
class CompanyRow:
    id: int
    name: str
    city: str
    district: str | None
    cluster: str | None
    size_class: str | None
    bureau_sharing: bool


def upgrades(user: User) -> list[Upgrade]:
    """Every company of the officer's jurisdiction that upgraded, self-reported or confirmed."""
    start, end = window()
    found = []
    for company, rounds in _rounds(user).items():
        reported = _after(rounds, lambda r: r.reported, start, end)
        confirmed = _after(rounds, lambda r: r.confirmed, start, end)
        if reported or confirmed:
            found.append(Upgrade(CompanyRow(*company), reported, confirmed))
    return found


@dataclass
class Counts:
    """True tallies of one group: self-reported and confirmed upgrades (published only via `figures`)."""

    reported: Tally = ZERO
    confirmed: Tally = ZERO

    def add(self, upgrade: Upgrade) -> None:
        if upgrade.reported is not None:
            self.reported += upgrade.key
        if upgrade.confirmed is not None:
            self.confirmed += upgrade.key


@dataclass(frozen=True)
class Figures:
    label: str
    reported: int | str
    confirmed: int | str
    target: int | None
    progress: float | str  # confirmed / target, from the published figure


def figures(label: str, counts: Counts, target: int | None = None) -> Figures:
    confirmed = disclosure.publish(counts.confirmed)
    return Figures(
        label,
        disclosure.publish(counts.reported),
        confirmed,
        target,
        disclosure.share(confirmed, target) if target else disclosure.DASH,
    )


def group(items: Iterable[Upgrade], key: Any) -> dict[str, Counts]:
    groups: dict[str, Counts] = defaultdict(Counts)
    for u in items:
        groups[key(u.company) or ""].add(u)
    return dict(sorted(groups.items()))


@dataclass
class Listing:
    rows: list[Upgrade] = field(default_factory=list)
    withheld: bool = False


def listing(items: list[Upgrade]) -> Listing:
    """The consenting companies behind the count, or nothing when the rest could be singled out."""
    selection = sum((u.key for u in items), ZERO)
    hidden = sum((u.key for u in items if not u.company.bureau_sharing), ZERO)
    if disclosure.list_withheld(hidden, selection):
        return Listing([], True)
    shown = [u for u in items if u.company.bureau_sharing]
    shown.sort(key=lambda u: (u.confirmed is None, u.company.district or "", u.company.name))
    return Listing(shown, False)
