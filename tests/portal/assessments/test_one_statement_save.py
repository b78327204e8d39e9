"""Autosave in one statement (portal/assessments/saving/fast.py, PostgreSQL) gives exactly what the
locked save gives: the same replies (versions, conflicts, errors, progress), answers, history and
resume points. Each scenario runs twice on fresh assessments, once with the one-statement path and once
without it, and the two runs are compared."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import sqlalchemy as sa
from fixture_types import LoginAs
from flask import Flask
from tests_support import Factory, first_answer_held_open, wait_until_a_backend_waits_for_a_lock

from portal.assessments import saving, services
from portal.assessments.saving import fast, pins
from portal.extensions import db
from portal.models import Answer, AnswerChange, Assessment, AssessmentStatus, ResumePoint, Role

GD = "gd-mfg-dt"
REALTIME, USES = "cloud.equipment.realtime", "cloud.equipment.uses"  # USES shows when REALTIME is C or D
TOOLS, COLLAB = "cloud.rnd.tools", "cloud.rnd.collab"  # COLLAB (yes/no) shows when TOOLS is B, C or D

# A step: (who, body or a special action, module query parameter)
Step = tuple[str, Any, str | None]


def _answers(*pairs: tuple[str, Any], base: int | None = None) -> dict[str, Any]:
    entries = []
    for item, value in pairs:
        entry = {"item_id": item, "value": value}
        if base is not None:
            entry["base_version"] = base
        entries.append(entry)
    return {"answers": entries}


SCENARIOS: dict[str, list[Step]] = {
    "edits": [
        ("admin", _answers((REALTIME, "C")), "cloud"),  # the first save of a draft
        ("admin", _answers((REALTIME, "D")), "cloud"),
        ("admin", _answers((REALTIME, "D")), "cloud"),  # the same value again: no new version
        ("admin", _answers((REALTIME, None)), None),  # cleared
        ("admin", _answers((REALTIME, "B"), (TOOLS, "C")), "cloud"),
        ("colleague", _answers((REALTIME, "C"), (USES, ["B", "C"])), "cloud"),  # shown by the same batch
        ("colleague", _answers((COLLAB, True)), "cloud"),
        ("admin", _answers((COLLAB, False), (TOOLS, "B")), None),
        ("admin", _answers((REALTIME, "A")), "cloud"),  # hides USES, which keeps its stored answer
    ],
    "skip_rules": [
        ("admin", _answers((REALTIME, "A")), "cloud"),
        ("admin", _answers((USES, ["B"])), None),  # hidden by the stored answer: refused
        ("admin", _answers((USES, None)), None),  # clearing a hidden item is allowed
        ("admin", _answers((TOOLS, "A"), (COLLAB, True)), None),  # hidden by the same batch: refused whole
        ("admin", _answers((REALTIME, "C"), (USES, ["A", "B"])), None),  # an exclusive option with another
        ("admin", _answers((REALTIME, "Z")), None),  # no such option
        ("admin", _answers(("no.such.item", "A")), None),
        ("admin", _answers((REALTIME, "B"), (REALTIME, "C")), None),  # one item twice in a batch
    ],
    "conflicts": [
        ("admin", _answers((REALTIME, "B"), base=0), "cloud"),
        ("colleague", _answers((REALTIME, "C"), base=1), "cloud"),
        ("admin", _answers((REALTIME, "D"), base=1), "cloud"),  # stale: a conflict, nothing written
        ("admin", _answers((REALTIME, "C"), base=1), "cloud"),  # stale but the same value: saved
        ("admin", _answers((REALTIME, "D"), (TOOLS, "B"), base=1), "cloud"),  # one conflict, one write
        ("admin", _answers((REALTIME, "D"), base=2), "cloud"),  # overwrites after seeing the conflict
        ("colleague", _answers((TOOLS, "C"), base=0), None),  # base 0 for an answered item
    ],
    "access": [
        ("admin", _answers((REALTIME, "C")), "cloud"),
        ("stranger", _answers((REALTIME, "D")), "cloud"),  # another company's user: not found
        ("admin", _answers((REALTIME, "D")), "cloud"),
        ("admin", "submit", None),
        ("admin", _answers((REALTIME, "A")), "cloud"),  # submitted: locked
    ],
}


@pytest.fixture
def postgresql(app: Flask) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the one-statement save is PostgreSQL's (SQLite saves in several statements)")


def _run(
    steps: list[Step], make: Factory, login_as: LoginAs, one: bool, monkeypatch: pytest.MonkeyPatch
) -> dict[str, Any]:
    """Run the steps on a fresh draft; the replies (without ids and times) and what was stored."""
    admin = make.user(Role.ENTERPRISE, name="管理员")  # the same names in both runs (conflicts name them)
    people = {
        "admin": admin,
        "colleague": make.user(Role.ENTERPRISE, company=admin.company, is_company_admin=False, name="同事"),
        "stranger": make.user(Role.ENTERPRISE, name="外人"),
    }
    names = {user.id: who for who, user in people.items()}
    assessment = services.start(admin.company, GD, admin)
    clients = {who: login_as(user) for who, user in people.items()}
    for who in ("admin", "colleague"):  # the page view is where a worker learns the assessment's pin
        assert clients[who].get(f"/company/assessments/{assessment.id}/modules/cloud").status_code == 200
    taken = []
    real = fast.try_save

    def try_save(*args: Any) -> Any:
        result = real(*args) if one else None
        taken.append(result is not None)
        return result

    monkeypatch.setattr(fast, "try_save", try_save)
    replies = []
    for who, body, module in steps:
        if body == "submit":
            db.session.execute(
                sa.update(Assessment)
                .where(Assessment.id == assessment.id)
                .values(status=AssessmentStatus.SUBMITTED)
            )
            db.session.commit()
            continue
        url = f"/api/v1/assessments/{assessment.id}/answers" + (f"?module={module}" if module else "")
        response = clients[who].post(url, json=body)
        replies.append((response.status_code, _without_ids_and_times(response.get_json())))
    db.session.expire_all()
    answers = db.session.scalars(sa.select(Answer).where(Answer.assessment_id == assessment.id))
    history = db.session.scalars(
        sa.select(AnswerChange).where(AnswerChange.assessment_id == assessment.id).order_by(AnswerChange.id)
    )
    points = db.session.scalars(sa.select(ResumePoint).where(ResumePoint.assessment_id == assessment.id))
    return {
        "replies": replies,
        "answers": {a.item_id: (a.value, a.version, names.get(a.updated_by_id)) for a in answers},
        "history": [(c.item_id, c.old_value, c.new_value, c.version, names.get(c.user_id)) for c in history],
        "resume_points": {names[p.user_id]: (p.module_id, p.item_id) for p in points},
        "one_statement_saves": sum(taken),
    }


def _without_ids_and_times(body: Any) -> Any:
    if isinstance(body, dict):
        return {
            k: _without_ids_and_times(v)
            for k, v in body.items()
            if k not in ("saved_at", "updated_at", "assessment_id")
        }
    if isinstance(body, list):
        return [_without_ids_and_times(v) for v in body]
    return body


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_one_statement_and_two_statement_saves_agree(
    postgresql: None, name: str, make: Factory, login_as: LoginAs, monkeypatch: pytest.MonkeyPatch
) -> None:
    one = _run(SCENARIOS[name], make, login_as, True, monkeypatch)
    two = _run(SCENARIOS[name], make, login_as, False, monkeypatch)
    assert two["one_statement_saves"] == 0
    assert one["one_statement_saves"] > 0  # the scenario did exercise the path
    assert {k: v for k, v in one.items() if k != "one_statement_saves"} == {
        k: v for k, v in two.items() if k != "one_statement_saves"
    }


def test_a_usual_autosave_is_one_statement(
    postgresql: None, make: Factory, login_as: LoginAs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After the page view, a save by a member reads its user and then runs one statement (then commits)."""
    admin = make.user(Role.ENTERPRISE)
    assessment = services.start(admin.company, GD, admin)
    client = login_as(admin)
    url = f"/api/v1/assessments/{assessment.id}/answers?module=cloud"
    client.post(url, json=_answers((TOOLS, "B")))
    client.get(f"/company/assessments/{assessment.id}/modules/cloud")
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement.strip().split()[0])

    real_rows = fast._rows
    monkeypatch.setattr(fast, "_rows", lambda sql, params: seen.append("WITH") or real_rows(sql, params))
    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        response = client.post(url, json=_answers((TOOLS, "C"), base=1))
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    assert response.status_code == 200
    assert response.get_json()["saved"][0]["version"] == 2
    assert seen == ["SELECT", "WITH"], seen  # the user, then the save


