"""A double-clicked (or two colleagues') submit of one assessment: scored and recorded once."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import sqlalchemy as sa
from flask import Flask
from tests_support import Factory, answer_everything, sign_in_session

from portal.assessments import services as assessments
from portal.extensions import db
from portal.models import AssessmentResult, Role, User
from portal.models.platform_audit import PlatformEvent


def test_concurrent_submits_score_and_record_once(app: Flask, make: Factory) -> None:
    admin = make.user(Role.ENTERPRISE)
    colleague = make.user(Role.ENTERPRISE, company=admin.company, is_company_admin=True)
    assessment = assessments.start(admin.company, "gd-mfg-dt", admin)
    answer_everything(assessment, admin, 2)
    # plain ids: the threads must not touch this thread's ORM objects (and session)
    users = [SimpleNamespace(id=admin.id), SimpleNamespace(id=colleague.id)] * 3
    barrier = threading.Barrier(len(users), timeout=60)
    statuses: list[int] = []

    def submit(user: User) -> None:
        with app.app_context():
            client = app.test_client()
            sign_in_session(client, user)
            barrier.wait()
            response = client.post(f"/company/assessments/{assessment.id}/submit", data={"attest": "y"})
            statuses.append(response.status_code)

    threads = [threading.Thread(target=submit, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(statuses) == len(users) and all(code == 302 for code in statuses), statuses
    db.session.expire_all()
    results = db.session.scalar(
        sa.select(sa.func.count(AssessmentResult.id)).where(AssessmentResult.assessment_id == assessment.id)
    )
    submits = db.session.scalar(
        sa.select(sa.func.count(PlatformEvent.id)).where(PlatformEvent.action == "submit_assessment")
    )
    assert (results, submits) == (1, 1)
