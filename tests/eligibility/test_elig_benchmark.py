"""gd_dt_benchmark_2022: every clause, both sides of each threshold, directions, awards, validity."""

from __future__ import annotations

import pytest
from elig_support import payload, reason, result

from scoring.eligibility import evaluate_json

P = "gd_dt_benchmark_2022"


def test_base_profile_is_eligible_with_award_and_to_confirm_reasons() -> None:
    r = result(P)
    assert r["status"] == "eligible"
    assert r["direction"] == "industrial_internet_app_innovation"
    # 30 % × 350 = 105 ≤ cap 200
    assert r["estimated_award_wan"] == 105
    assert r["award_cap_wan"] == 200
    assert r["gaps"] == []
    confirm = reason(r, "automation_it_basis")
    assert confirm["passed"] is None
    assert confirm["to_confirm"] is True
    src = reason(r, "investment_floor")["source"]
    assert src["file"] == "seeds/002_f2edbe3fa4cb40a2.txt"
    assert src["lines"] == "L2597-2601"
    assert src["document"] == "粤工信工业互联网函〔2021〕32号"


@pytest.mark.parametrize(
    ("city", "investment", "status"),
    [
        ("广州市", 499.99, "ineligible"),
        ("广州市", 500, "eligible"),
        ("揭阳市", 299.99, "ineligible"),
        ("揭阳市", 300, "eligible"),
    ],
)
def test_investment_floor_by_region(city: str, investment: float, status: str) -> None:
    score = 80 if city == "广州市" else 75
    r = result(
        P,
        company={"city": city},
        project={
            "investment_wan": investment,
            "it_investment_wan": investment * 0.7,
            "evaluation_score": score,
        },
    )
    assert reason(r, "investment_floor")["passed"] is (status == "eligible")
    assert r["status"] == status
    if status == "ineligible":
        gap = next(g for g in r["gaps"] if g["field"] == "investment_wan")
        assert gap["required"] == (500 if city == "广州市" else 300)
        assert gap["shortfall"] == 0.01
        assert r["estimated_award_wan"] is None


@pytest.mark.parametrize(
    ("city", "score", "ok"),
    [("佛山", 79.5, False), ("佛山", 80, True), ("梅州", 74, False), ("梅州", 75, True)],
)
def test_score_floor_by_region(city: str, score: float, ok: bool) -> None:
    r = result(
        P,
        company={"city": city},
        project={"investment_wan": 600, "it_investment_wan": 400, "evaluation_score": score},
    )
    assert reason(r, "evaluation_score")["passed"] is ok
    assert reason(r, "evaluation_score")["ambiguity"]["decision"].startswith(
        "evaluation_score is self-declared"
    )


@pytest.mark.parametrize(("it", "ok"), [(209.99, False), (210, True)])
def test_it_share_60_percent(it: float, ok: bool) -> None:
    r = result(P, project={"it_investment_wan": it})
    assert reason(r, "it_share")["passed"] is ok
    if not ok:
        gap = r["gaps"][0]
        assert gap == {
            "field": "it_investment_wan",
            "required": 210,
            "actual": 209.99,
            "shortfall": 0.01,
            "clause": "it_share",
            "alternative": False,
        }


@pytest.mark.parametrize(
    ("project", "clause"),
    [
        ({"start_date": "2018-03-19"}, "start_date"),
        ({"completion_date": "2021-06-23"}, "completed_before_call"),
        ({"start_date": "2018-06-01", "completion_date": "2020-06-02"}, "build_period"),
        ({"uses_external_provider": False}, "external_provider"),
        ({"data_on_cloud": []}, "data_on_cloud"),
        ({"quantified_kpis": False}, "quantified_kpis"),
    ],
)
def test_project_conditions_fail(project: dict[str, object], clause: str) -> None:
    r = result(P, project=project)
    assert reason(r, clause)["passed"] is False
    assert r["status"] == "ineligible"


@pytest.mark.parametrize(
    ("project", "clause"),
    [
        ({"start_date": "2018-03-20"}, "start_date"),
        ({"completion_date": "2021-06-22", "start_date": "2019-07-01"}, "completed_before_call"),
        ({"start_date": "2018-06-01", "completion_date": "2020-06-01"}, "build_period"),
    ],
)
def test_date_boundaries_pass(project: dict[str, object], clause: str) -> None:
    assert reason(result(P, project=project), clause)["passed"] is True


