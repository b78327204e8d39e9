"""gd_zjtx_sme (省专精特新), miit_zjtx_little_giant_batch3 (小巨人) and the digital-level pilot entry."""

from __future__ import annotations

from typing import Any

import pytest
from elig_support import reason, result

Z = "gd_zjtx_sme"
G = "miit_zjtx_little_giant_batch3"
D = "gd_sme_dt_pilot_digital_level"

NO_CATEGORY: dict[str, Any] = {"invention_patents": 0, "years_in_niche": 1, "leading_talent": False}


def test_zjtx_base_eligible() -> None:
    r = result(Z)
    assert r["status"] == "eligible"
    assert r["estimated_award_wan"] is None
    assert r["kind"] == "recognition"


@pytest.mark.parametrize(
    ("city", "field", "value", "ok"),
    [
        ("广州市", "total_assets_wan", 2999.99, False),
        ("广州市", "total_assets_wan", 3000, True),
        ("深圳市", "total_assets_wan", 2999.99, False),  # 深圳 is 珠三角核心区 here
        ("深圳市", "revenue_wan", 3000, True),
        ("揭阳市", "total_assets_wan", 1999.99, False),
        ("揭阳市", "total_assets_wan", 2000, True),
        ("湛江市", "revenue_wan", 1999.99, False),
        ("韶关市", "revenue_wan", 2000, True),
    ],
)
def test_zjtx_zone_thresholds(city: str, field: str, value: float, ok: bool) -> None:
    r = result(Z, company={"city": city, field: value, "main_business_revenue_wan": 1500})
    clause = "total_assets" if field == "total_assets_wan" else "revenue"
    assert reason(r, clause)["passed"] is ok


@pytest.mark.parametrize(
    ("city", "priority", "assets", "ok"),
    [
        ("广州市", True, 2400, True),
        ("广州市", True, 2399.99, False),
        ("广州市", False, 2400, False),
        ("揭阳市", True, 1600, True),
        ("揭阳市", True, 1599.99, False),
    ],
)
def test_zjtx_priority_field_relaxation(city: str, priority: bool, assets: float, ok: bool) -> None:
    r = result(Z, company={"city": city, "priority_field": priority, "total_assets_wan": assets})
    rs = reason(r, "total_assets")
    assert rs["passed"] is ok
    if not ok:
        gap = next(g for g in r["gaps"] if g["field"] == "total_assets_wan")
        assert gap["required"] == (2400 if priority and city == "广州市" else 1600 if priority else 3000)
    if priority and ok:
        assert "放宽" in rs["message_zh"]


@pytest.mark.parametrize(
    ("priority", "growth", "ok"),
    [(False, 14.99, False), (False, 15, True), (True, 12, True), (True, 11.99, False)],
)
def test_zjtx_growth_relaxation(priority: bool, growth: float, ok: bool) -> None:
    r = result(Z, company={"priority_field": priority, "revenue_growth_2y_avg_pct": growth})
    assert reason(r, "revenue_growth")["passed"] is ok


def test_zjtx_relaxation_unknown_when_priority_field_absent() -> None:
    r = result(Z, company={"total_assets_wan": 1700}, drop=("priority_field",))
    assert reason(r, "total_assets")["passed"] is None
    assert r["status"] == "needs_info"
    # not needed when the firm passes either way
    r = result(Z, drop=("priority_field",))
    assert r["status"] == "eligible"


@pytest.mark.parametrize(
    ("company", "clause", "ok"),
    [
        ({"profit_total_wan": 0}, "profit_positive", False),
        ({"profit_total_wan": 0.01}, "profit_positive", True),
        ({"rd_ratio_2y_pct": 2.99}, "rd_ratio", False),
        ({"rd_ratio_2y_pct": 3}, "rd_ratio", True),
        ({"revenue_growth_each_year_positive": False}, "revenue_growth_positive", False),
        ({"sme_size_class": "large"}, "sme", False),
        ({"years_since_major_accident": 1}, "no_major_accident", False),
        ({"dishonest_judgment_debtor": True}, "no_violation_or_dishonesty", False),
    ],
)
def test_zjtx_basic_conditions(company: dict[str, Any], clause: str, ok: bool) -> None:
    assert reason(result(Z, company=company), clause)["passed"] is ok


