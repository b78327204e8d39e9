"""Concurrent writes of the same item (two colleagues at the same moment): never a server error, never a
silent lost update — every accepted write bumps the version exactly once."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from tests_support import Factory, sign_in_session, wait_until_a_backend_waits_for_a_lock

from portal.assessments import saving
from portal.assessments.services import start
from portal.extensions import db
from portal.models import Answer, AnswerChange, Role, User


def test_racing_first_writes_of_one_item(app: Flask, make: Factory) -> None:
    admin = make.user(Role.ENTERPRISE)
    colleagues = [admin] + [
        make.user(Role.ENTERPRISE, company=admin.company, is_company_admin=False) for _ in range(5)
    ]
    assessment = start(admin.company, "miit-sme-digital", admin)
    url = f"/api/v1/assessments/{assessment.id}/answers"
    statuses: list[int] = []
    barrier = threading.Barrier(len(colleagues))

    def save(user: User, value: str) -> None:
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


def test_a_save_that_waited_for_the_lock_reads_what_the_other_save_wrote(app: Flask, make: Factory) -> None:
    """PostgreSQL: a save reads the assessment and its answers in one statement that takes the row lock.
    If it waited for another save, the answers it joined predate that save; it must read them again
    (saving.lock_draft) rather than validate and count progress on the old answers."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks are a PostgreSQL feature (SQLite serialises writers itself)")
    user = make.user(Role.ENTERPRISE)
    assessment = start(user.company, "miit-sme-digital", user)
    saving.save(assessment.id, [saving.Change(FIRST, "B", None)], user)
    holder = saving.require_draft(assessment.id)  # this test's transaction now holds the lock
    seen: dict[str, Any] = {}

    def second_save() -> None:
        with app.app_context():
            draft = saving.require_draft(assessment.id)  # waits for the lock
            seen.update({item: (a.value, a.version) for item, a in draft.answers.items()})
            db.session.rollback()

    waiter = threading.Thread(target=second_save)
    waiter.start()
    wait_until_a_backend_waits_for_a_lock()
    saving.save(holder, [saving.Change(SECOND, "C", None)], user)  # commits, releasing the lock
    waiter.join(timeout=30)
    assert seen == {FIRST: ("B", 1), SECOND: ("C", 1)}


FIRST, SECOND = "base.info_systems.coverage", "mgmt.resources.funding"