@pytest.mark.parametrize(
    ("company", "clause"),
    [
        ({"registered_in_guangdong": False}, "registered_in_guangdong"),
        ({"independent_legal_person": False}, "independent_legal_person"),
        ({"sector": "services"}, "manufacturing_enterprise"),
        ({"dishonest_judgment_debtor": True}, "not_dishonest_debtor"),
        ({"years_since_major_accident": 4.9}, "no_major_accident_5y"),
        ({"years_since_serious_violation": 2}, "no_serious_violation_5y"),
        ({"overdue_unaccepted_provincial_project": True}, "no_overdue_acceptance"),
    ],
)
def test_exclusions(company: dict[str, object], clause: str) -> None:
    r = result(P, company=company)
    assert reason(r, clause)["passed"] is False
    assert r["status"] == "ineligible"


def test_accident_exactly_five_years_ago_passes() -> None:
    assert (
        reason(result(P, company={"years_since_major_accident": 5}), "no_major_accident_5y")["passed"] is True
    )


def test_shenzhen_not_covered() -> None:
    r = result(P, company={"city": "深圳"})
    assert r["status"] == "not_covered"
    assert r["award_cap_wan"] is None
    assert reason(r, "region_scope")["ambiguity"]["decision"].startswith("深圳 → not_covered")


@pytest.mark.parametrize(
    ("as_of", "status"),
    [
        ("2021-06-21", "expired"),
        ("2021-06-22", "eligible"),
        ("2021-08-15", "eligible"),
        ("2021-08-16", "expired"),
    ],
)
def test_validity_window(as_of: str, status: str) -> None:
    r = result(P, as_of=as_of)
    assert r["status"] == status
    assert r["under_last_rules"] == ("eligible" if status == "expired" else None)
    assert r["estimated_award_wan"] == (None if status == "expired" else 105)


def test_needs_info_when_field_absent() -> None:
    r = result(P, drop=("evaluation_score",))
    assert r["status"] == "needs_info"
    assert reason(r, "evaluation_score")["missing_fields"] == ["evaluation_score"]
    assert r["estimated_award_wan"] == 105


def test_absent_company_exclusion_field_needs_info() -> None:
    r = result(P, drop=("dishonest_judgment_debtor",))
    assert r["status"] == "needs_info"


def test_failure_beats_unknown() -> None:
    r = result(P, project={"investment_wan": 100, "it_investment_wan": 80}, drop=("evaluation_score",))
    assert r["status"] == "ineligible"


def test_award_cap_200_for_app_innovation() -> None:
    r = result(P, project={"investment_wan": 1000, "it_investment_wan": 700})
    assert r["estimated_award_wan"] == 200  # min(300, 200)


def test_fiveg_direction_cap_500_and_no_it_share() -> None:
    r = result(
        P,
        project={"direction": "fiveg_industrial_internet", "investment_wan": 2000, "it_investment_wan": 100},
    )
    assert r["status"] == "eligible"
    assert r["estimated_award_wan"] == 500  # min(600, 500)
    clauses = {x["clause"] for x in r["reasons"]}
    assert "it_share" not in clauses
    assert reason(r, "fiveg_scenarios")["to_confirm"] is True


@pytest.mark.parametrize(
    ("extra", "status"),
    [
        ({"lead_firm_revenue_2020_yi": 50, "core_suppliers_driven": 5}, "eligible"),
        ({"lead_firm_revenue_2020_yi": 49.99, "core_suppliers_driven": 5}, "ineligible"),
        ({"lead_firm_revenue_2020_yi": 80, "core_suppliers_driven": 4}, "ineligible"),
        ({"core_suppliers_driven": 6}, "needs_info"),
    ],
)
def test_supply_chain_direction(extra: dict[str, object], status: str) -> None:
    r = result(P, project={"direction": "supply_chain_collaboration", "investment_wan": 1000, **extra})
    assert r["status"] == status
    assert r["award_cap_wan"] == 500
    if status == "eligible":
        assert r["estimated_award_wan"] == 300
        assert "超50亿（含）" in reason(r, "lead_firm_revenue")["ambiguity"]["decision"]


def test_one_direction_per_applicant_per_year() -> None:
    body = payload(P)
    second = dict(body["projects"][0], id="y", direction="fiveg_industrial_internet")
    body["projects"].append(second)
    code, out = evaluate_json(body)
    assert code == 200
    for r in out["results"][-2:]:
        assert reason(r, "one_direction_per_year")["passed"] is False
        assert r["status"] == "ineligible"
