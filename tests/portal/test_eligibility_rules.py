"""Admin rule files: a valid modified copy replaces the shipped program; an invalid file changes nothing."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from portal.eligibility import services
from portal.models import Role, RuleFile
from scoring.eligibility.rules import RULES_DIR

SHIPPED = (RULES_DIR / "gd_techreform_equipment_post_award.yaml").read_text(encoding="utf-8")
RAISED = SHIPPED.replace("value: {prd_8: 700, ewn_12: 400}", "value: {prd_8: 700, ewn_12: 500}")


def _company_with_project(make: Any, amount: int) -> Any:
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


def _upload(client: Any, name: str, text: str, activate: bool = True) -> Any:
    data: dict[str, Any] = {"file": (io.BytesIO(text.encode()), name)}
    if activate:
        data["activate"] = "y"
    return client.post("/admin/rules", data=data, content_type="multipart/form-data")


def test_valid_upload_replaces_shipped_program(make: Any, login_as: Any) -> None:
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


def test_activating_one_upload_deactivates_others_of_the_program(make: Any, login_as: Any) -> None:
    client = login_as(make.user(Role.ADMIN))
    _upload(client, "a.yaml", RAISED)
    _upload(client, "b.yaml", SHIPPED)
    active = [f.filename for f in services.rule_files() if f.active]
    assert active == ["b.yaml"]


def test_invalid_upload_is_rejected_with_reasons(make: Any, login_as: Any) -> None:
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


def test_upload_without_file(make: Any, login_as: Any) -> None:
    client = login_as(make.user(Role.ADMIN))
    response = client.post("/admin/rules", data={}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "请选择要上传的规则文件" in response.get_data(as_text=True)
