"""Hostile and malformed input (issue 16, items 4 and 8): every numeric input has a declared range checked
before any arithmetic; ids, pages, select values, digits and JSON bodies that a database or Python cannot
take are refused with a clear message (or a 404) — never a 500 — and a refused request changes nothing.

Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL, where an id of 2**31 or a 61-character module id
used to fail inside the database.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
import sqlalchemy as sa
from fixture_types import Draft, LoginAs
from flask import Flask
from flask.testing import FlaskClient
from tests_support import Factory

from portal.assessments import services as assessments
from portal.bureau import targets
from portal.bureau.models import BureauIndicator, BureauIndicatorActual
from portal.eligibility import services as eligibility
from portal.extensions import db
from portal.models import (
    Answer,
    AnswerChange,
    Assessment,
    Company,
    CompanyEligibilityProfile,
    DimensionTarget,
    EligibilityProject,
    ModuleAssignment,
    ResumePoint,
    Role,
)
from portal.results import services as results

HUGE_IDS = (2**31, 2**63, 2**66)
PROFILE = {
    "name": "揭阳市宏达五金制品有限公司",
    "city": "揭阳市",
    "district": "榕城区",
    "industry_section": "C",
}


def _count(model: Any) -> int:
    return int(db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


def _answer_rows() -> tuple[int, int, int]:
    return _count(Answer), _count(AnswerChange), _count(ResumePoint)


@pytest.fixture
def draft(make: Factory, login_as: LoginAs) -> Draft:
    user = make.user(Role.ENTERPRISE)
    assessment = assessments.start(user.company, "miit-sme-digital", user)
    return assessment, user, login_as(user)


def _evidence_item(assessment: Assessment) -> tuple[str, str]:
    instrument = assessments.instrument_of(assessment)
    item = next(i for i in instrument.items if any(f.type == "integer" for f in i.evidence))
    return item.id, next(f.id for f in item.evidence if f.type == "integer")


# --------------------------------------------------------------------------------------- ids and paging


@pytest.mark.parametrize("huge", HUGE_IDS)
def test_ids_the_database_cannot_hold_are_not_found(draft: Draft, huge: int) -> None:
    """On PostgreSQL an id of 2**31 failed the INTEGER comparison (500); on SQLite 2**63 overflowed."""
    _assessment, _user, client = draft
    for url in (
        f"/company/assessments/{huge}",
        f"/company/assessments/{huge}/result",
        f"/api/v1/assessments/{huge}/answers",
        f"/api/v1/assessments/{huge}/result",
        f"/reports/{huge}",
        f"/company/eligibility/projects/{huge}/edit",
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(f"/api/v1/assessments/{huge}/answers", json={"item_id": "x", "value": None})
    assert response.status_code == 404
    assert response.get_json()["errors"][0]["message_en"]


def test_full_width_digits_in_a_url_are_not_an_id(draft: Draft) -> None:
    assessment, _user, client = draft
    full_width = str(assessment.id).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert client.get(f"/company/assessments/{full_width}").status_code == 404


@pytest.mark.parametrize("page", [str(2**66), "9" * 5000, "-3", "abc", "²", "１"])
def test_any_page_number_shows_a_listing(make: Factory, login_as: LoginAs, page: str) -> None:
    """page=2**66 made an OFFSET that SQLite and PostgreSQL refuse (500)."""
    client = login_as(make.user(Role.BUREAU))
    for url in (
        "/bureau/companies",
        "/bureau/pipeline",
        "/api/v1/bureau/companies",
        "/api/v1/bureau/pipeline",
    ):
        response = client.get(url, query_string={"page": page})
        assert response.status_code == 200, (url, response.status_code)
    body = client.get("/api/v1/bureau/companies", query_string={"page": page}).get_json()
    assert 1 <= body["page"] <= 100_000


# ------------------------------------------------------------------------------------------ JSON bodies


@pytest.mark.parametrize(
    "body",
    [
        "[" * 100_000,  # RecursionError in the decoder
        '{"answers": ' + "[" * 5_000 + "]" * 5_000 + "}",
        '{"item_id": "base.equipment.network", "value": NaN}',  # not JSON, though Python's decoder takes it
        '{"item_id": "base.equipment.network", "value": Infinity}',
        '{"item_id": "x", "value": ' + "9" * 5_000 + "}",  # beyond Python's int-from-text limit
    ],
)
def test_json_the_decoder_cannot_take_is_a_400_with_the_error_body(draft: Draft, body: str) -> None:
    assessment, _user, client = draft
    for url in (f"/api/v1/assessments/{assessment.id}/answers", "/api/v1/eligibility"):
        response = client.post(url, data=body, content_type="application/json")
        assert response.status_code == 400, url
        error = response.get_json()["errors"][0]
        assert error["message_zh"] and error["message_en"]
    assert _answer_rows() == (0, 0, 0)


def test_a_body_over_the_limit_is_refused_before_it_is_read(draft: Draft) -> None:
    assessment, _user, client = draft
    filler = "x" * (5 * 1024 * 1024)
    response = client.post(
        f"/api/v1/assessments/{assessment.id}/answers",
        json={"item_id": "base.equipment.network", "value": filler},
    )
    assert response.status_code == 413
    assert response.get_json()["errors"][0]["message_en"]
    assert _answer_rows() == (0, 0, 0)


def test_base_version_beyond_the_integer_column_is_a_400(draft: Draft) -> None:
    assessment, _user, client = draft
    response = client.post(
        f"/api/v1/assessments/{assessment.id}/answers",
        json={"item_id": "base.equipment.network", "value": ["A"], "base_version": 2**31},
    )
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "base_version"
    assert _answer_rows() == (0, 0, 0)


# ---------------------------------------------------------------------------------------------- autosave


def test_autosave_evidence_with_a_huge_exponent_is_refused_at_once(draft: Draft) -> None:
    """'1e200000' took ~2 s of CPU to expand, then answered 500."""
    assessment, _user, client = draft
    item_id, field = _evidence_item(assessment)
    started = time.process_time()
    response = client.post(
        f"/api/v1/assessments/{assessment.id}/answers",
        json={"item_id": item_id, "value": {"value": None, "evidence": {field: "1e200000"}}},
    )
    assert time.process_time() - started < 0.5
    assert response.status_code == 422
    error = response.get_json()["errors"][0]
    assert error["field"] == item_id and "半角数字" in error["message_zh"]
    assert _answer_rows() == (0, 0, 0)


def test_autosave_evidence_too_large_names_the_maximum(draft: Draft) -> None:
    assessment, _user, client = draft
    item_id, field = _evidence_item(assessment)
    response = client.post(
        f"/api/v1/assessments/{assessment.id}/answers",
        json={"item_id": item_id, "value": {"value": None, "evidence": {field: 10**12}}},
    )
    assert response.status_code == 422
    assert "数值过大，应为 0–10000000 台" in response.get_json()["errors"][0]["message_zh"]
    assert _answer_rows() == (0, 0, 0)


@pytest.mark.parametrize("module", ["m" * 61, "base; DROP TABLE answers", "模块", "Base", "base\n"])
def test_autosave_module_parameter_is_checked_before_it_is_stored(draft: Draft, module: str) -> None:
    """resume_points.module_id is VARCHAR(60): a longer ?module= failed the insert on PostgreSQL (500)."""
    assessment, _user, client = draft
    item_id, field = _evidence_item(assessment)
    response = client.post(
        f"/api/v1/assessments/{assessment.id}/answers",
        query_string={"module": module},
        json={"item_id": item_id, "value": {"value": None, "evidence": {field: 3}}},
    )
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "module"
    assert _answer_rows() == (0, 0, 0)


def test_autosave_with_a_module_id_still_saves_and_remembers_it(draft: Draft) -> None:
    assessment, _user, client = draft
    item_id, field = _evidence_item(assessment)
    response = client.post(
        f"/api/v1/assessments/{assessment.id}/answers?module=base",
        json={"item_id": item_id, "value": {"value": None, "evidence": {field: 3}}},
    )
    assert response.status_code == 200
    assert _answer_rows() == (1, 1, 1)


def test_no_javascript_save_ignores_a_version_that_is_not_a_number(draft: Draft) -> None:
    assessment, _user, client = draft
    response = client.post(
        f"/company/assessments/{assessment.id}/modules/base",
        data={"base.equipment.network": "A", "__v__base.equipment.network": "²"},
    )
    assert response.status_code in (302, 422)


# ----------------------------------------------------------------------------- targets and assignments


def test_target_levels_typed_as_other_digits_change_nothing(draft: Draft) -> None:
    """'²'.isdigit() is True and int('²') raised ValueError (500)."""
    assessment, user, client = draft
    results.set_targets(user.company, assessment.instrument_id, {"base": 3})
    for bad in ("²", "６", "6", "0", str(2**66)):
        response = client.post(
            f"/company/assessments/{assessment.id}/targets",
            data={"target-base": "", "target-mgmt": bad},
            follow_redirects=True,
        )
        assert response.status_code == 200
        assert "目标等级应为 1 至 5 级，未保存。" in response.get_data(as_text=True)
    assert results.targets_of(user.company, assessment.instrument_id) == {"base": 3}
    client.post(f"/company/assessments/{assessment.id}/targets", data={"target-base": " 4 "})
    assert results.targets_of(user.company, assessment.instrument_id) == {"base": 4}


@pytest.mark.parametrize("user_id", ["²", str(2**31), str(2**66), "１"])
def test_assignments_to_ids_that_are_no_member_change_nothing(draft: Draft, user_id: str) -> None:
    assessment, user, client = draft
    assessments.set_assignments(assessment, "base", [user.id])
    response = client.post(
        f"/company/assessments/{assessment.id}/assignments",
        data={"assignee-base": user_id},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "只能分配给本企业成员" in response.get_data(as_text=True)
    assert [(a.module_id, a.user_id) for a in db.session.scalars(sa.select(ModuleAssignment))] == [
        ("base", user.id)
    ]


# -------------------------------------------------------------------------------------- company profile


def _profile_after(client: FlaskClient, company: Company, **fields: str) -> tuple[int, str]:
    response = client.post("/company/profile/edit", data={**PROFILE, **fields})
    db.session.expire_all()
    return response.status_code, response.get_data(as_text=True)


def test_a_blank_cluster_is_no_cluster(make: Factory, login_as: LoginAs) -> None:
    """cluster=' ' was stored as ' ' (Optional() erased the select's invalid-choice error)."""
    user = make.user(Role.ENTERPRISE, company=make.company(cluster="c05"))
    status, _html = _profile_after(login_as(user), user.company, cluster=" ")
    assert status == 302
    assert db.session.get(Company, user.company_id).cluster is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("cluster", "zz"),
        ("cluster", " c05x"),
        ("industry_division", "99"),  # section_of('99') raised KeyError (500)
        ("industry_section", "Ｃ"),
        ("district", "不存在区"),
    ],
)
def test_values_not_in_a_select_are_refused_and_change_nothing(
    make: Factory, login_as: LoginAs, field: str, value: str
) -> None:
    user = make.user(Role.ENTERPRISE, company=make.company(cluster="c05"))
    before = {name: getattr(user.company, name) for name in ("cluster", "industry_division", "district")}
    status, html = _profile_after(login_as(user), user.company, **{field: value})
    assert status == 200
    assert "请从列表中选择。" in html
    company = db.session.get(Company, user.company_id)
    assert {name: getattr(company, name) for name in before} == before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("revenue_wan", "99999999999", "营业收入（万元）不能大于 1,000,000,000。"),
        ("revenue_wan", "9" * 40, "营业收入（万元）不能大于 1,000,000,000。"),  # beyond Decimal's precision
        ("employees", "9" * 40, "从业人员（人）不能大于 10,000,000。"),
        ("total_assets_wan", "-1", "资产总额（万元）不能小于 0。"),
        ("employees", "10000001", "从业人员（人）不能大于 10,000,000。"),
        ("founded_year", "1900", "成立年份不能小于 1949。"),
        ("founded_year", "9999", "成立年份不能大于 "),
        ("employees", "１２", "请输入整数（半角数字 0–9）。"),
        ("employees", "²", "请输入整数（半角数字 0–9）。"),
        ("revenue_wan", "1e200000", "请输入数字（半角，如 1234.5）。"),
        ("revenue_wan", "NaN", "请输入数字（半角，如 1234.5）。"),
    ],
)
def test_profile_numbers_say_what_is_wrong(
    make: Factory, login_as: LoginAs, field: str, value: str, message: str
) -> None:
    """营业收入 99999999999 used to get '请输入不小于 0 的数值' (wrong: it is too large)."""
    user = make.user(Role.ENTERPRISE)
    before = (user.company.revenue_wan, user.company.employees, user.company.founded_year)
    status, html = _profile_after(login_as(user), user.company, **{field: value})
    assert status == 200
    assert message in html
    company = db.session.get(Company, user.company_id)
    assert (company.revenue_wan, company.employees, company.founded_year) == before


