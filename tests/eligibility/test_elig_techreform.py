"""gd_techreform_equipment_post_award, gd_inclusive_mfg_investment_award, Jieyang 2018–2020 measures."""

from __future__ import annotations

import pytest
from elig_support import reason, result

T = "gd_techreform_equipment_post_award"
I = "gd_inclusive_mfg_investment_award"  # noqa: E741
J = "jy_tu_techreform_2018_2020"


@pytest.mark.parametrize(
    ("city", "equipment", "status", "award"),
    [
        ("东莞市", 699.99, "ineligible", None),
        ("东莞市", 700, "eligible", 140),  # 20 % × 700
        ("汕头市", 399.99, "ineligible", None),
        ("汕头市", 400, "eligible", 120),  # 30 % × 400
        ("揭阳", 450, "eligible", 135),
    ],
)
def test_equipment_floor_and_rate_by_region(
    city: str, equipment: float, status: str, award: float | None
) -> None:
    r = result(T, company={"city": city}, project={"equipment_purchase_wan": equipment})
    assert r["status"] == status
    assert r["estimated_award_wan"] == award
    assert r["award_cap_wan"] == 5000
    if status == "ineligible":
        assert r["gaps"][0]["field"] == "equipment_purchase_wan"
        assert r["gaps"][0]["shortfall"] == 0.01


@pytest.mark.parametrize(
    ("city", "equipment", "award"),
    [("广州市", 25000, 5000), ("广州市", 25000.5, 5000), ("湛江市", 16666, 4999.8), ("湛江市", 20000, 5000)],
)
def test_award_cap_5000(city: str, equipment: float, award: float) -> None:
    assert (
        result(T, company={"city": city}, project={"equipment_purchase_wan": equipment})[
            "estimated_award_wan"
        ]
        == award
    )


@pytest.mark.parametrize(
    ("project", "company", "clause"),
    [
        ({"filed_with_authority": False}, {}, "filed_with_authority"),
        ({"completed_within_filing_period": False}, {}, "completed_within_filing_period"),
        ({"prior_provincial_funding": True}, {}, "no_prior_provincial_funding"),
        ({"counted_in_techreform_statistics": False}, {}, "counted_in_statistics"),
        ({}, {"sector": "services"}, "industrial_enterprise"),
        ({}, {"registered_in_guangdong": False}, "registered_in_guangdong"),
    ],
)
def test_techreform_conditions(project: dict[str, object], company: dict[str, object], clause: str) -> None:
    r = result(T, project=project, company=company)
    assert reason(r, clause)["passed"] is False
    assert r["status"] == "ineligible"


def test_mining_counts_as_industrial() -> None:
    assert result(T, company={"sector": "mining"})["status"] == "eligible"


def test_techreform_to_confirm_does_not_change_status() -> None:
    r = result(T)
    confirm = [x["clause"] for x in r["reasons"] if x["to_confirm"]]
    assert confirm == [
        "operating_honest_taxpaying",
        "industrial_policy",
        "filing_change_timing",
        "call_specific_conditions",
    ]
    assert r["status"] == "eligible"


@pytest.mark.parametrize(
    ("as_of", "status"),
    [
        ("2021-12-31", "expired"),
        ("2022-01-01", "eligible"),
        ("2026-12-31", "eligible"),
        ("2027-01-01", "expired"),
    ],
)
def test_techreform_validity(as_of: str, status: str) -> None:
    r = result(T, as_of=as_of)
    assert r["status"] == status
    if status == "expired":
        assert r["under_last_rules"] == "eligible"
        assert reason(r, "validity")["passed"] is False


def test_techreform_shenzhen_not_covered_and_expired_shenzhen() -> None:
    assert result(T, company={"city": "深圳市"})["status"] == "not_covered"
    r = result(T, company={"city": "深圳市"}, as_of="2030-01-01")
    assert (r["status"], r["under_last_rules"]) == ("expired", "not_covered")


def test_techreform_needs_info() -> None:
    r = result(T, drop=("equipment_purchase_wan",))
    assert r["status"] == "needs_info"
    assert r["estimated_award_wan"] is None


# ---------------------------------------------------------------- 普惠性制造业投资奖励 (paid to the city)


@pytest.mark.parametrize(
    ("city", "total", "status"),
    [
        ("惠州市", 9.99, "ineligible"),
        ("惠州市", 10, "eligible"),
        ("揭阳市", 4.99, "ineligible"),
        ("揭阳市", 5, "eligible"),
    ],
)
def test_inclusive_size_floor(city: str, total: float, status: str) -> None:
    r = result(I, company={"city": city}, project={"total_investment_yi": total})
    assert r["status"] == status
    assert r["kind"] == "information"
    assert r["award_recipient"] == "city_government"
    assert "市政府" in r["award_note_zh"]
    assert "city government" in r["award_note_en"]
    if status == "eligible":
        assert r["estimated_award_wan"] == 600  # 2 % × 30000
        assert r["award_cap_wan"] is None
    else:
        assert r["gaps"][0]["field"] == "total_investment_yi"


