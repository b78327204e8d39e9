"""Regression tests for the server errors the form fuzzer (test_form_fuzz.py) found, one per root cause."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from portal.assessments.services import start
from portal.extensions import db
from portal.models import ModuleAssignment, Role


def test_saving_the_same_assignment_twice_keeps_it(make: Any, login_as: Any) -> None:
    """Re-sending an unchanged assignment removed and re-added the same row in one flush: the INSERT ran
    before the DELETE and broke the unique constraint (a 500)."""
    admin = make.user(Role.ENTERPRISE)
    member = make.user(Role.ENTERPRISE, company=admin.company, is_company_admin=False)
    assessment = start(admin.company, "miit-sme-digital", admin)
    client = login_as(admin)
    form = {"module_id": "base", "user_id": [str(member.id), str(admin.id)]}
    for _ in range(2):
        response = client.post(f"/company/assessments/{assessment.id}/assignments", data=form)
        assert response.status_code == 302
    narrowed = client.post(
        f"/company/assessments/{assessment.id}/assignments",
        data={"module_id": "base", "user_id": str(member.id)},
    )
    assert narrowed.status_code == 302
    db.session.expire_all()
    rows = db.session.scalars(
        sa.select(ModuleAssignment).where(ModuleAssignment.assessment_id == assessment.id)
    )
    assert [(r.module_id, r.user_id) for r in rows] == [("base", member.id)]