@pytest.mark.parametrize(
    ("extra", "ok"),
    [
        ({}, False),
        ({"years_in_niche": 2, "main_business_revenue_wan": 9000}, True),  # 75 % of 12000
        ({"years_in_niche": 2, "main_business_revenue_wan": 8999}, False),
        ({"leading_talent": True, "qualified_staff_share_pct": 30}, True),  # 揭阳 30 %
        ({"leading_talent": True, "qualified_staff_share_pct": 29.9}, False),
        (
            {
                "certifications": ["quality_management", "ip_management"],
                "own_brand": True,
                "standards_advanced_level": True,
                "customer_satisfaction_or_traceability": True,
            },
            True,
        ),
        (
            {
                "certifications": ["ip_management"],
                "own_brand": True,
                "standards_advanced_level": True,
                "customer_satisfaction_or_traceability": False,
            },
            False,
        ),
        ({"unique_process_or_formula": True}, True),
        ({"invention_patents": 2}, True),
        ({"utility_model_patents": 10}, True),
        ({"utility_model_patents": 9}, False),
        ({"standards_drafted": 1}, True),
        ({"tech_center_level": "city"}, True),
        ({"tech_center_level": "county"}, False),
        ({"postdoc_workstation": True}, True),
    ],
)
def test_zjtx_category_tests(extra: dict[str, Any], ok: bool) -> None:
    flags = ("own_brand", "regional_specialty_product", "unique_process_or_formula")
    falses = dict.fromkeys((*flags, "time_honored_or_famous_brand", "postdoc_workstation"), False)
    base = {
        **NO_CATEGORY,
        **falses,
        "utility_model_patents": 0,
        "standards_drafted": 0,
        "tech_center_level": "none",
        "certifications": [],
        "standards_advanced_level": False,
        "customer_satisfaction_or_traceability": False,
        "qualified_staff_share_pct": 10,
    }
    r = result(Z, company={**base, **extra})
    assert reason(r, "category_test")["passed"] is ok
    assert r["status"] == ("eligible" if ok else "ineligible")


def test_zjtx_category_unknown_is_needs_info() -> None:
    r = result(Z, company=NO_CATEGORY)
    assert reason(r, "category_test")["passed"] is None
    assert r["status"] == "needs_info"
    assert "utility_model_patents" in reason(r, "category_test")["missing_fields"]


def test_zjtx_main_business_share_derived() -> None:
    r = result(Z, company={**NO_CATEGORY, "years_in_niche": 3})
    assert "91.67%" in reason(r, "category_test")["message_zh"]


@pytest.mark.parametrize(
    ("as_of", "status"), [("2020-02-14", "expired"), ("2025-02-14", "eligible"), ("2025-02-15", "expired")]
)
def test_zjtx_validity(as_of: str, status: str) -> None:
    r = result(Z, as_of=as_of)
    assert r["status"] == status


# ---------------------------------------------------------------- 小巨人


def test_little_giant_base_eligible() -> None:
    r = result(G)
    assert r["status"] == "eligible"
    assert sum(x["to_confirm"] for x in r["reasons"]) == 5  # pipeline, 3 qualitative, reputation


