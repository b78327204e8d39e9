"""Provider feature services: profiles, recognitions, catalogue, matching data, recommendations, leads,
anonymous gap counts, administrator verification and moderation. Views stay thin and call these."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.errors import PortalError
from portal.extensions import db
from portal.i18n import pick
from portal.models import (
    AnswerChange,
    Assessment,
    AssessmentResult,
    AssessmentStatus,
    Company,
    Consent,
    ProviderOrg,
    Recognition,
    Recommendation,
    Solution,
    User,
)
from portal.models._common import utcnow
from portal.providers import audit, consent, matching
from portal.providers.models import CLOUD_KINDS, MODULES

MIN_GROUP = 5  # anonymous counts below this are suppressed


class ProviderError(PortalError):
    """A request the provider feature refuses; `field` names the form field when there is one."""


# ---------------------------------------------------------------------------------------------------
# Organisation profile and recognitions
# ---------------------------------------------------------------------------------------------------


def update_profile(org: ProviderOrg, data: Mapping[str, Any]) -> None:
    code = data["credit_code"]
    clash = db.session.scalar(
        sa.select(ProviderOrg.id).where(ProviderOrg.credit_code == code, ProviderOrg.id != org.id)
    )
    if clash is not None:
        raise ProviderError(409, _l("该统一社会信用代码已被其他服务商使用。"), "credit_code")
    org.name = data["name"].strip()
    org.credit_code = code
    org.city = data.get("city") or None
    org.cities_served = sorted(set(data.get("cities_served") or []))
    org.service_types = list(dict.fromkeys(data.get("service_types") or []))
    for key in ("description", "contact_name", "contact_phone", "contact_email", "website"):
        setattr(org, key, (data.get(key) or "").strip() or None)
    org.updated_at = utcnow()
    db.session.commit()


def recognitions_of(org: ProviderOrg) -> list[Recognition]:
    return list(
        db.session.scalars(
            sa.select(Recognition).where(Recognition.org_id == org.id).order_by(Recognition.id)
        )
    )


def declare_recognition(org: ProviderOrg, data: Mapping[str, Any]) -> Recognition:
    rec = Recognition(
        org_id=org.id,
        kind=data["kind"],
        title=(data.get("title") or "").strip() or None,
        year=data.get("year"),
        evidence=(data.get("evidence") or "").strip() or None,
    )
    db.session.add(rec)
    db.session.commit()
    return rec


def withdraw_recognition(org: ProviderOrg, recognition_id: int) -> bool:
    rec = db.session.get(Recognition, recognition_id)
    if rec is None or rec.org_id != org.id:
        return False
    db.session.delete(rec)
    db.session.commit()
    return True


def verified_org_ids() -> set[int]:
    return set(db.session.scalars(sa.select(Recognition.org_id).where(Recognition.verified_on.is_not(None))))


# ---------------------------------------------------------------------------------------------------
# Solution catalogue
# ---------------------------------------------------------------------------------------------------


def solutions_of(org: ProviderOrg) -> list[Solution]:
    return list(
        db.session.scalars(sa.select(Solution).where(Solution.org_id == org.id).order_by(Solution.id))
    )


def own_solution(org: ProviderOrg, solution_id: int) -> Solution | None:
    solution = db.session.get(Solution, solution_id)
    return solution if solution is not None and solution.org_id == org.id else None


def save_solution(org: ProviderOrg, data: Mapping[str, Any], solution: Solution | None = None) -> Solution:
    """Create or update a catalogue entry from validated form data.

    Ticking every size is stored as "every size" (empty), so a provider cannot earn the "named size"
    points for all companies at once. A change to the support declaration clears its verification.
    """
    if solution is None:
        solution = Solution(org_id=org.id)
        db.session.add(solution)
    sizes = sorted(set(data.get("sizes") or []))
    support_listed = bool(data.get("support_listed"))
    support_note = (data.get("support_note") or "").strip() or None
    if (support_listed, support_note) != (solution.support_listed, solution.support_note):
        solution.support_verified_on = None
        solution.support_verified_by_id = None
    solution.name = data["name"].strip()
    solution.summary = data["summary"].strip()
    solution.modules = [m for m in MODULES if m in (data.get("modules") or [])]
    solution.cloud_kinds = [k for k in CLOUD_KINDS if k in (data.get("cloud_kinds") or [])]
    solution.clusters = [] if data.get("all_clusters") else sorted(set(data.get("clusters") or []))
    solution.sizes = [] if len(sizes) >= 4 else sizes
    solution.deployments = list(dict.fromkeys(data.get("deployments") or []))
    solution.price_band = data.get("price_band") or None
    solution.duration = data.get("duration") or None
    solution.support_listed = support_listed
    solution.support_note = support_note
    solution.updated_at = utcnow()
    db.session.commit()
    return solution


def form_data_of(solution: Solution) -> dict[str, Any]:
    """A solution as SolutionForm data (for the edit page)."""
    return {
        "name": solution.name,
        "summary": solution.summary,
        "modules": list(solution.modules),
        "cloud_kinds": list(solution.cloud_kinds),
        "all_clusters": not solution.clusters,
        "clusters": list(solution.clusters),
        "sizes": list(solution.sizes) or ["micro", "small", "medium", "large"],
        "deployments": list(solution.deployments),
        "price_band": solution.price_band or "",
        "duration": solution.duration or "",
        "support_listed": solution.support_listed,
        "support_note": solution.support_note or "",
    }


def delete_solution(solution: Solution) -> None:
    db.session.delete(solution)
    db.session.commit()


def to_offer(solution: Solution, org: ProviderOrg, verified_orgs: set[int]) -> matching.Offer:
    return matching.Offer(
        solution_id=solution.id,
        name=solution.name,
        org_id=org.id,
        org_name=org.name,
        modules=frozenset(solution.modules or ()),
        cloud_kinds=frozenset(solution.cloud_kinds or ()),
        clusters=frozenset(solution.clusters or ()),
        sizes=frozenset(solution.sizes or ()),
        cities_served=frozenset(org.cities_served or ()),
        support_listed=solution.support_listed,
        support_verified=solution.support_verified,
        provider_verified=org.id in verified_orgs,
        hidden=solution.hidden,
        extra={
            "summary": solution.summary,
            "price_band": solution.price_band,
            "duration": solution.duration,
            "deployments": list(solution.deployments or ()),
            "contact_phone": org.contact_phone,
            "contact_email": org.contact_email,
        },
    )


def visible_offers() -> list[matching.Offer]:
    """Every solution not hidden by moderation, ready for matching."""
    verified = verified_org_ids()
    rows = db.session.execute(
        sa.select(Solution, ProviderOrg)
        .join(ProviderOrg, ProviderOrg.id == Solution.org_id)
        .where(Solution.hidden.is_(False))
        .order_by(Solution.id)
    )
    return [to_offer(solution, org, verified) for solution, org in rows]


def roadmap_actions(result: Mapping[str, Any]) -> list[dict[str, Any]]:
    roadmap = result.get("roadmap") or {}
    actions: list[dict[str, Any]] = []
    for key in ("0-6", "6-18", "18-36"):
        actions.extend(roadmap.get("horizons", {}).get(key, []))
    return actions


def matches_for(
    company: Company, result: Mapping[str, Any]
) -> list[tuple[dict[str, Any], list[matching.Match]]]:
    """For each roadmap action of a result: the top solutions with their reasons."""
    from portal.results.services import profile_of
    from portal.templating import cluster_name

    actions = roadmap_actions(result)
    if not actions:
        return []
    offers = visible_offers()
    profile = profile_of(company)
    label = cluster_name(profile["cluster"]) if profile["cluster"] else ""
    return [(a, matching.rank(a, profile, offers, cluster_name=label)) for a in actions]


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


# ---------------------------------------------------------------------------------------------------
# Company side: providers to choose from, assist-mode changes
# ---------------------------------------------------------------------------------------------------


def all_orgs() -> list[ProviderOrg]:
    return list(db.session.scalars(sa.select(ProviderOrg).order_by(ProviderOrg.name)))


def assist_changes(company: Company, limit: int = 200) -> list[tuple[AnswerChange, str, str]]:
    """Answer changes made by providers for the company: (change, user name, organisation name)."""
    rows = db.session.execute(
        sa.select(AnswerChange, User.name, ProviderOrg.name)
        .join(Assessment, Assessment.id == AnswerChange.assessment_id)
        .join(ProviderOrg, ProviderOrg.id == AnswerChange.acting_provider_org_id)
        .outerjoin(User, User.id == AnswerChange.user_id)
        .where(Assessment.company_id == company.id)
        .order_by(AnswerChange.changed_at.desc(), AnswerChange.id.desc())
        .limit(limit)
    )
    return [(change, user_name or "—", org_name) for change, user_name, org_name in rows]


# ---------------------------------------------------------------------------------------------------
# Administrators: verification and moderation
# ---------------------------------------------------------------------------------------------------


def all_recognitions() -> list[Recognition]:
    return list(
        db.session.scalars(
            sa.select(Recognition).order_by(Recognition.verified_on.is_not(None), Recognition.id)
        )
    )


def all_solutions() -> list[Solution]:
    return list(db.session.scalars(sa.select(Solution).order_by(Solution.hidden.desc(), Solution.id)))


def set_recognition_verified(recognition_id: int, on: date | None, by: User) -> Recognition | None:
    rec = db.session.get(Recognition, recognition_id)
    if rec is None:
        return None
    rec.verified_on, rec.verified_by_id = on, (by.id if on else None)
    db.session.commit()
    return rec


def set_support_verified(solution_id: int, on: date | None, by: User) -> Solution | None:
    solution = db.session.get(Solution, solution_id)
    if solution is None:
        return None
    if on is not None and not solution.support_listed:
        raise ProviderError(400, _l("服务商未声明该方案可享受省级支持，无需核实。"))
    solution.support_verified_on, solution.support_verified_by_id = on, (by.id if on else None)
    db.session.commit()
    return solution


def moderate(solution_id: int, hidden: bool, reason: str, by: User) -> Solution | None:
    solution = db.session.get(Solution, solution_id)
    if solution is None:
        return None
    solution.hidden = hidden
    solution.moderation_reason = reason.strip()
    solution.moderated_at = utcnow()
    solution.moderated_by_id = by.id
    db.session.commit()
    return solution
