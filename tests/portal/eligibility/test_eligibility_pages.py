"""政策匹配 pages: conditions, projects CRUD with validation, the report, read-only members, others."""

from __future__ import annotations

import re
from typing import Any

from fixture_types import LoginAs
from flask import Flask
from tests_support import Factory

from portal.eligibility import services
from portal.extensions import db
from portal.models import EligibilityProject, Role

CONDITIONS = {
    "registered_in_guangdong": "yes",
    "independent_legal_person": "yes",
    "dishonest_judgment_debtor": "no",
    "years_since_major_accident": "never",
    "years_since_serious_violation": "years",
    "years_since_serious_violation__years": "6",
    "overdue_unaccepted_provincial_project": "no",
    "certifications": ["quality_management", "ip_management"],
    "main_business_revenue_wan": "4500.5",
}

EQUIPMENT = {
    "name": "2024年设备更新",
    "equipment_purchase_wan": "450",
    "filed_with_authority": "yes",
    "completed_within_filing_period": "yes",
    "prior_provincial_funding": "no",
    "counted_in_techreform_statistics": "yes",
}
NEW_EQUIPMENT = "/company/eligibility/projects/new?program=gd_techreform_equipment_post_award"


def _result(html_report: dict[str, Any], project: str) -> dict[str, Any]:
    return next(r for r in html_report["results"] if r["project"] == project)


def test_admin_saves_conditions_and_they_reach_the_input(make: Factory, login_as: LoginAs) -> None:
    admin = make.user(Role.ENTERPRISE)
    client = login_as(admin)
    page = client.get("/company/eligibility/conditions/edit").get_data(as_text=True)
    for title in ("基本情况", "经营与财务", "研发与知识产权", "合规记录", "专精特新专项"):
        assert title in page
    assert "上年度主营业务收入（万元）" in page
    assert "用于：" in page  # help from the rules
    assert 'name="revenue_wan"' not in page  # taken from the company profile, not asked again
    response = client.post("/company/eligibility/conditions/edit", data=CONDITIONS)
    assert response.status_code == 302
    stored = services.conditions_of(admin.company)
    assert stored == {
        "registered_in_guangdong": True,
        "independent_legal_person": True,
        "dishonest_judgment_debtor": False,
        "years_since_major_accident": None,
        "years_since_serious_violation": 6,
        "overdue_unaccepted_provincial_project": False,
        "certifications": ["quality_management", "ip_management"],
        "main_business_revenue_wan": 4500.5,
    }
    again = client.get("/company/eligibility/conditions/edit").get_data(as_text=True)
    assert 'value="4500.5"' in again


