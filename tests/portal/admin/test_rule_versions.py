"""Rule versions: an upload is a draft with a preview; publishing with dates makes it apply, withdrawing
lets the previous version apply again; every version is kept; an invalid file changes nothing."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import pytest
from fixture_types import LoginAs
from flask import Flask
from flask.testing import FlaskClient
from tests_support import Factory

from portal.admin import rule_versions
from portal.eligibility import rulesets, services
from portal.extensions import db
from portal.models import BureauProgramStatus, Role, RuleVersion
from scoring.eligibility.rules import RULES_DIR

SHIPPED = (RULES_DIR / "gd_techreform_equipment_post_award.yaml").read_text(encoding="utf-8")
RAISED = SHIPPED.replace("value: {prd_8: 700, ewn_12: 400}", "value: {prd_8: 700, ewn_12: 500}")


def _company_with_project(make: Factory, amount: int) -> Any:
    admin = make.user(Role.ENTERPRISE)
    services.save_conditions(
        admin.company, {"registered_in_guangdong": True, "independent_legal_person": True}, admin
    )
    services.save_project(
        admin.company,
        services.ProjectDraft(
            "设备",
            "gd_techreform_equipment_post_award",
            None,
            {
                "equipment_purchase_wan": amount,
                "filed_with_authority": True,
                "completed_within_filing_period": True,
                "prior_provincial_funding": False,
                "counted_in_techreform_statistics": True,
            },
        ),
        admin,
    )
    return admin.company


def _status(company: Any) -> tuple[str, list[Any]]:
    report = services.evaluate_company(company, date(2025, 6, 1))
    result = next(r for r in report["results"] if r["project"] == "设备")
    return result["status"], result["gaps"]


def _upload(client: FlaskClient, name: str, text: str) -> Any:
    data: dict[str, Any] = {"file": (io.BytesIO(text.encode()), name)}
    return client.post("/admin/rules", data=data, content_type="multipart/form-data")


def _publish(client: FlaskClient, version_id: int, start: date, end: date | None = None) -> Any:
    data = {"valid_from": start.isoformat(), "valid_until": end.isoformat() if end else ""}
    response = client.post(f"/admin/rules/{version_id}/publish", data=data)
    db.session.expire_all()  # the request committed in its own session
    return response


def _latest() -> RuleVersion:
    return rule_versions.all_versions()[0]


def test_upload_is_a_draft_until_published_then_withdrawn(make: Factory, login_as: LoginAs) -> None:
    company = _company_with_project(make, 450)
    assert _status(company) == ("eligible", [])
    admin = make.user(Role.ADMIN)
    client = login_as(admin)
    page = client.get("/admin/rules").get_data(as_text=True)
    assert "尚未上传规则文件" in page and "企业技术改造设备事后奖励" in page
    assert "gd_techreform_equipment_post_award" not in page  # programmes are named in words
    response = _upload(client, "techreform_2026.yaml", RAISED)
    row = _latest()
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/admin/rules/{row.id}")
    assert (row.program_id, row.status, row.version, row.uploaded_by_id) == (
        "gd_techreform_equipment_post_award",
        "draft",
        None,
        admin.id,
    )
    assert _status(company)[0] == "eligible"  # a draft changes nothing
    preview = client.get(f"/admin/rules/{row.id}").get_data(as_text=True)
    assert "发布前预览" in preview and company.name in preview  # its status changes: listed by name
    today = rulesets.today()
    assert _publish(client, row.id, today).status_code == 302
    assert (row.status, row.version, row.valid_from, row.valid_until) == ("published", 1, today, None)
    status, gaps = _status(company)
    assert status == "ineligible"
    assert (gaps[0]["required"], gaps[0]["shortfall"]) == (500, 50)
    assert client.get(f"/admin/rules/{row.id}/source").get_data(as_text=True) == RAISED
    # a second version of the same program wins; withdrawing it lets version 1 apply again
    _upload(client, "techreform_2026b.yaml", SHIPPED)
    second = _latest()
    assert _publish(client, second.id, today).status_code == 302
    assert second.version == 2 and _status(company)[0] == "eligible"
    assert client.post(f"/admin/rules/{second.id}/withdraw").status_code == 302
    db.session.expire_all()
    assert second.status == "withdrawn" and _status(company)[0] == "ineligible"
    assert client.post(f"/admin/rules/{row.id}/withdraw").status_code == 302
    assert _status(company)[0] == "eligible"  # the shipped file again
    db.session.expire_all()
    assert [v.status for v in rule_versions.all_versions()] == ["withdrawn", "withdrawn"]  # all kept
    listing = client.get("/admin/rules").get_data(as_text=True)
    assert "techreform_2026.yaml" in listing and "已撤回" in listing


def test_validity_dates_decide_when_a_version_applies(make: Factory, login_as: LoginAs) -> None:
    company = _company_with_project(make, 450)
    client = login_as(make.user(Role.ADMIN))
    _upload(client, "later.yaml", RAISED)
    today = rulesets.today()
    assert _publish(client, _latest().id, today + timedelta(days=10)).status_code == 302
    assert _status(company)[0] == "eligible"  # not yet in force
    _upload(client, "past.yaml", RAISED)
    assert (
        _publish(client, _latest().id, today - timedelta(days=30), today - timedelta(days=1)).status_code
        == 302
    )
    assert _status(company)[0] == "eligible"  # no longer in force


def test_publish_refuses_bad_dates_and_a_second_publication(make: Factory, login_as: LoginAs) -> None:
    client = login_as(make.user(Role.ADMIN))
    _upload(client, "a.yaml", RAISED)
    row = _latest()
    today = rulesets.today()
    response = _publish(client, row.id, today, today - timedelta(days=1))
    assert response.status_code == 400 and "失效日期不能早于生效日期" in response.get_data(as_text=True)
    response = client.post(f"/admin/rules/{row.id}/publish", data={"valid_from": "2026-13-45"})
    db.session.expire_all()
    assert response.status_code == 400 and row.status == "draft"
    assert _publish(client, row.id, today).status_code == 302
    response = _publish(client, row.id, today)
    assert response.status_code == 400 and "只有草稿可以发布" in response.get_data(as_text=True)
    assert client.post("/admin/rules/999/publish", data={"valid_from": today.isoformat()}).status_code == 404


def test_stored_results_record_the_rule_version(make: Factory, login_as: LoginAs) -> None:
    from portal.bureau.aggregates import refresh_eligibility

    company = _company_with_project(make, 450)
    refresh_eligibility(company)
    db.session.commit()
    row = db.session.get(BureauProgramStatus, (company.id, "gd_techreform_equipment_post_award"))
    assert row is not None and row.rule_version_id is None  # the shipped file
    client = login_as(make.user(Role.ADMIN))
    _upload(
        client,
        "b.yaml",
        SHIPPED.replace("value: {prd_8: 700, ewn_12: 400}", "value: {prd_8: 700, ewn_12: 300}"),
    )
    version = _latest()
    _publish(client, version.id, rulesets.today())  # publishing re-evaluates the stored results
    db.session.expire_all()
    row = db.session.get(BureauProgramStatus, (company.id, "gd_techreform_equipment_post_award"))
    assert row is not None and row.rule_version_id == version.id


def test_invalid_upload_is_rejected_with_reasons(make: Factory, login_as: LoginAs) -> None:
    company = _company_with_project(make, 450)
    client = login_as(make.user(Role.ADMIN))
    broken = SHIPPED.replace("field: project.equipment_purchase_wan", "field: project.equipment_budget_wan")
    response = _upload(client, "broken.yaml", broken)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "校验未通过" in page and "文件未保存" in page
    assert "broken.yaml" in page and "equipment_budget_wan" in page
    assert "/tmp" not in page  # the temp path is not shown
    assert _upload(client, "bad.yaml", "program: [unclosed").status_code == 400
    assert RuleVersion.query.count() == 0
    assert _status(company) == ("eligible", [])


def test_upload_without_file(make: Factory, login_as: LoginAs) -> None:
    client = login_as(make.user(Role.ADMIN))
    response = client.post("/admin/rules", data={}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "请选择要上传的规则文件" in response.get_data(as_text=True)


# The shipped file with `kind:` twice in `program:` (a plain YAML load keeps the last one silently).
TWO_KINDS = SHIPPED.replace("  kind: subsidy\n", "  kind: subsidy\n  kind: recognition\n", 1)
KIND_LINE = TWO_KINDS.splitlines().index("  kind: recognition") + 1
# Nine aliases to the level below on each of nine levels: 9**9 strings once expanded, from 600 bytes.
BILLION_LAUGHS = "l0: &l0 [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 9)
)


def _refused(client: FlaskClient, text: str | bytes, name: str = "hostile.yaml") -> str:
    data: dict[str, Any] = {"file": (io.BytesIO(text if isinstance(text, bytes) else text.encode()), name)}
    response = client.post("/admin/rules", data=data, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 400, page
    assert RuleVersion.query.count() == 0
    return page


def test_hostile_yaml_uploads_are_refused_with_a_reason(make: Factory, login_as: LoginAs) -> None:
    company = _company_with_project(make, 450)
    client = login_as(make.user(Role.ADMIN))
    assert "嵌套层级过深（最多 32 层）" in _refused(client, "[" * 50000)
    assert "嵌套层级过深（最多 32 层）" in _refused(client, "{" * 50000)
    page = _refused(client, BILLION_LAUGHS + SHIPPED)
    assert "不允许使用 YAML 锚点和别名" in page and "第 1 行第 5 列" in page
    page = _refused(client, TWO_KINDS, "two_kinds.yaml")
    assert f"第 {KIND_LINE} 行第 3 列：键“kind”重复（第 {KIND_LINE - 1} 行已有）" in page
    assert "two_kinds.yaml" in page
    assert "文件超过 256 KB" in _refused(client, SHIPPED + "#" * (256 * 1024))
    assert "不是 UTF-8 编码的文本" in _refused(client, SHIPPED.encode("gb18030"))
    assert "YAML 语法错误" in _refused(client, "program: [unclosed")
    assert _status(company) == ("eligible", [])  # the rules did not change


def test_yaml_refusals_in_english(make: Factory, login_as: LoginAs) -> None:
    client = login_as(make.user(Role.ADMIN))
    client.post("/lang/en", data={"next": "/"})
    page = _refused(client, TWO_KINDS)
    assert f"Line {KIND_LINE}, column 3: Duplicate key “kind” (already on line {KIND_LINE - 1})" in page
    assert "Nested too deeply (at most 32 levels)." in _refused(client, "[" * 50000)


def test_validation_messages_name_the_line(make: Factory, login_as: LoginAs) -> None:
    client = login_as(make.user(Role.ADMIN))
    broken = SHIPPED.replace(
        "field: project.equipment_purchase_wan", "field: project.equipment_budget_wan", 1
    )
    line = broken.splitlines().index(next(x for x in broken.splitlines() if "equipment_budget_wan" in x)) + 1
    page = _upload(client, "broken.yaml", broken).get_data(as_text=True)
    assert f"第 {line} 行：" in page


def test_a_published_version_that_no_longer_loads_is_left_out(
    make: Factory, login_as: LoginAs, app: Flask
) -> None:
    """A file stored before the strict loader (here `kind:` twice) must not break every eligibility page."""
    company = _company_with_project(make, 450)
    admin = make.user(Role.ADMIN)
    stored = TWO_KINDS.replace("value: {prd_8: 700, ewn_12: 400}", "value: {prd_8: 700, ewn_12: 500}")
    row = RuleVersion(
        filename="old.yaml",
        program_id="gd_techreform_equipment_post_award",
        name_zh="旧上传",
        content=stored,
        content_hash="0" * 64,
        uploaded_by_id=admin.id,
        status="published",
        version=1,
        valid_from=date(2026, 1, 1),
    )
    db.session.add(row)
    db.session.commit()
    assert _status(company) == ("eligible", [])  # the shipped program applies
    client = login_as(admin)
    page = client.get("/admin/rules")
    assert page.status_code == 200
    assert client.post(f"/admin/rules/{row.id}/withdraw").status_code == 302


def test_the_preview_page_in_english(make: Factory, login_as: LoginAs) -> None:
    _company_with_project(make, 450)
    client = login_as(make.user(Role.ADMIN))
    client.post("/lang/en", data={"next": "/"})
    _upload(client, "techreform_2026.yaml", RAISED)
    page = client.get(f"/admin/rules/{_latest().id}").get_data(as_text=True)
    assert "Preview before publishing" in page and "may qualify" in page and "does not qualify" in page
    assert "equipment" in page.lower() and "发布前预览" not in page and "企业技术改造设备事后奖励" not in page
    response = client.post(
        f"/admin/rules/{_latest().id}/publish", data={"valid_from": "2026-12-06", "valid_until": "2026-01-01"}
    )
    assert (
        response.status_code == 400
        and "The end date cannot be before the start date." in response.get_data(as_text=True)
    )


def test_many_companies_leave_the_pipeline_refresh_to_the_nightly_job(
    make: Factory, login_as: LoginAs, monkeypatch: pytest.MonkeyPatch
) -> None:
    from portal.bureau.aggregates import refresh_eligibility

    company = _company_with_project(make, 450)
    refresh_eligibility(company)
    db.session.commit()
    monkeypatch.setattr(rule_versions, "REFRESH_INLINE_LIMIT", 0)
    client = login_as(make.user(Role.ADMIN))
    _upload(client, "b.yaml", SHIPPED)
    response = client.post(
        f"/admin/rules/{_latest().id}/publish",
        data={"valid_from": rulesets.today().isoformat()},
        follow_redirects=True,
    )
    assert "项目管线将在夜间按新规则重新计算" in response.get_data(as_text=True)
    db.session.expire_all()
    row = db.session.get(BureauProgramStatus, (company.id, "gd_techreform_equipment_post_award"))
    assert row is not None and row.rule_version_id is None  # still the version it was computed with