def test_a_save_meeting_another_save_waits_and_counts_what_that_one_saved(
    postgresql: None, app: Flask, make: Factory, login_as: LoginAs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While another save holds the assessment's lock, an autosave takes the locked path (the one statement
    does not wait); its reply (progress, visible items) includes what the other save wrote. For a while
    after, saves of that assessment take the locked path directly."""
    admin = make.user(Role.ENTERPRISE)
    assessment = services.start(admin.company, GD, admin)
    client = login_as(admin)
    url = f"/api/v1/assessments/{assessment.id}/answers"
    assert client.post(url, json=_answers((TOOLS, "A"))).status_code == 200
    client.get(f"/company/assessments/{assessment.id}/modules/cloud")  # remembers the pin
    taken = []
    real = fast.try_save
    monkeypatch.setattr(fast, "try_save", lambda *a: taken.append(real(*a)) or taken[-1])
    holder = saving.require_draft(assessment.id)  # this test's transaction holds the lock
    replies: list[Any] = []

    def colleague_saves() -> None:
        with app.app_context():
            response = client.post(url, json=_answers((USES, ["B"])))  # shown only by REALTIME below
            replies.append((response.status_code, response.get_json()))

    waiter = threading.Thread(target=colleague_saves)
    waiter.start()
    wait_until_a_backend_waits_for_a_lock()
    saving.save(holder, [saving.Change(REALTIME, "C", None)], admin)  # commits: lock released
    waiter.join(timeout=30)
    status, body = replies[0]
    assert taken == [None]  # the one statement found the assessment locked and gave way
    assert status == 200, body
    assert body["progress"]["answered"] == 3
    assert USES in body["visible_items"]
    # Someone else was saving: the next saves of this assessment queue on the lock directly for a while,
    # without trying the one statement first; then they try it again.
    statements = []
    real_rows = fast._rows
    monkeypatch.setattr(fast, "_rows", lambda *a: statements.append(a) or real_rows(*a))
    assert client.post(url, json=_answers((TOOLS, "B"))).status_code == 200
    assert taken[-1] is None and not statements
    pins._BUSY[assessment.id] -= pins.BUSY_SECONDS  # as if that time had passed
    assert client.post(url, json=_answers((TOOLS, "C"))).status_code == 200
    assert taken[-1] is not None and len(statements) == 1


def test_a_first_answer_committed_by_another_save_meanwhile_goes_through_the_locked_path(
    postgresql: None, app: Flask, make: Factory, login_as: LoginAs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The one statement does not see an answer committed after its snapshot: its insert of the same first
    answer fails on the unique index. The save is then made by the locked path, which reads that answer and
    writes over it, and the user gets a normal reply."""
    admin = make.user(Role.ENTERPRISE)
    assessment = services.start(admin.company, GD, admin)
    client = login_as(admin)
    client.get(f"/company/assessments/{assessment.id}/modules/cloud")  # remembers the pin
    db.session.commit()
    taken = []
    real = fast.try_save
    monkeypatch.setattr(fast, "try_save", lambda *a: taken.append(real(*a)) or taken[-1])
    other = first_answer_held_open(assessment.id, REALTIME, "B", admin.id)
    replies: list[Any] = []

    def save() -> None:
        with app.app_context():
            response = client.post(
                f"/api/v1/assessments/{assessment.id}/answers", json=_answers((REALTIME, "C"))
            )
            replies.append((response.status_code, response.get_json()))

    saver = threading.Thread(target=save)
    saver.start()
    try:
        wait_until_a_backend_waits_for_a_lock()
    finally:
        other.commit()
        other.close()
    saver.join(timeout=30)
    status, body = replies[0]
    assert taken == [None]  # the one statement lost the race and gave way
    assert not pins.is_busy(assessment.id)  # on the answer, not on the assessment's lock
    assert status == 200, body
    assert body["saved"][0]["version"] == 2  # written over the answer committed meanwhile
    db.session.expire_all()
    stored = db.session.scalars(sa.select(Answer).where(Answer.assessment_id == assessment.id)).one()
    assert (stored.value, stored.version) == ("C", 2)
