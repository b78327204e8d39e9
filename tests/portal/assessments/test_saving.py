"""One save (portal/assessments/saving): the rules that decide what a save writes run without a database,
on both write paths, for both callers (the autosave API and the form without JavaScript)."""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fixture_types import Draft, LoginAs
from tests_support import Factory

import questionnaires
from portal.assessments import services
from portal.assessments.saving import fast, rules, statements
from portal.assessments.saving.rules import Change, Kind
from portal.assessments.stored import StoredAnswer
from portal.extensions import db
from portal.models import Answer, AnswerChange, Role

ROOT = Path(__file__).resolve().parents[3]
GD = "gd-mfg-dt"
REALTIME, USES = "cloud.equipment.realtime", "cloud.equipment.uses"  # USES shows when REALTIME is C or D
TOOLS = "cloud.rnd.tools"
EARLIER = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
NOW = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)


def _stored(value: Any, version: int, by: int = 7) -> StoredAnswer:
    return StoredAnswer(id=version * 100, value=value, version=version, updated_by_id=by, updated_at=EARLIER)


@pytest.fixture(scope="module")
def instrument() -> questionnaires.Instrument:
    return questionnaires.latest_published(GD)


# ----------------------------------------------------------------------------- the rules, no database


def test_each_change_is_kept_written_or_in_conflict(instrument: questionnaires.Instrument) -> None:
    answers = {REALTIME: _stored("B", 3), TOOLS: _stored("A", 2)}
    decision = rules.decide(
        instrument,
        None,
        answers,
        [
            Change(REALTIME, "B", 1),  # the stored value, from an old version: nothing to do
            Change(TOOLS, "C", 1),  # someone changed it since version 1: a conflict
        ],
    )
    assert [(o.kind, o.item_id, o.version) for o in decision.outcomes] == [
        (Kind.KEEP, REALTIME, 3),
        (Kind.CONFLICT, TOOLS, 2),
    ]
    assert decision.writes == [] and decision.answers_after == {REALTIME: "B", TOOLS: "A"}

    decision = rules.decide(instrument, None, answers, [Change(REALTIME, "C", 3), Change(USES, ["B"], None)])
    assert [(o.kind, o.version) for o in decision.outcomes] == [(Kind.WRITE, 4), (Kind.WRITE, 1)]
    assert decision.answers_after == {REALTIME: "C", TOOLS: "A", USES: ["B"]}  # USES shown by this batch


def test_a_batch_is_judged_as_a_whole_against_the_answers_after_it(
    instrument: questionnaires.Instrument,
) -> None:
    answers = {REALTIME: _stored("C", 1), USES: _stored(["B"], 1)}
    with pytest.raises(services.AssessmentError) as refused:  # hides USES in the same batch
        rules.decide(instrument, None, answers, [Change(REALTIME, "A", None), Change(USES, ["C"], None)])
    assert (refused.value.status, refused.value.field) == (422, USES)
    decision = rules.decide(
        instrument, None, answers, [Change(REALTIME, "A", None), Change(USES, None, None)]
    )
    assert [o.kind for o in decision.outcomes] == [
        Kind.WRITE,
        Kind.WRITE,
    ]  # clearing a hidden item is allowed
    assert decision.answers_after == {REALTIME: "A"}


def test_the_reply_lists_versions_times_and_who_wrote_a_conflicting_answer(
    instrument: questionnaires.Instrument,
) -> None:
    answers = {REALTIME: _stored("B", 3, by=7), TOOLS: _stored("A", 2)}
    changes = [Change(REALTIME, "D", 2), Change(TOOLS, "A", None), Change(USES, None, None)]
    decision = rules.decide(instrument, None, answers, changes)
    result = rules.result_of(decision, NOW, {"status": "draft"}, {7: "同事"}.get)
    assert result.saved == [(TOOLS, 2, EARLIER), (USES, 0, NOW)]
    assert [(c.item_id, c.your_value, c.current_value, c.updated_by) for c in result.conflicts] == [
        (REALTIME, "D", "B", "同事")
    ]
    assert result.status == {"status": "draft"}