def test_profile_range_message_in_english(make: Factory, login_as: LoginAs) -> None:
    user = make.user(Role.ENTERPRISE)
    client = login_as(user)
    client.post("/lang/en", data={"next": "/"})
    _status, html = _profile_after(client, user.company, revenue_wan="99999999999")
    assert "must be at most 1,000,000,000." in html


def test_a_stored_cluster_that_is_not_one_of_the_twenty_does_not_break_pages(draft: Draft) -> None:
    """Companies saved with cluster ' ' before the fix: the draft result page, the result API and the
    targets form answered 500."""
    assessment, user, client = draft
    db.session.execute(sa.update(Company).where(Company.id == user.company_id).values(cluster=" "))
    db.session.commit()
    assert client.get(f"/company/assessments/{assessment.id}/result").status_code == 200
    assert client.get(f"/api/v1/assessments/{assessment.id}/result").status_code == 200
    response = client.post(f"/company/assessments/{assessment.id}/targets", data={"target-base": "3"})
    assert response.status_code == 302
    assert _count(DimensionTarget) == 1


# ----------------------------------------------------------------------------------------- eligibility


@pytest.mark.parametrize("value", ["1e200000", "１２", "NaN", "-Infinity", "99999999999"])
def test_eligibility_conditions_refuse_hostile_numbers_quickly(
    make: Factory, login_as: LoginAs, value: str
) -> None:
    """invention_patents=1e200000 took seconds to convert, then answered 500."""
    client = login_as(make.user(Role.ENTERPRISE))
    started = time.process_time()
    response = client.post("/company/eligibility/conditions/edit", data={"invention_patents": value})
    assert time.process_time() - started < 1.0
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "应为数字（半角，如 1234.5）" in html or "不能大于 10,000,000 项" in html
    assert _count(CompanyEligibilityProfile) == 0