@pytest.mark.parametrize(
    ("as_of", "status"),
    [
        ("2021-09-02", "expired"),
        ("2021-09-03", "eligible"),
        ("2025-12-31", "eligible"),
        (
            "2026-03-01",
            "eligible",
        ),  # reward window over, rules still in force (L659: 5 years from 2021-09-03)
        ("2026-09-02", "eligible"),
        ("2026-09-03", "expired"),
    ],
)
def test_finding7_inclusive_validity_is_the_documents_five_years(as_of: str, status: str) -> None:
    assert result(I, as_of=as_of)["status"] == status


def test_finding7_inclusive_claimed_investment_and_reward_window_are_surfaced() -> None:
    confirm = {x["clause"]: x for x in result(I)["reasons"] if x["to_confirm"]}
    assert "不超过相应期间纳入统计的工业固定资产投资额" in confirm["claimed_not_above_counted"]["message_zh"]
    assert confirm["claimed_not_above_counted"]["source"]["lines"] == "L590"
    assert "2021-01-01" in confirm["investment_in_reward_window"]["message_zh"]


@pytest.mark.parametrize(
    ("project", "company", "clause"),
    [
        ({"counted_in_fai_statistics": False}, {}, "counted_in_fai_statistics"),
        ({"prior_major_project_award": True}, {}, "no_major_project_award"),
        ({}, {"years_since_major_accident": 2.5}, "no_major_accident_3y"),
        ({}, {"dishonest_judgment_debtor": True}, "not_dishonest_debtor"),
    ],
)
def test_inclusive_conditions(project: dict[str, object], company: dict[str, object], clause: str) -> None:
    r = result(I, project=project, company=company)
    assert reason(r, clause)["passed"] is False


def test_inclusive_three_years_since_accident_passes() -> None:
    assert result(I, company={"years_since_major_accident": 3})["status"] == "eligible"


# ---------------------------------------------------------------- Jieyang J-TU 2018–2020


@pytest.mark.parametrize(
    ("project", "award"),
    [
        ({"direction": "equipment_renewal", "equipment_purchase_wan": 800}, 80),
        ({"direction": "equipment_renewal", "equipment_purchase_wan": 1500}, 100),
        ({"direction": "intelligent_line", "equipment_purchase_wan": 999}, 99.9),
        (
            {
                "direction": "im_pilot_demo",
                "intelligent_equipment_wan": 600,
                "im_pilot_demo_level": "provincial",
            },
            90,
        ),
        (
            {
                "direction": "im_pilot_demo",
                "intelligent_equipment_wan": 700,
                "im_pilot_demo_level": "national",
            },
            100,
        ),
        ({"direction": "liangrong_application", "investment_wan": 500}, 50),
        ({"direction": "military_civil_fusion", "investment_wan": 2000}, 100),
    ],
)
def test_jieyang_awards_in_force(project: dict[str, object], award: float) -> None:
    r = result(J, project=project)
    assert r["status"] == "eligible"
    assert r["estimated_award_wan"] == award
    assert r["award_cap_wan"] == 100


def test_jieyang_expired_today_with_under_last_rules() -> None:
    r = result(J, as_of="2025-06-01")
    assert r["status"] == "expired"
    assert r["under_last_rules"] == "eligible"
    assert r["estimated_award_wan"] is None
    assert "已失效" in reason(r, "validity")["message_zh"]


def test_jieyang_only_covers_jieyang() -> None:
    r = result(J, company={"city": "汕头市"})
    assert r["status"] == "not_covered"


def test_jieyang_im_demo_requires_recognition() -> None:
    r = result(
        J,
        project={
            "direction": "im_pilot_demo",
            "intelligent_equipment_wan": 600,
            "im_pilot_demo_level": "none",
        },
    )
    assert r["status"] == "ineligible"


@pytest.mark.parametrize(("revenue", "status"), [(999.99, "ineligible"), (1000, "eligible")])
def test_jieyang_inclusive_post_award(revenue: float, status: str) -> None:
    r = result(
        J,
        company={"main_business_revenue_wan": revenue},
        project={"direction": "inclusive_post_award", "filed_with_authority": True},
    )
    assert r["status"] == status
    assert r["estimated_award_wan"] is None  # tax data needed
    assert "60%" in r["award_note_zh"]