@pytest.mark.parametrize(
    ("company", "clause", "ok"),
    [
        ({"years_in_operation": 2.9}, "years_in_operation", False),
        ({"years_in_operation": 3}, "years_in_operation", True),
        ({"revenue_growth_2y_avg_pct": 4, "net_profit_growth_2y_avg_pct": 4.99}, "growth", False),
        ({"revenue_growth_2y_avg_pct": 4, "net_profit_growth_2y_avg_pct": 5}, "growth", True),
        ({"debt_to_asset_pct": 70.01}, "debt_ratio", False),
        ({"debt_to_asset_pct": 70}, "debt_ratio", True),
        ({"years_in_niche": 2.99}, "years_in_niche", False),
        ({"main_business_share_pct": 69.99}, "main_business_share", False),
        ({"main_business_share_pct": 70}, "main_business_share", True),
        ({"province_niche_rank": 4}, "niche_rank", False),
        ({"province_niche_rank": 3}, "niche_rank", True),
        ({"invention_patents": 1, "other_ip_items": 4}, "patents", False),
        ({"invention_patents": 1, "other_ip_items": 5}, "patents", True),
        ({"rd_institution": False}, "rd_institution", False),
        ({"core_business_on_info_system": False}, "core_business_on_info_system", False),
        ({"own_brand": False}, "own_brand", False),
        ({"certifications": [], "executes_product_standards": False}, "certification_or_standards", False),
        ({"certifications": [], "executes_product_standards": True}, "certification_or_standards", True),
        ({"single_champion": True}, "not_single_champion", False),
        ({"years_since_major_accident": 2}, "no_major_accident_3y", False),
    ],
)
def test_little_giant_conditions(company: dict[str, Any], clause: str, ok: bool) -> None:
    r = result(G, company=company)
    assert reason(r, clause)["passed"] is ok
    if not ok:
        assert r["status"] == "ineligible"


def test_little_giant_patent_gaps_are_alternatives() -> None:
    r = result(G, company={"invention_patents": 1, "other_ip_items": 4})
    gaps = {g["field"]: g for g in r["gaps"]}
    assert gaps["invention_patents"]["shortfall"] == 1
    assert gaps["other_ip_items"]["shortfall"] == 1
    assert gaps["invention_patents"]["alternative"] is True


@pytest.mark.parametrize(
    ("company", "ok", "tier"),
    [
        ({"revenue_wan": 10000, "rd_ratio_2y_pct": 3}, True, "1亿元及以上"),
        ({"revenue_wan": 10000, "rd_ratio_2y_pct": 2.99}, False, "1亿元及以上"),
        ({"revenue_wan": 9999.99, "rd_ratio_2y_pct": 5.99}, False, "5000万元（含）至1亿元"),
        ({"revenue_wan": 5000, "rd_ratio_2y_pct": 6}, True, "5000万元（含）至1亿元"),
        (
            {
                "revenue_wan": 4999,
                "new_equity_financing_2y_wan": 8000,
                "rd_spend_2y_wan": 3000,
                "rd_staff_share_pct": 50,
            },
            True,
            "不足5000万元",
        ),
        (
            {
                "revenue_wan": 4999,
                "new_equity_financing_2y_wan": 7999,
                "rd_spend_2y_wan": 3000,
                "rd_staff_share_pct": 50,
            },
            False,
            "不足5000万元",
        ),
    ],
)
def test_little_giant_revenue_tiers(company: dict[str, Any], ok: bool, tier: str) -> None:
    company = {"main_business_revenue_wan": company["revenue_wan"] * 0.9, **company}
    r = result(G, company=company)
    rs = reason(r, "revenue_tier")
    assert rs["passed"] is ok
    assert tier in rs["message_zh"]
    clauses = [x["clause"] for x in r["reasons"]]
    assert ("tier_c_breakthrough" in clauses) is (company["revenue_wan"] < 5000)


def test_little_giant_tier_unknown_revenue() -> None:
    r = result(G, drop=("revenue_wan",))
    assert reason(r, "revenue_tier")["passed"] is None
    assert r["status"] == "needs_info"


def test_little_giant_expired_after_deadline() -> None:
    r = result(G, as_of="2021-06-01")
    assert (r["status"], r["under_last_rules"]) == ("expired", "eligible")


# ---------------------------------------------------------------- digital level (information)


@pytest.mark.parametrize(("level", "status"), [(1, "ineligible"), (2, "eligible"), (4, "eligible")])
def test_digital_level_target(level: int, status: str) -> None:
    r = result(D, as_of="2026-06-01", company={"miit_digital_level": level})
    assert r["status"] == status
    assert r["kind"] == "information"
    assert r["valid_to"] == "2026-12-31"


def test_digital_level_not_yet_in_force() -> None:
    r = result(D, as_of="2023-10-10")
    assert (r["status"], r["under_last_rules"]) == ("expired", "eligible")
    assert "尚未生效" in reason(r, "validity")["message_zh"]
