"""Regression tests for the server errors the form fuzzer (test_form_fuzz.py) found, one per root cause."""

from __future__ import annotations

import io

import sqlalchemy as sa
from fixture_types import LoginAs
from flask import Flask
from tests_support import Factory

from portal.assessments.services import start
from portal.extensions import db
from portal.models import ModuleAssignment, Role
from portal.providers import services as providers
from portal.providers.models import Solution

SOLUTION = {
    "name": "云MES",
    "summary": "车间数字化",
    "modules": ["base"],
    "sizes": ["small"],
    "all_clusters": True,
    "price_band": "lt5",
    "duration": "lt1m",
}


def _hidden(solution_id: int) -> bool:
    db.session.expire_all()
    return bool(db.session.scalar(sa.select(Solution.hidden).where(Solution.id == solution_id)))


def test_nul_in_a_form_field_is_refused_with_a_message_and_changes_nothing(
    make: Factory, login_as: LoginAs
) -> None:
    """PostgreSQL cannot store NUL: a reason with one used to end in a 500 there (and be stored on SQLite)."""
    solution = providers.save_solution(make.user(Role.PROVIDER).provider_org, SOLUTION)
    admin = login_as(make.user(Role.ADMIN))
    response = admin.post(f"/admin/providers/solutions/{solution.id}/hide", data={"reason": "重复\x00发布"})
    assert response.status_code == 400
    assert "空字符（NUL）" in response.get_data(as_text=True)
    assert not _hidden(solution.id)
    english = admin.post(
        f"/admin/providers/solutions/{solution.id}/hide?lang=en", data={"reason": "dup\x00licate"}
    )
    assert english.status_code == 400
    assert "contains NUL characters" in english.get_data(as_text=True)
    assert (
        admin.post(f"/admin/providers/solutions/{solution.id}/hide", data={"reason": "重复发布"}).status_code
        == 302
    )
    assert _hidden(solution.id)


def test_nul_in_a_field_name_query_or_file_name_is_refused(make: Factory, login_as: LoginAs) -> None:
    user = make.user(Role.ENTERPRISE)
    client = login_as(user)
    assert client.post("/company/profile/edit", data={"na\x00me": "x"}).status_code == 400
    assert client.get("/company/eligibility?as_of=2024\x00").status_code == 400
    upload = {"file": (io.BytesIO(b"program: x\n"), "rule\x00.yaml")}
    admin = login_as(make.user(Role.ADMIN))
    assert admin.post("/admin/rules", data=upload, content_type="multipart/form-data").status_code == 400


def test_nul_in_an_api_query_is_refused_with_a_json_error(
    app: Flask, make: Factory, login_as: LoginAs
) -> None:
    client = login_as(make.user(Role.ENTERPRISE))
    response = client.post("/api/v1/eligibility?x=\x00", json={})
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["message_en"].startswith("The submitted text contains NUL")


def test_saving_the_same_assignment_twice_keeps_it(make: Factory, login_as: LoginAs) -> None:
    """Re-sending an unchanged assignment removed and re-added the same row in one flush: the INSERT ran
    before the DELETE and broke the unique constraint (a 500)."""
    admin = make.user(Role.ENTERPRISE)
    member = make.user(Role.ENTERPRISE, company=admin.company, is_company_admin=False)
    assessment = start(admin.company, "miit-sme-digital", admin)
    client = login_as(admin)
    form = {"assignee-base": str(member.id), "assignee-mgmt": str(admin.id)}
    for _ in range(2):
        response = client.post(f"/company/assessments/{assessment.id}/assignments", data=form)
        assert response.status_code == 302
    narrowed = client.post(
        f"/company/assessments/{assessment.id}/assignments",
        data={"assignee-base": str(member.id), "assignee-mgmt": ""},
    )
    assert narrowed.status_code == 302
    db.session.expire_all()
    rows = db.session.scalars(
        sa.select(ModuleAssignment).where(ModuleAssignment.assessment_id == assessment.id)
    )
    assert [(r.module_id, r.user_id) for r in rows] == [("base", member.id)]


def test_a_multipart_part_without_a_name_is_an_ordinary_bad_request(make: Factory, login_as: LoginAs) -> None:
    """A part with no field name reaches the views with the key None (the NUL check choked on it)."""
    body = b'--X\r\nContent-Disposition: form-data; filename="r.yaml"\r\n\r\nprogram: x\r\n--X--\r\n'
    admin = login_as(make.user(Role.ADMIN))
    response = admin.post("/admin/rules", data=body, content_type="multipart/form-data; boundary=X")
    assert response.status_code == 400
    assert "请选择要上传的规则文件" in response.get_data(as_text=True)
