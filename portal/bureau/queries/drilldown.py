"""Drill-down lists of the companies that agreed to share details (Company.bureau_sharing); the others
are only counted (published through `portal.bureau.disclosure`), never named. A list is withheld when
1–4 companies of the selection did not agree: the published totals minus the list would single them out."""

from __future__ import annotations

from typing import Any, Final

import sqlalchemy as sa
from flask_babel import gettext as _

from portal.bureau import aggregates
from portal.bureau.disclosure import ZERO, Tally, list_withheld, publish, record_key_sql, tally
from portal.bureau.models import NONE_MONTH, BureauProgramStatus
from portal.bureau.queries.filters import Filters, company_cols, dim_conditions
from portal.bureau.queries.labels import (
    FIVEG_NAMES,
    LEVEL_NAMES,
    MIIT_NAMES,
    SIZE_NAMES,
    city_name,
    cluster_name,
    district_name,
    program_name,
)
from portal.extensions import db
from portal.i18n import pick
from portal.inputs import MAX_PAGE
from portal.models import Company, User

PAGE_SIZE: Final = 50


def _latest_facts(user: User, filters: Filters) -> Any:
    """Per company the fact row counted for the filters (latest overall, or latest within the range)."""
    f = aggregates.FACT_TABLE.c
    if filters.dated:
        lo = filters.month_from if filters.month_from is not None else 0
        hi = filters.month_to if filters.month_to is not None else NONE_MONTH - 1
        return [f.month >= lo, f.month <= hi, f.next_any > hi]
    return [f.next_any == NONE_MONTH]


def _tallies_by_consent(source: Any, where: list[Any], company_id: Any) -> tuple[Tally, Tally]:
    """Rows of consenting and of non-consenting companies: (sharing, hidden) tallies."""
    query = (
        sa.select(Company.bureau_sharing, sa.func.count(), sa.func.sum(record_key_sql(company_id)))
        .select_from(source)
        .where(*where)
        .group_by(Company.bureau_sharing)
    )
    found = {bool(sharing): tally(n, keys) for sharing, n, keys in db.session.execute(query)}
    return found.get(True, ZERO), found.get(False, ZERO)


def company_list(user: User, filters: Filters, page: int = 1) -> dict[str, Any]:
    """Assessed companies of the selection that agreed to share details (Company.bureau_sharing).

    Companies that did not agree are only counted (suppressed below 5), never named.
    Figures: the latest fact row of the selection (maturity/cloud of that month's gd-mfg-dt assessment).
    """
    f = aggregates.FACT_TABLE.c
    base = [*_latest_facts(user, filters), *dim_conditions(f, user, filters)]
    join = aggregates.FACT_TABLE.join(Company.__table__, Company.id == f.company_id)
    sharing, hidden = _tallies_by_consent(join, base, f.company_id)
    withheld = list_withheld(hidden, sharing + hidden)
    page = min(max(1, page), MAX_PAGE)  # a huge page made an OFFSET the database refuses
    rows = db.session.execute(
        sa.select(
            Company.id,
            Company.name,
            Company.city,
            Company.district,
            Company.cluster,
            Company.size_class,
            f.month,
            f.overall_level,
            f.on_cloud,
            f.on_platform,
            f.fiveg_tier,
            f.miit_level,
            f.has_gd,
        )
        .select_from(join)
        .where(*base, Company.bureau_sharing == sa.true())
        .order_by(Company.name, Company.id)
        .limit(0 if withheld else PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    companies = [
        {
            "id": r.id,
            "name": r.name,
            "city": city_name(r.city),
            "district": district_name(r.city, r.district or ""),
            "cluster": cluster_name(r.cluster or ""),
            "size_class": str(SIZE_NAMES.get(r.size_class or "", r.size_class)),
            "month": aggregates.month_label(r.month),
            "level": str(LEVEL_NAMES.get(r.overall_level, "—")) if r.has_gd else "—",
            "on_cloud": bool(r.on_cloud) if r.has_gd else None,
            "on_platform": bool(r.on_platform) if r.has_gd else None,
            "fiveg": str(FIVEG_NAMES.get(r.fiveg_tier or "", "—")) if r.has_gd else "—",
            "miit_level": str(MIIT_NAMES.get(r.miit_level, "—")) if r.miit_level is not None else "—",
        }
        for r in rows
    ]
    total = 0 if withheld else sharing.count
    return {
        "companies": companies,
        "withheld": withheld,
        "sharing": total,
        "not_sharing": publish(hidden),
        "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)),
    }


def _gap_text(gap: dict[str, Any]) -> str:
    """A gap as people read it: the field's name from the eligibility catalogue, never its key."""
    from portal.eligibility import catalog

    spec = catalog.field_spec(str(gap.get("field", "")))
    label = pick(spec.label_zh, spec.label_en) if spec else _("其他条件")
    if gap.get("missing"):
        return _("%(field)s：待补充", field=label)
    unit = pick(spec.unit_zh, spec.unit_en) if spec else ""
    return _("%(field)s：差 %(shortfall)s%(unit)s", field=label, shortfall=gap.get("shortfall"), unit=unit)


def pipeline_list(user: User, filters: Filters, program: str | None = None, page: int = 1) -> dict[str, Any]:
    """Program pipeline of consenting companies: company, level, program, status, award, gaps."""
    p = BureauProgramStatus
    f = aggregates.FACT_TABLE.c
    where = [*dim_conditions(company_cols(), user, filters)]
    if program:
        where.append(p.program == program)
    level = (
        sa.select(f.overall_level)
        .where(f.company_id == Company.id, f.next_gd == NONE_MONTH, f.has_gd == sa.true())
        .limit(1)
        .scalar_subquery()
    )
    shown, hidden = _tallies_by_consent(
        sa.join(p.__table__, Company.__table__, Company.id == p.company_id), where, p.company_id
    )
    withheld = list_withheld(hidden, shown + hidden)
    page = min(max(1, page), MAX_PAGE)  # a huge page made an OFFSET the database refuses
    rows = db.session.execute(
        sa.select(Company.name, Company.city, Company.district, level.label("level"), p)
        .join(Company, Company.id == p.company_id)
        .where(*where, Company.bureau_sharing == sa.true())
        .order_by(p.program, p.status, sa.desc(p.estimated_award_wan), Company.name)
        .limit(0 if withheld else PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    items = []
    for name, city, district, lvl, status in rows:
        items.append(
            {
                "company": name,
                "area": f"{city_name(city)} {district_name(city, district or '')}".strip(),
                "level": str(LEVEL_NAMES.get(lvl, "—")),
                "program": status.program,
                "program_name": program_name(status.program, status.name_zh, status.name_en),
                "status": status.status,
                "estimated_award_wan": str(status.estimated_award_wan)
                if status.estimated_award_wan is not None
                else None,
                "gaps": [_gap_text(g) for g in (status.gaps or [])],
                "synthetic": status.synthetic,
            }
        )
    total = 0 if withheld else shown.count
    return {
        "items": items,
        "withheld": withheld,
        "sharing": total,
        "not_sharing": publish(hidden),
        "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)),
    }
