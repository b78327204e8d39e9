"""Admin rule files: a valid modified copy replaces the shipped program; an invalid file changes nothing."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from fixture_types import LoginAs
from flask import Flask
from flask.testing import FlaskClient
from tests_support import Factory
from werkzeug.test import TestResponse

from portal.eligibility import services
from portal.extensions import db
from portal.models import Company, Role, RuleFile
from scoring.eligibility.rules import RULES_DIR

SHIPPED = (RULES_DIR / "gd_techreform_equipment_post_award.yaml").read_text(encoding="utf-8")
RAISED = SHIPPED.replace("value: {prd_8: 700, ewn_12: 400}", "value: {prd_8: 700, ewn_12: 500}")


def _company_with_project(make: Factory, amount: int) -> Company:
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


def _status(company: Company) -> tuple[str, list[Any]]:
    report = services.evaluate_company(company, date(2025, 6, 1))
    result = next(r for r in report["results"] if r["project"] == "设备")
    return result["status"], result["gaps"]


def _upload(client: FlaskClient, name: str, text: str, activate: bool = True) -> TestResponse:
    data: dict[str, Any] = {"file": (io.BytesIO(text.encode()), name)}
    if activate:
        data["activate"] = "y"
    return client.post("/admin/rules", data=data, content_type="multipart/form-data")


def test_valid_upload_replaces_shipped_program(make: Factory, login_as: LoginAs) -> None:
    company = _company_with_project(make, 450)
    assert _status(company) == ("eligible", [])
    admin = make.user(Role.ADMIN)
    client = login_as(admin)
    page = client.get("/admin/rules").get_data(as_text=True)
    assert "替换该内置规则" in page and "gd_techreform_equipment_post_award" in page
    assert _upload(client, "techreform_2026.yaml", RAISED).status_code == 302
    row = services.rule_files()[0]
    assert (row.program_id, row.active, row.uploaded_by_id) == (
        "gd_techreform_equipment_post_award",
        True,
        admin.id,
    )
    status, gaps = _status(company)
    assert status == "ineligible"
    assert (gaps[0]["required"], gaps[0]["shortfall"]) == (500, 50)
    listing = client.get("/admin/rules").get_data(as_text=True)
    assert "techreform_2026.yaml" in listing and "启用中" in listing
    # deactivate → shipped rules again; activate → uploaded again
    assert client.post(f"/admin/rules/{row.id}/deactivate").status_code == 302
    assert _status(company)[0] == "eligible"
    assert client.post(f"/admin/rules/{row.id}/activate").status_code == 302
    assert _status(company)[0] == "ineligible"
    assert client.get(f"/admin/rules/{row.id}").get_data(as_text=True) == RAISED


def test_activating_one_upload_deactivates_others_of_the_program(make: Factory, login_as: LoginAs) -> None:
    client = login_as(make.user(Role.ADMIN))
    _upload(client, "a.yaml", RAISED)
    _upload(client, "b.yaml", SHIPPED)
    active = [f.filename for f in services.rule_files() if f.active]
    assert active == ["b.yaml"]


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
    assert services.rule_files() == []
    assert RuleFile.query.count() == 0
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
    assert RuleFile.query.count() == 0
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


def test_an_active_upload_that_no_longer_loads_is_left_out(
    make: Factory, login_as: LoginAs, app: Flask
) -> None:
    """A file stored before the strict loader (here `kind:` twice) must not break every eligibility page."""
    company = _company_with_project(make, 450)
    admin = make.user(Role.ADMIN)
    stored = TWO_KINDS.replace("value: {prd_8: 700, ewn_12: 400}", "value: {prd_8: 700, ewn_12: 500}")
    row = RuleFile(
        filename="old.yaml",
        program_id="gd_techreform_equipment_post_award",
        name_zh="旧上传",
        content=stored,
        content_hash="0" * 64,
        uploaded_by_id=admin.id,
        active=True,
    )
    db.session.add(row)
    db.session.commit()
    assert _status(company) == ("eligible", [])  # the shipped program applies
    client = login_as(admin)
    page = client.get("/admin/rules")
    assert page.status_code == 200
    assert client.post(f"/admin/rules/{row.id}/deactivate").status_code == 302
