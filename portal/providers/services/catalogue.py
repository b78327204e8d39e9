"""Organisations' own pages: profile, recognitions and the solution catalogue, and the catalogue as
matching offers for a result's roadmap."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal import transactions
from portal.errors import PortalError
from portal.extensions import db
from portal.models import (
    Company,
    ProviderOrg,
    Recognition,
    Solution,
)
from portal.models._common import utcnow
from portal.providers import matching
from portal.providers.models import CLOUD_KINDS, MODULES
from scoring.maturity import roadmap


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
    known = [a.id for a in roadmap.catalogue()]
    solution.actions = [a for a in known if a in (data.get("actions") or [])]
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
        "actions": list(solution.actions or ()),
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
        actions=frozenset(solution.actions or ()),
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
    """Every solution not hidden by moderation, ready for matching (read once per request: a result page
    matches its roadmap and prices its upgrade plan from the same catalogue)."""
    return list(transactions.read_once(("visible offers",), _visible_offers))


def _visible_offers() -> tuple[matching.Offer, ...]:
    verified = verified_org_ids()
    rows = db.session.execute(
        sa.select(Solution, ProviderOrg)
        .join(ProviderOrg, ProviderOrg.id == Solution.org_id)
        .where(Solution.hidden.is_(False))
        .order_by(Solution.id)
    )
    return tuple(to_offer(solution, org, verified) for solution, org in rows)


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
