"""Policy fidelity round 2 (issue 18): one test per finding, each against the seed line it cites.

Finding 7 (普惠性投资奖励 validity) is in test_elig_techreform.py (test_finding7_*).
"""

from __future__ import annotations

from typing import Any

import pytest
from elig_support import payload, reason, result

from scoring.eligibility import evaluate_json
from scoring.eligibility.fields import PROJECT

Z = "gd_zjtx_sme"
G = "miit_zjtx_little_giant_batch3"
D = "gd_sme_dt_pilot_digital_level"
B = "gd_dt_benchmark_2022"
T = "gd_techreform_equipment_post_award"
J = "jy_tu_techreform_2018_2020"


# No category of 第五条 (L1981-1991) met unless a test adds one.
NONE_MET: dict[str, Any] = {
    "invention_patents": 0,
    "years_in_niche": 1,
    "leading_talent": False,
    "own_brand": False,
    "regional_specialty_product": False,
    "unique_process_or_formula": False,
    "time_honored_or_famous_brand": False,
    "postdoc_workstation": False,
    "utility_model_patents": 0,
    "standards_drafted": 0,
    "tech_center_level": "none",
    "certifications": [],
    "standards_advanced_level": False,
    "customer_satisfaction_or_traceability": False,
    "qualified_staff_share_pct": 10,
}


def test_finding1_shares_are_compared_unrounded() -> None:
    """69.996 % is not "达70%以上" (seed 002 L1888), 74.996 % not "75%以上" (L1983)."""
    r = result(G, company={"revenue_wan": 10000, "main_business_revenue_wan": 6999.6})
    share = reason(r, "main_business_share")
    assert share["passed"] is False
    assert "69.996" in share["message_zh"]  # shown unrounded where rounding would reach the threshold
    assert (
        result(G, company={"revenue_wan": 10000, "main_business_revenue_wan": 7000})["status"] == "eligible"
    )
    niche_only = {**NONE_MET, "years_in_niche": 2, "revenue_wan": 10000}
    r = result(Z, company={**niche_only, "main_business_revenue_wan": 7499.6})
    assert reason(r, "category_test")["passed"] is False
    r = result(Z, company={**niche_only, "main_business_revenue_wan": 7500})
    assert reason(r, "category_test")["passed"] is True


def test_finding2_pilot_checks_size_city_and_dates() -> None:
    large_shenzhen = {"city": "深圳市", "sme_size_class": "large", "miit_digital_level": 2}
    assert result(D, as_of="2026-06-01", company=large_shenzhen)["status"] == "not_covered"
    large_jieyang = result(
        D, as_of="2026-06-01", company={"sme_size_class": "large", "miit_digital_level": 2}
    )
    assert large_jieyang["status"] == "ineligible"
    assert reason(large_jieyang, "sme")["passed"] is False
    for city in ("揭阳市", "梅州市"):
        r = result(D, as_of="2026-06-01", company={"city": city, "miit_digital_level": 2})
        assert r["status"] == "eligible"
        assert "至少200家" in reason(r, "city_target_ewn")["message_zh"]
    guangzhou = result(D, as_of="2026-06-01", company={"city": "广州市", "miit_digital_level": 2})
    assert "至少350家" in reason(guangzhou, "city_target_prd")["message_zh"]
    after = result(D, as_of="2027-01-01", company={"miit_digital_level": 2})
    assert (after["status"], after["valid_from"], after["valid_to"]) == (
        "expired",
        "2023-10-11",
        "2026-12-31",
    )
    assert (
        reason(after, "digital_level_2_after_upgrade")["source"]["file"] == "policy/pilot_cities_2023_2026.md"
    )


REFINED = {
    **NONE_MET,
    "own_brand": True,
    "standards_advanced_level": True,
    "customer_satisfaction_or_traceability": True,
}


@pytest.mark.parametrize(
    ("certifications", "ok"),
    [
        (["quality_management"], False),
        (["ip_management"], False),
        (["quality_management", "ip_management"], True),
    ],
)
def test_finding3_refined_needs_both_certificates(certifications: list[str], ok: bool) -> None:
    r = result(Z, company={**REFINED, "certifications": certifications})
    assert reason(r, "category_test")["passed"] is ok
    confirm = reason(r, "refined_management_reputation")
    assert confirm["to_confirm"] and "企业管理规范、信誉良好" in confirm["message_zh"]