def test_eligibility_project_dates_beyond_2100_are_refused(make: Factory, login_as: LoginAs) -> None:
    """A start date of 9999-06-01 overflowed ('year 10001') when the rules added years to it."""
    client = login_as(make.user(Role.ENTERPRISE))
    response = client.post(
        "/company/eligibility/projects/new?program=gd_dt_benchmark_2022",
        data={
            "name": "远期项目",
            "direction": "industrial_internet_app_innovation",
            "start_date": "9999-06-01",
            "completion_date": "9999-12-01",
        },
    )
    assert response.status_code == 200
    assert "项目启动日期应在 1949-01-01 至 2100-12-31 之间" in response.get_data(as_text=True)
    assert _count(EligibilityProject) == 0


@pytest.mark.parametrize("as_of", ["9999-12-31", "0001-01-01", "２０２４-01-01"])
def test_eligibility_report_date_outside_the_range_uses_today(
    make: Factory, login_as: LoginAs, as_of: str
) -> None:
    client = login_as(make.user(Role.ENTERPRISE))
    response = client.get("/company/eligibility", query_string={"as_of": as_of})
    assert response.status_code == 200
    assert eligibility.today().isoformat() in response.get_data(as_text=True)


# ------------------------------------------------------------------------------------- bureau actuals


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1e200000", "实际值须为数字"),  # PostgreSQL: numeric field overflow (500)
        ("NaN", "实际值须为数字"),
        ("１２", "实际值须为数字"),
        ("10000000000000", "实际值的绝对值不能大于 1,000,000,000,000"),
    ],
)
def test_bureau_actuals_out_of_the_column_range_are_refused(
    make: Factory, login_as: LoginAs, value: str, message: str
) -> None:
    targets.ensure_catalogue()
    indicator = db.session.scalar(sa.select(BureauIndicator).where(BureauIndicator.code == "gd_cloud_2025"))
    assert indicator is not None
    client = login_as(make.user(Role.BUREAU))
    response = client.post(
        f"/bureau/targets/{indicator.id}/actuals",
        data={"period": "2024", "value": value},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _count(BureauIndicatorActual) == 0


def test_bureau_actual_periods_take_ascii_digits_only(make: Factory, login_as: LoginAs) -> None:
    targets.ensure_catalogue()
    indicator = db.session.scalar(sa.select(BureauIndicator).where(BureauIndicator.code == "gd_cloud_2025"))
    assert indicator is not None
    client = login_as(make.user(Role.BUREAU))
    response = client.post(
        f"/bureau/targets/{indicator.id}/actuals",
        data={"period": "２０２４", "value": "1"},
        follow_redirects=True,
    )
    assert "期间格式" in response.get_data(as_text=True)
    assert _count(BureauIndicatorActual) == 0


@pytest.mark.parametrize("args", [["data", "delete-company"], ["report", "render", "-o", "out.pdf"]])
def test_cli_ids_beyond_the_integer_column_are_a_usage_error(app: Flask, args: list[str]) -> None:
    """On PostgreSQL an id of 2**31 failed inside the database with a traceback."""
    result = app.test_cli_runner().invoke(args=[*args, str(2**31)])
    assert result.exit_code == 2
    assert "2147483647" in result.output


def test_bureau_month_filters_take_ascii_digits_only(make: Factory, login_as: LoginAs) -> None:
    client = login_as(make.user(Role.BUREAU))
    body = client.get("/api/v1/bureau/summary", query_string={"from": "２０２４-01"}).get_json()
    assert body["warnings"] == ["提交月份起：月份格式为 YYYY-MM"]


@pytest.mark.parametrize(
    ("field", "value"), [("own_brand", "maybe"), ("years_since_major_accident", "sometimes")]
)
def test_eligibility_choices_not_in_the_list_are_refused_not_forgotten(
    make: Factory, login_as: LoginAs, field: str, value: str
) -> None:
    """A forged value of a yes/no select was read as "not known" and erased the stored answer."""
    user = make.user(Role.ENTERPRISE)
    client = login_as(user)
    client.post(
        "/company/eligibility/conditions/edit",
        data={"own_brand": "yes", "years_since_major_accident": "never"},
    )
    stored = eligibility.conditions_of(user.company)
    assert stored == {"own_brand": True, "years_since_major_accident": None}
    response = client.post(
        "/company/eligibility/conditions/edit",
        data={"own_brand": "yes", "years_since_major_accident": "never", field: value},
    )
    assert response.status_code == 200
    assert "请从列表中选择" in response.get_data(as_text=True)
    assert eligibility.conditions_of(user.company) == stored


def test_a_form_over_the_limit_is_refused_in_the_users_language(make: Factory, login_as: LoginAs) -> None:
    user = make.user(Role.ENTERPRISE)
    client = login_as(user)
    too_big = {**PROFILE, "contact_name": "x" * (5 * 1024 * 1024)}
    response = client.post("/company/profile/edit", data=too_big)
    assert response.status_code == 413
    assert "提交的内容过大" in response.get_data(as_text=True)
    client.post("/lang/en", data={"next": "/"})
    response = client.post("/company/profile/edit", data=too_big)
    assert response.status_code == 413
    assert "The request is too large" in response.get_data(as_text=True)
    assert db.session.get(Company, user.company_id).contact_name is None


def test_nul_characters_in_forms_and_query_strings_are_refused(make: Factory, login_as: LoginAs) -> None:
    """PostgreSQL text cannot hold NUL: a company or project name with one answered 500 there."""
    user = make.user(Role.ENTERPRISE)
    client = login_as(user)
    name = user.company.name
    response = client.post("/company/profile/edit", data={**PROFILE, "name": "宏达\x00五金"})
    assert response.status_code == 400
    assert "空字符（NUL）" in response.get_data(as_text=True)
    assert db.session.get(Company, user.company_id).name == name
    response = client.post(
        "/company/eligibility/projects/new?program=gd_techreform_equipment_post_award", data={"name": "p\x00"}
    )
    assert response.status_code == 400
    assert _count(EligibilityProject) == 0
    admin = login_as(make.user(Role.ADMIN))
    assert admin.get("/admin/audit", query_string={"action": "x\x00"}).status_code == 400
    api = client.get("/api/v1/bureau/summary", query_string={"city": "\x00"})
    assert api.status_code == 400
    assert (
        api.get_json()["errors"][0]["message_en"]
        == "The submitted text contains NUL characters and cannot be saved; remove them and submit again."
    )
