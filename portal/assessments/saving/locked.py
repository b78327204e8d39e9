"""The locked save: every save that the one statement (fast.py) does not take, on every database.

One statement locks the assessment and reads its answers, rules.decide() judges the changes in Python, one
statement writes them (on PostgreSQL; statements.py), then the commit. Autosave is the busiest write of
the portal, so this path reads and writes plain rows with SQLAlchemy Core, not ORM objects.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from portal.assessments import stored
from portal.assessments.saving import pins, rules, statements
from portal.assessments.saving.rules import Change, SaveResult
from portal.assessments.services import AssessmentError, editor_label, status_payload
from portal.assessments.stored import AssessmentRow, StoredAnswers
from portal.extensions import db
from portal.models import Role, User
from portal.models._common import utcnow
from portal.providers import consent

RACE_RETRIES = 6


@dataclass(frozen=True)
class Draft(AssessmentRow):
    """An assessment as a save sees it: read in one statement that also takes its row lock (PostgreSQL)
    for the rest of the transaction, so concurrent saves of one assessment queue instead of racing."""

    answers: StoredAnswers


def lock_draft(assessment_id: int) -> Draft | None:
    """The assessment with its answers, locked until the transaction ends (None: no such assessment).

    Usually one statement. If it had to wait for another save's lock, the answers it joined come from
    before that save (PostgreSQL re-reads only the locked row after the wait), so they are read again.
    A save sets the assessment's updated_at to its answers' updated_at, so the joined answers are current
    when their latest change is the assessment's latest change. Should this test ever pass wrongly, the
    version checks in the write still refuse the stale write and the save is run again on fresh rows.
    """
    rows = db.session.execute(statements.LOCK_AND_READ, {"assessment_id": assessment_id}).all()
    if not rows:
        return None
    first = rows[0]
    answers = stored.from_rows(rows)
    latest = max((a.updated_at for a in answers.values()), default=None)  # no answers: read again
    if latest != first.touched_at:
        answers = stored.read(assessment_id)
    return Draft(**stored.assessment_fields(first), answers=answers)


def require_draft(assessment_id: int) -> Draft:
    """lock_draft(), or AssessmentError 404."""
    draft = lock_draft(assessment_id)
    if draft is None:
        raise AssessmentError(404, "评估不存在", "assessment not found")
    return draft


class _RaceLostError(Exception):
    """Another transaction changed an answer between our read and our write (an UPDATE matched no row)."""


def save_locked(
    draft: Draft, changes: Sequence[Change], user: User, position: tuple[str, str | None] | None
) -> SaveResult:
    """Decide and write; `draft` comes from lock_draft() in this transaction.

    Without the lock (SQLite, or a read that waited for another save), two requests racing on the same item
    are still resolved by the database: the loser's INSERT hits the unique constraint or its UPDATE finds
    the version changed; it is then run again on fresh rows, where the version check reports a conflict
    or the value is equal.
    """
    for attempt in range(RACE_RETRIES):
        try:
            return _attempt(draft, changes, user, position)
        except (sa.exc.IntegrityError, _RaceLostError):
            db.session.rollback()
            if attempt == RACE_RETRIES - 1:
                raise
            time.sleep(random.uniform(0.005, 0.03) * (attempt + 1))  # noqa: S311 — jitter, not security
            draft = require_draft(draft.id)
    raise AssertionError("unreachable")


def _attempt(
    draft: Draft, changes: Sequence[Change], user: User, position: tuple[str, str | None] | None
) -> SaveResult:
    """One attempt of save_locked.

    A provider user may write only under an active assist-mode consent; each change then records the
    provider organisation (AnswerChange.acting_provider_org_id) and the batch is written to the
    company's audit trail, so the company sees "服务商 X 的 Y 代为修改".
    """
    acting_org_id = _acting_provider_org(draft, user)
    if draft.locked:
        raise AssessmentError(
            409, "评估已提交并锁定，不能再修改答案", "the assessment is submitted and locked"
        )
    pins.remember(draft)  # its next saves by this worker can take the one-statement path
    instrument = draft.instrument()
    decision = rules.decide(instrument, draft.cluster, draft.answers, changes)
    now = utcnow()
    writes = decision.writes
    if not statements.write(statements.Batch(draft.id, writes, user.id, acting_org_id, now, position)):
        raise _RaceLostError(draft.id)
    status = status_payload(instrument, draft.cluster, draft.id, draft.status, decision.answers_after)
    result = rules.result_of(decision, now, status, _editor_label)
    db.session.commit()
    if acting_org_id is not None and writes:
        from portal.providers import audit  # the provider feature builds on this module

        changed = [w.item_id for w in writes]
        audit.record(user, draft, "edit_answers", f"{len(changed)} 项：{'、'.join(changed[:5])}")
    return result


def _editor_label(user_id: int | None) -> str | None:
    return editor_label(db.session.get(User, user_id) if user_id is not None else None)


def _acting_provider_org(draft: Draft, user: User) -> int | None:
    """The provider organisation a write is made for (None: a member of the company). Anyone else may not
    write: members of the company, providers under an active assist consent (consent.can_edit)."""
    if not consent.can_edit(user, draft):
        raise AssessmentError(404, "评估不存在", "assessment not found")
    return user.provider_org_id if user.role is Role.PROVIDER else None