def test_finding4_older_events_and_lesser_violations_are_left_to_the_bureau() -> None:
    r = result(Z, company={"years_since_major_accident": 5, "years_since_serious_violation": 4})
    assert r["status"] == "eligible"
    assert reason(r, "earlier_accident_to_confirm")["to_confirm"] is True
    assert reason(r, "earlier_violation_to_confirm")["to_confirm"] is True
    assert reason(r, "other_violations_to_confirm")["to_confirm"] is True
    assert "change" in reason(r, "no_major_accident")["ambiguity"]
    recent = result(Z, company={"years_since_major_accident": 2})
    assert recent["status"] == "ineligible"
    never = result(Z)
    assert "earlier_accident_to_confirm" not in {x["clause"] for x in never["reasons"]}
    unknown = result(Z, drop=("years_since_major_accident",))
    assert unknown["status"] == "needs_info"
    assert "earlier_accident_to_confirm" not in {x["clause"] for x in unknown["reasons"]}


def test_finding5_relaxation_is_a_distinct_result() -> None:
    """L1979 "可适当降低不超过20%": discretionary, so never plain eligible."""
    relaxed = result(Z, company={"city": "广州市", "priority_field": True, "total_assets_wan": 2500})
    assert (relaxed["status"], relaxed["relaxation_to_confirm"]) == ("eligible", True)
    assets = reason(relaxed, "total_assets")
    assert assets["relaxed"] is True
    assert "须经主管部门确认" in assets["message_zh"]
    assert "to be confirmed by the bureau" in assets["message_en"]
    plain = result(Z, company={"city": "广州市", "priority_field": True, "total_assets_wan": 3000})
    assert (plain["status"], plain["relaxation_to_confirm"]) == ("eligible", False)
    assert reason(plain, "total_assets")["relaxed"] is False
    too_low = result(Z, company={"city": "广州市", "priority_field": True, "total_assets_wan": 2399})
    assert (too_low["status"], too_low["relaxation_to_confirm"]) == ("ineligible", False)


def test_finding6_little_giant_window_and_registration() -> None:
    assert result(G, as_of="2021-05-06")["status"] == "eligible"
    late = result(G, as_of="2021-05-20")  # uploads closed on 05-06 (L1932); 05-28 is the provinces' deadline
    assert (late["status"], late["valid_to"]) == ("expired", "2021-05-06")
    elsewhere = result(G, company={"registered_in_guangdong": False})
    assert elsewhere["status"] == "eligible"  # 中华人民共和国境内 (L1874) is wider than Guangdong
    assert reason(elsewhere, "registered_outside_guangdong")["to_confirm"] is True


@pytest.mark.parametrize(("used", "ok"), [(False, False), (True, True)])
def test_finding8_platform_data_must_also_be_used_there(used: bool, ok: bool) -> None:
    """L2577: one kind of data on the platform 并 integrated, analysed and applied there."""
    r = result(B, project={"data_on_cloud": ["equipment"], "data_used_on_platform": used})
    assert reason(r, "data_on_cloud")["passed"] is ok


def test_finding9_filing_change_timing_and_purchases_only() -> None:
    r = result(T)
    confirm = reason(r, "filing_change_timing")
    assert confirm["to_confirm"] and confirm["source"]["lines"] == "L400"
    assert "前一份备案证的项目建设期内" in confirm["message_zh"]
    label = PROJECT["equipment_purchase_wan"].label_zh
    assert "租赁" not in label and "购置" in label


def test_finding10_relocation_variant_and_industrial_clause_source() -> None:
    project = {"direction": "inclusive_post_award_relocated", "filed_with_authority": True}
    r = result(J, project=project)
    assert r["status"] == "eligible"
    assert "100%" in r["award_note_zh"] and "70%" in r["award_note_zh"]
    assert reason(r, "relocated_from_prd_into_park")["to_confirm"] is True
    assert reason(r, "industrial_enterprise")["source"]["lines"] == "L114"
    services = result(J, project=project, company={"sector": "services"})
    assert services["status"] == "ineligible"


def test_finding10_competitive_directions_cite_the_plan_not_l100() -> None:
    r = result(J)
    assert reason(r, "industrial_enterprise_plan")["source"]["lines"] == "L18"
    code, body = evaluate_json(payload(J, project={"direction": "inclusive_post_award"}))
    assert code == 200
    (inclusive,) = [x for x in body["results"] if x["program"] == J]
    assert reason(inclusive, "industrial_enterprise")["source"]["lines"] == "L114"


def test_finding11_5g_tiers_name_their_outside_source() -> None:
    from scoring.maturity.cloud import cloud_definition

    fiveg = cloud_definition().fiveg_source
    assert "NOT FROM THE POLICY SOURCES" in fiveg and "5G全连接工厂建设指南" in fiveg