def test_conditions_errors_keep_input_and_speak_chinese(make: Factory, login_as: LoginAs) -> None:
    client = login_as(make.user(Role.ENTERPRISE))
    response = client.post(
        "/company/eligibility/conditions/edit",
        data={
            "debt_to_asset_pct": "150",
            "invention_patents": "2.5",
            "rd_ratio_2y_pct": "abc",
            "own_brand": "yes",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "应为整数" in page  # invention_patents
    assert "应为数字" in page  # rd_ratio_2y_pct
    assert 'value="abc"' in page and 'value="2.5"' in page  # input kept
    fixed = client.post("/company/eligibility/conditions/edit", data={"debt_to_asset_pct": "150"})
    assert "不能大于 100" in fixed.get_data(as_text=True)  # the engine's own message
    assert services.conditions_of(make.company()) == {}


def test_member_reads_but_cannot_edit(make: Factory, login_as: LoginAs) -> None:
    admin = make.user(Role.ENTERPRISE)
    member = make.user(Role.ENTERPRISE, company=admin.company, is_company_admin=False)
    login_as(admin).post("/company/eligibility/conditions/edit", data=CONDITIONS)
    project = services.save_project(
        admin.company,
        services.ProjectDraft(
            "设备", "gd_techreform_equipment_post_award", None, {"equipment_purchase_wan": 450}
        ),
        admin,
    )
    client = login_as(member)
    page = client.get("/company/eligibility/conditions")
    assert page.status_code == 200
    assert "4500.5万元" in page.get_data(as_text=True)
    assert "设备" in client.get("/company/eligibility/projects").get_data(as_text=True)
    assert client.get("/company/eligibility").status_code == 200
    assert client.post("/company/eligibility/conditions/edit", data=CONDITIONS).status_code == 403
    assert client.get("/company/eligibility/conditions/edit").status_code == 403
    assert client.post(NEW_EQUIPMENT, data=EQUIPMENT).status_code == 403
    assert client.post(f"/company/eligibility/projects/{project.id}/edit", data=EQUIPMENT).status_code == 403
    assert client.post(f"/company/eligibility/projects/{project.id}/delete").status_code == 403
    assert db.session.get(EligibilityProject, project.id) is not None


def test_projects_create_edit_delete(make: Factory, login_as: LoginAs) -> None:
    admin = make.user(Role.ENTERPRISE)
    client = login_as(admin)
    chooser = client.get("/company/eligibility/projects/new").get_data(as_text=True)
    assert "gd_dt_benchmark_2022" in chooser and "jy_tu_techreform_2018_2020" in chooser
    form = client.get(NEW_EQUIPMENT).get_data(as_text=True)
    assert "符合条件的设备购置总额（含配套软件）（万元）" in form
    assert 'name="evaluation_score"' not in form  # a field of another program
    assert client.post(NEW_EQUIPMENT, data=EQUIPMENT).status_code == 302
    (project,) = services.projects_of(admin.company)
    assert project.program == "gd_techreform_equipment_post_award"
    assert project.data == {
        "equipment_purchase_wan": 450,
        "filed_with_authority": True,
        "completed_within_filing_period": True,
        "prior_provincial_funding": False,
        "counted_in_techreform_statistics": True,
    }
    edit_url = f"/company/eligibility/projects/{project.id}/edit"
    assert 'value="450"' in client.get(edit_url).get_data(as_text=True)
    assert client.post(edit_url, data={**EQUIPMENT, "equipment_purchase_wan": "399"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(EligibilityProject, project.id).data["equipment_purchase_wan"] == 399
    assert client.post(f"/company/eligibility/projects/{project.id}/delete").status_code == 302
    assert services.projects_of(admin.company) == []


def test_project_validation_messages(make: Factory, login_as: LoginAs) -> None:
    admin = make.user(Role.ENTERPRISE)
    client = login_as(admin)
    url = "/company/eligibility/projects/new?program=gd_dt_benchmark_2022"
    response = client.post(
        url,
        data={
            "name": "",
            "direction": "",
            "start_date": "2020-05-01",
            "completion_date": "2019-01-01",
            "investment_wan": "300",
            "it_investment_wan": "400",
            "evaluation_score": "120",
            "data_on_cloud": ["equipment"],
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "请填写项目名称" in page
    assert "请选择申报方向" in page
    assert "完工日期早于启动日期" in page
    assert "信息化投入不能大于项目投入" in page
    assert "不能大于 100" in page
    assert 'value="2019-01-01"' in page and 'value="400"' in page  # input kept
    assert services.projects_of(admin.company) == []
    ok = {"name": "工业互联网", "direction": "industrial_internet_app_innovation", "investment_wan": "350"}
    assert client.post(url, data=ok).status_code == 302
    duplicate = client.post(url, data=ok).get_data(as_text=True)
    assert "已有同名项目" in duplicate


def test_other_companys_project_is_404(make: Factory, login_as: LoginAs) -> None:
    owner = make.user(Role.ENTERPRISE)
    project = services.save_project(
        owner.company, services.ProjectDraft("别人的", "gd_techreform_equipment_post_award", None, {}), owner
    )
    client = login_as(make.user(Role.ENTERPRISE))
    assert client.get(f"/company/eligibility/projects/{project.id}/edit").status_code == 404
    assert client.post(f"/company/eligibility/projects/{project.id}/edit", data=EQUIPMENT).status_code == 404
    assert client.post(f"/company/eligibility/projects/{project.id}/delete").status_code == 404
    assert db.session.get(EligibilityProject, project.id) is not None


def test_company_page_shows_status_award_and_gap(make: Factory, login_as: LoginAs) -> None:
    admin = make.user(Role.ENTERPRISE)
    client = login_as(admin)
    client.post("/company/eligibility/conditions/edit", data=CONDITIONS)
    client.post(NEW_EQUIPMENT, data=EQUIPMENT)
    client.post(NEW_EQUIPMENT, data={**EQUIPMENT, "name": "小项目", "equipment_purchase_wan": "399"})

    from datetime import date

    report = services.evaluate_company(admin.company, date(2025, 6, 1))
    big, small = _result(report, "2024年设备更新"), _result(report, "小项目")
    assert big["status"] == "eligible"
    assert big["estimated_award_wan"] == 135  # min(30 % × 450, 5000) in 揭阳 (粤东西北)
    assert big["award_cap_wan"] == 5000
    assert small["status"] == "ineligible"
    assert small["gaps"] == [
        {
            "field": "equipment_purchase_wan",
            "required": 400,
            "actual": 399,
            "shortfall": 1,
            "clause": "equipment_floor",
            "alternative": False,
        }
    ]

    page = client.get("/company/eligibility?as_of=2025-06-01").get_data(as_text=True)
    assert "符合" in page and "不符合" in page and "待补充信息" in page
    assert "<strong>135</strong>" in page
    assert "还差 1万元（需 ≥ 400万元，现为 399万元）" in page
    # each reason cites its document as people do, the quoted sentence one click away; no file or line
    assert "《先进制造业发展专项资金（企业技术改造）管理实施细则》（粤工信规字〔2021〕5号）" in page
    assert '<details class="elig-quote"><summary>原文</summary>' in page
    visible = re.sub(r"<[^>]+>", " ", page)
    assert "seeds/" not in visible, visible[visible.index("seeds/") - 200 : visible.index("seeds/") + 100]
    assert not re.search(r"\bL\d{2,4}\b", visible), re.search(r".{0,200}\bL\d{2,4}\b.{0,50}", visible)
    assert "✓" in page and "✗" in page
    assert "待人工核实" in page  # to_confirm reasons
    # 2018-2020 Jieyang measures, evaluated today: expired, with the last rules' status
    client.post(
        "/company/eligibility/projects/new?program=jy_tu_techreform_2018_2020",
        data={"name": "产线", "direction": "intelligent_line", "equipment_purchase_wan": "1200"},
    )
    today_page = client.get("/company/eligibility").get_data(as_text=True)
    assert "已过期" in today_page and "按最近一期规则：" in today_page


def test_bad_as_of_falls_back_to_today(make: Factory, login_as: LoginAs) -> None:
    client = login_as(make.user(Role.ENTERPRISE))
    response = client.get("/company/eligibility?as_of=2025-13-40")
    assert response.status_code == 200
    assert "日期格式应为 YYYY-MM-DD" in response.get_data(as_text=True)


def test_partial_renders_in_english(make: Factory, login_as: LoginAs) -> None:
    client = login_as(make.user(Role.ENTERPRISE))
    client.post("/lang/en", data={"next": "/"})
    page = client.get("/company/eligibility?as_of=2025-06-01").get_data(as_text=True)
    assert "Guangdong" in page  # program names in English
    assert "needs information" in page


def test_a_result_met_only_with_the_relaxation_is_shown_as_such_in_both_languages(app: Flask) -> None:
    """粤工信规字〔2020〕3号 L1979 "可适当降低不超过20%" is the bureau's call: not a plain 符合 / eligible."""
    from flask import render_template
    from flask_babel import force_locale

    from scoring.eligibility import evaluate_json

    company = {
        "city": "广州市",
        "registered_in_guangdong": True,
        "independent_legal_person": True,
        "sme_size_class": "medium",
        "total_assets_wan": 2500,  # 3000 in 珠三角核心区, 2400 with the full 20 %
        "revenue_wan": 12000,
        "main_business_revenue_wan": 11000,
        "revenue_growth_2y_avg_pct": 18,
        "revenue_growth_each_year_positive": True,
        "profit_total_wan": 600,
        "rd_ratio_2y_pct": 4.2,
        "years_in_niche": 5,
        "priority_field": True,
        "years_since_major_accident": None,
        "years_since_serious_violation": None,
        "dishonest_judgment_debtor": False,
    }
    code, report = evaluate_json({"as_of": "2021-06-01", "company": company})
    assert code == 200
    zjtx = next(r for r in report["results"] if r["program"] == "gd_zjtx_sme")
    assert (zjtx["status"], zjtx["relaxation_to_confirm"]) == ("eligible", True)
    report["results"] = [zjtx]
    with app.test_request_context("/"):
        with force_locale("zh_CN"):
            zh = render_template("eligibility/_programs.html", report=report)
        with force_locale("en"):
            en = render_template("eligibility/_programs.html", report=report)
    assert "放宽后符合（须经主管部门确认）" in zh and "badge-warn" in zh
    assert "eligible only with the relaxation, to be confirmed by the bureau" in en


def test_policy_sources_are_cited_by_title_and_number_with_the_sentence_on_request() -> None:
    from portal.results.citations import cite_document

    assert cite_document("粤工信规字〔2020〕3号") == (
        "《广东省工业和信息化厅专精特新中小企业遴选办法》（粤工信规字〔2020〕3号）"
    )
    # a number whose title the sources do not give is cited by number, never by a made-up title
    assert (
        cite_document("粤工信工业互联网函〔2024〕57号及延续试点政策的通知")
        == "粤工信工业互联网函〔2024〕57号"
    )


def _derived_section(page: str) -> str:
    match = re.search(r'<div class="card" id="derived-facts">(.*?)</ul>', page, re.S)
    assert match, "the page has no section for derived facts"
    return match.group(1)


def test_facts_derived_from_the_profile_are_shown_in_words_in_both_languages(
    make: Factory, login_as: LoginAs
) -> None:
    # A 揭阳 credit code (division 445200) and a manufacturer with 120 staff, 5000 万元 revenue and no size
    # class given: both facts are derived, and the page says so instead of asking.
    client = login_as(make.user(Role.ENTERPRISE))
    section = _derived_section(client.get("/company/eligibility").get_data(as_text=True))
    assert "由企业信息推定" in section
    assert "在广东省登记注册：是（统一社会信用代码的登记管理机关行政区划码为 445200）" in section
    assert "企业规模：小型企业" in section
    assert "300号" in section
    for key in ("registered_in_guangdong", "sme_size_class", "credit_code", "company."):
        assert key not in section
    client.post("/lang/en", data={"next": "/"})
    section = _derived_section(client.get("/company/eligibility").get_data(as_text=True))
    assert "Derived from the company information" in section
    assert "registered in Guangdong: yes (the credit code&#39;s division code is 445200)" in section
    assert "size class: small" in section
    assert "由企业信息推定" not in section
    for key in ("registered_in_guangdong", "sme_size_class"):
        assert key not in section


def test_a_fact_the_company_gave_is_not_shown_as_derived(make: Factory, login_as: LoginAs) -> None:
    admin = make.user(Role.ENTERPRISE, company=make.company(size_class="medium"))
    services.save_conditions(admin.company, {"registered_in_guangdong": True}, admin)
    client = login_as(admin)
    page = client.get("/company/eligibility").get_data(as_text=True)
    assert 'id="derived-facts"' not in page  # both were given: nothing is presented as derived