def test_values_are_normalised_alone_before_the_one_statement(instrument: questionnaires.Instrument) -> None:
    assert rules.normalized_alone(instrument, [Change(REALTIME, "C", None)]) == {REALTIME: "C"}
    assert rules.normalized_alone(instrument, [Change(REALTIME, "Z", None)]) is None  # no such option


def _imported(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_the_rules_run_no_sql() -> None:
    imported = _imported(ROOT / "portal/assessments/saving/rules.py")
    assert not {
        m for m in imported if m.split(".")[0] in ("sqlalchemy", "psycopg", "flask", "flask_sqlalchemy")
    }
    assert "portal.extensions" not in imported and "portal.assessments.saving.statements" not in imported


def test_checking_access_does_not_involve_the_save() -> None:
    """The fast path's pin cache is warmed by the module page and by saves, not as a side effect of an
    access check (portal/assessments/access.py imported both save modules to do that)."""
    assert not {m for m in _imported(ROOT / "portal/assessments/access.py") if "saving" in m}


# ----------------------------------------------------------------------------- both callers, both paths


@pytest.fixture
def draft(make: Factory, login_as: LoginAs) -> Draft:
    admin = make.user(Role.ENTERPRISE)
    assessment = services.start(admin.company, GD, admin)
    client = login_as(admin)
    assert client.get(f"/company/assessments/{assessment.id}/modules/cloud").status_code == 200
    return assessment, admin, client


def _stored_rows(assessment_id: int) -> tuple[dict[str, Any], list[Any]]:
    db.session.expire_all()
    answers = db.session.scalars(sa.select(Answer).where(Answer.assessment_id == assessment_id))
    history = db.session.scalars(
        sa.select(AnswerChange).where(AnswerChange.assessment_id == assessment_id).order_by(AnswerChange.id)
    )
    return (
        {a.item_id: (a.value, a.version) for a in answers},
        [(c.item_id, c.old_value, c.new_value, c.version) for c in history],
    )


def test_the_form_and_the_autosave_store_the_same(draft: Draft, make: Factory, login_as: LoginAs) -> None:
    """The same two edits through the page's form and through the autosave API leave the same answers,
    versions and history (the form's save is the API's save: one rule set, on SQLite the locked path, on
    PostgreSQL the one statement)."""
    assessment, _admin, form_client = draft
    page = f"/company/assessments/{assessment.id}/modules/cloud"
    assert form_client.post(page, data={REALTIME: "C"}).status_code == 302
    assert form_client.post(page, data={REALTIME: "D", f"__v__{REALTIME}": "1"}).status_code == 302
    by_form = _stored_rows(assessment.id)

    other = make.user(Role.ENTERPRISE)
    second = services.start(other.company, GD, other)
    api = login_as(other)
    url = f"/api/v1/assessments/{second.id}/answers"
    assert api.post(url, json={"item_id": REALTIME, "value": "C"}).status_code == 200
    assert api.post(url, json={"item_id": REALTIME, "value": "D", "base_version": 1}).status_code == 200
    assert (
        _stored_rows(second.id)
        == by_form
        == ({REALTIME: ("D", 2)}, [(REALTIME, None, "C", 1), (REALTIME, "C", "D", 2)])
    )


def test_a_form_save_after_the_page_view_is_one_statement(
    draft: Draft, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page's form without JavaScript saves through the same one statement as the autosave on
    PostgreSQL (only the API view used to know that path)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the one-statement save is PostgreSQL's; on SQLite the locked path runs the same rules")
    assessment, _admin, client = draft
    ran: list[str] = []
    real_rows = fast._rows
    monkeypatch.setattr(fast, "_rows", lambda sql, params: ran.append(sql) or real_rows(sql, params))
    locked: list[str] = []

    def listener(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "FOR UPDATE" in statement:  # the locked path's read
            locked.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        response = client.post(f"/company/assessments/{assessment.id}/modules/cloud", data={REALTIME: "C"})
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)
    assert response.status_code == 302
    assert ran == [statements.FAST_SAVE] and not locked, locked
    assert _stored_rows(assessment.id)[0] == {REALTIME: ("C", 1)}
