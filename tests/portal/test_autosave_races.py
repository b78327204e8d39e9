"""Concurrent writes of the same item (two colleagues at the same moment): never a server error, never a
silent lost update — every accepted write bumps the version exactly once."""

from __future__ import annotations

import threading
from typing import Any

import sqlalchemy as sa
from tests_support import sign_in_session

from portal.assessments.services import start
from portal.extensions import db
from portal.models import Answer, AnswerChange, Role


def test_racing_first_writes_of_one_item(app: Any, make: Any) -> None:
    admin = make.user(Role.ENTERPRISE)
    colleagues = [admin] + [
        make.user(Role.ENTERPRISE, company=admin.company, is_company_admin=False) for _ in range(5)
    ]
    assessment = start(admin.company, "miit-sme-digital", admin)
    url = f"/api/v1/assessments/{assessment.id}/answers"
    statuses: list[int] = []
    barrier = threading.Barrier(len(colleagues))

    def save(user: Any, value: str) -> None:
        with app.app_context():
            client = app.test_client()
            sign_in_session(client, user)
            barrier.wait()
            for _ in range(3):
                body = {"answers": [{"item_id": "base.info_systems.coverage", "value": value}]}
                statuses.append(client.post(url, json=body).status_code)

    threads = [threading.Thread(target=save, args=(u, "BCDEB"[n % 5])) for n, u in enumerate(colleagues)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses and all(code < 500 for code in statuses), statuses
    db.session.expire_all()
    row = db.session.scalar(sa.select(Answer).where(Answer.assessment_id == assessment.id))
    changes = db.session.scalars(sa.select(AnswerChange).order_by(AnswerChange.version)).all()
    # every recorded change is one version step: no two writers produced the same version
    assert [c.version for c in changes] == list(range(1, row.version + 1))
    assert row.value == changes[-1].new_value
