"""Helpers for the eligibility tests: a complete, passing base profile per program and a runner."""

from __future__ import annotations

import copy
from typing import Any

from scoring.eligibility import evaluate_json

COMPANY: dict[str, Any] = {
    "city": "揭阳市",
    "registered_in_guangdong": True,
    "independent_legal_person": True,
    "sector": "manufacturing",
    "sme_size_class": "medium",
    "years_in_operation": 6,
    "employees": 180,
    "revenue_wan": 12000,
    "main_business_revenue_wan": 11000,
    "total_assets_wan": 9000,
    "revenue_growth_2y_avg_pct": 18,
    "revenue_growth_each_year_positive": True,
    "net_profit_growth_2y_avg_pct": 6,
    "profit_total_wan": 600,
    "rd_ratio_2y_pct": 4.2,
    "debt_to_asset_pct": 55,
    "invention_patents": 3,
    "other_ip_items": 8,
    "priority_field": False,
    "single_champion": False,
    "dishonest_judgment_debtor": False,
    "years_since_major_accident": None,
    "years_since_serious_violation": None,
    "overdue_unaccepted_provincial_project": False,
    "years_in_niche": 5,
    "province_niche_rank": 2,
    "rd_institution": True,
    "core_business_on_info_system": True,
    "own_brand": True,
    "certifications": ["quality_management"],
    "miit_digital_level": 2,
}

PROJECTS: dict[str, dict[str, Any]] = {
    "gd_dt_benchmark_2022": {
        "direction": "industrial_internet_app_innovation",
        "start_date": "2019-06-01",
        "completion_date": "2020-12-01",
        "investment_wan": 350,
        "it_investment_wan": 250,
        "evaluation_score": 78,
        "uses_external_provider": True,
        "data_on_cloud": ["equipment", "system"],
        "data_used_on_platform": True,
        "quantified_kpis": True,
    },
    "gd_techreform_equipment_post_award": {
        "equipment_purchase_wan": 450,
        "filed_with_authority": True,
        "completed_within_filing_period": True,
        "prior_provincial_funding": False,
        "counted_in_techreform_statistics": True,
    },
    "gd_inclusive_mfg_investment_award": {
        "total_investment_yi": 6,
        "new_fai_wan": 30000,
        "counted_in_fai_statistics": True,
        "prior_major_project_award": False,
    },
    "jy_tu_techreform_2018_2020": {"direction": "equipment_renewal", "equipment_purchase_wan": 800},
}

AS_OF: dict[str, str] = {
    "gd_dt_benchmark_2022": "2021-07-01",
    "gd_techreform_equipment_post_award": "2023-03-01",
    "gd_inclusive_mfg_investment_award": "2023-03-01",
    "jy_tu_techreform_2018_2020": "2019-05-01",
    "gd_zjtx_sme": "2021-06-01",
    "miit_zjtx_little_giant_batch3": "2021-05-01",
    "gd_sme_dt_pilot_digital_level": "2025-01-01",
}


def payload(
    program: str,
    company: dict[str, Any] | None = None,
    project: dict[str, Any] | None = None,
    as_of: str | None = None,
    drop: tuple[str, ...] = (),
) -> dict[str, Any]:
    """A payload for one program; `company`/`project` override base values (None deletes a key via drop)."""
    comp = copy.deepcopy(COMPANY)
    comp.update(company or {})
    body: dict[str, Any] = {"as_of": as_of or AS_OF[program], "company": comp, "projects": []}
    if program in PROJECTS:
        proj = {"id": "x", "program": program, **copy.deepcopy(PROJECTS[program])}
        proj.update(project or {})
        body["projects"] = [proj]
    for key in drop:
        comp.pop(key, None)
        for p in body["projects"]:
            p.pop(key, None)
    return body


def result(program: str, **kwargs: Any) -> dict[str, Any]:
    code, body = evaluate_json(payload(program, **kwargs))
    assert code == 200, body
    project = "x" if program in PROJECTS else None
    matches = [r for r in body["results"] if r["program"] == program and r["project"] == project]
    assert len(matches) == 1
    return matches[0]


def reason(res: dict[str, Any], clause: str) -> dict[str, Any]:
    found = [r for r in res["reasons"] if r["clause"] == clause]
    assert found, f"no reason {clause}: {[r['clause'] for r in res['reasons']]}"
    return found[0]
