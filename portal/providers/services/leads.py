"""What providers do with shared assessments: recommendations, leads, and anonymous gap counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.extensions import db
from portal.i18n import pick
from portal.models import (
    Assessment,
    AssessmentResult,
    AssessmentStatus,
    Company,
    Consent,
    ProviderOrg,
    Recommendation,
    Solution,
    User,
)
from portal.providers import audit, consent, matching
from portal.providers.models import CLOUD_KINDS, MODULES
from portal.providers.services.catalogue import ProviderError, roadmap_actions, solutions_of

MIN_GROUP = 5  # anonymous counts below this are suppressed


# ---------------------------------------------------------------------------------------------------
# Recommendations
# ---------------------------------------------------------------------------------------------------


def recommend(user: User, assessment: Assessment, data: Mapping[str, Any]) -> Recommendation:
    if consent.active_consent(user.provider_org_id, assessment.id) is None:
        raise ProviderError(403, _l("企业的授权已失效，无法推荐。"))
    solution = db.session.get(Solution, data["solution_id"])
    if solution is None or solution.org_id != user.provider_org_id or solution.hidden:
        raise ProviderError(400, _l("只能推荐本机构未被下架的方案。"), "solution_id")
    rec = Recommendation(
        company_id=assessment.company_id,
        assessment_id=assessment.id,
        provider_org_id=solution.org_id,
        solution_id=solution.id,
        action_id=(data.get("action_id") or "").strip() or None,
        message=(data.get("message") or "").strip() or None,
        created_by_id=user.id,
    )
    db.session.add(rec)
    db.session.commit()
    audit.record(user, assessment, "recommend", solution.name)
    return rec


def recommendations_for(assessment: Assessment) -> list[Recommendation]:
    return list(
        db.session.scalars(
            sa.select(Recommendation)
            .join(Solution, Solution.id == Recommendation.solution_id)
            .where(Recommendation.assessment_id == assessment.id, Solution.hidden.is_(False))
            .order_by(Recommendation.created_at.desc())
        )
    )


def recommendations_of_company(company: Company) -> list[Recommendation]:
    return list(
        db.session.scalars(
            sa.select(Recommendation)
            .join(Solution, Solution.id == Recommendation.solution_id)
            .where(Recommendation.company_id == company.id, Solution.hidden.is_(False))
            .order_by(Recommendation.created_at.desc())
        )
    )


# ---------------------------------------------------------------------------------------------------
# Leads: companies that shared with the organisation, and anonymous gap counts
# ---------------------------------------------------------------------------------------------------


def leads(org: ProviderOrg) -> list[Consent]:
    """Active consents given to the organisation (the company, assessment, mode and last day)."""
    return consent.active_consents_of_org(org.id)


@dataclass(frozen=True)
class GapRow:
    city: str
    gap: str  # module id or 上云上平台 kind
    label: str  # in the current language
    count: int | None  # None = fewer than MIN_GROUP companies (suppressed)


def _latest_results(cities: Iterable[str]) -> list[tuple[str, dict[str, Any]]]:
    """(city, result JSON) of the latest scored submission of each company in the cities."""
    latest_assessment = (
        sa.select(sa.func.max(Assessment.id).label("id"))
        .where(Assessment.status == AssessmentStatus.SUBMITTED)
        .group_by(Assessment.company_id)
        .subquery()
    )
    latest_result = (
        sa.select(sa.func.max(AssessmentResult.id).label("id"))
        .where(AssessmentResult.assessment_id.in_(sa.select(latest_assessment.c.id)))
        .group_by(AssessmentResult.assessment_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(Company.city, AssessmentResult.result)
        .join(Assessment, Assessment.id == AssessmentResult.assessment_id)
        .join(Company, Company.id == Assessment.company_id)
        .where(AssessmentResult.id.in_(sa.select(latest_result.c.id)), Company.city.in_(list(cities)))
    )
    return [(city, result) for city, result in rows]


def gap_counts(org: ProviderOrg) -> list[GapRow]:
    """How many companies per served city have a roadmap gap the organisation's visible solutions address.

    Aggregate counts only, no identities; groups of fewer than MIN_GROUP companies are suppressed.
    """
    solutions = [s for s in solutions_of(org) if not s.hidden]
    modules = {m for s in solutions for m in s.modules}
    kinds = {k for s in solutions for k in s.cloud_kinds}
    if not (modules or kinds) or not org.cities_served:
        return []
    counter: Counter[tuple[str, str]] = Counter()
    for city, result in _latest_results(org.cities_served):
        gaps: set[str] = set()
        for action in roadmap_actions(result):
            kind = matching.cloud_kind_of(action)
            if kind in kinds:
                gaps.add(kind)
            if action.get("module_id") in modules:
                gaps.add(action["module_id"])
        for gap in gaps:
            counter[(city, gap)] += 1
    labels = {k: pick(*v) for k, v in {**MODULES, **CLOUD_KINDS}.items()}
    rows = []
    for city in sorted(org.cities_served):
        for gap in [*MODULES, *CLOUD_KINDS]:
            if gap not in modules | kinds:
                continue
            n = counter.get((city, gap), 0)
            rows.append(GapRow(city, gap, labels[gap], n if n >= MIN_GROUP else None))
    return rows
