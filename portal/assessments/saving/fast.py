"""The one-statement save (PostgreSQL): the usual save costs one round trip to the database, not two.

The usual save is a member of the company changing a few answers of its draft, with no conflict. The
locked path (locked.py) locks the assessment and reads its answers (one statement), decides in Python,
then writes (a second statement). Here a single statement (statements.FAST_SAVE) locks the assessment,
reads its answers and writes the changes that need no judgement. Then rules.decide() runs on the answers
as they are after the statement: it must find nothing left to write and no conflict or refusal, or the
transaction is rolled back (nothing of it remains) and try_save() returns None, and the save goes through
the locked path, which applies the same rules and reports errors and conflicts. That covers providers,
instruments this worker has not seen (pins.py), values the instrument refuses, items hidden by skip rules,
conflicts, submitted or foreign assessments and lost races. So this path only ever returns what the locked
path would return for the same request; tests/portal/assessments/test_one_statement_save.py runs both
side by side.

SQLite has no statement of this kind (no data-modifying CTEs, no row locks): there every save takes the
locked path, which runs the same rules.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from portal.assessments import stored
from portal.assessments.saving import pins, rules
from portal.assessments.saving.rules import Change, SaveResult
from portal.assessments.saving.statements import FAST_SAVE
from portal.assessments.saving.statements import run as _rows
from portal.assessments.services import AssessmentError, status_payload
from portal.assessments.stored import StoredAnswer, StoredAnswers
from portal.extensions import db
from portal.instruments import instrument_of
from portal.models import AssessmentStatus, Role, User
from portal.models._common import utcnow
from questionnaires import Instrument

LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE for NOWAIT finding the row locked


class _FallBackError(Exception):
    """This save needs the locked path."""


def try_save(
    assessment_id: int, changes: Sequence[Change], user: User, position: tuple[str, str | None] | None
) -> SaveResult | None:
    """Save and commit in one statement; None (nothing written, transaction rolled back) when the save
    must go through the locked path instead. See the module docstring."""
    pin = pins.pin_of(assessment_id)
    if pin is None or user.role is not Role.ENTERPRISE or db.session.get_bind().dialect.name != "postgresql":
        return None
    if pins.is_busy(assessment_id):
        return None
    instrument = instrument_of(pin)
    normalized = rules.normalized_alone(instrument, changes)
    if normalized is None:
        return None
    try:
        return _save(assessment_id, pin, instrument, changes, normalized, user, position)
    except (_FallBackError, sa.exc.IntegrityError):
        db.session.rollback()
        return None
    except sa.exc.OperationalError as error:
        if getattr(error.orig, "sqlstate", None) != LOCK_NOT_AVAILABLE:
            raise  # the database is down or similar: answered 503 (portal/errors.py)
        db.session.rollback()
        pins.mark_busy(assessment_id)
        return None


def _save(
    assessment_id: int,
    pin: pins.Pin,
    instrument: Instrument,
    changes: Sequence[Change],
    normalized: dict[str, Any],
    user: User,
    position: tuple[str, str | None] | None,
) -> SaveResult:
    now = utcnow()
    module_id, item_id = position or (None, None)
    sent = [
        {"item_id": c.item_id, "base_version": c.base_version, "value": normalized[c.item_id]}
        for c in changes
    ]
    rows = _rows(
        FAST_SAVE,
        {
            "assessment_id": assessment_id,
            "company_id": user.company_id,
            "user_id": user.id,
            "acting_org_id": None,  # members only
            "draft": AssessmentStatus.DRAFT.name,
            "now": now,
            "module_id": module_id,
            "item_id": item_id,
            "changes": json.dumps(sent, ensure_ascii=False),
        },
    )
    if not rows:
        raise _FallBackError("no such assessment")
    first = rows[0]
    if (
        first.company_id != user.company_id
        or first.status != AssessmentStatus.DRAFT.name
        or pins.Pin(first.instrument_id, first.instrument_version, first.instrument_hash) != pin
    ):
        raise _FallBackError(assessment_id)
    after = _answers_after(assessment_id, rows, set(first.written or ()), normalized, user.id, now)
    try:
        decision = rules.decide(instrument, first.cluster, after, changes)  # the skip rules
    except AssessmentError as error:
        raise _FallBackError(error.field) from error
    if decision.writes or decision.conflicts:  # a conflict, or another save changed it after our snapshot
        raise _FallBackError(assessment_id)
    status = status_payload(
        instrument, first.cluster, assessment_id, AssessmentStatus.DRAFT, decision.answers_after
    )
    db.session.commit()
    return rules.result_of(decision, now, status, lambda _user_id: None)  # no conflict to name


def _answers_after(
    assessment_id: int,
    rows: Sequence[Any],
    written: set[str],
    normalized: dict[str, Any],
    user_id: int,
    now: datetime,
) -> StoredAnswers:
    """The assessment's answers once the statement has written.

    The statement's answers are a snapshot taken when it started. Another save of this assessment may have
    committed between that moment and the lock (a tiny window, as the statement does not wait for the
    lock): then the locked row's updated_at is newer than the snapshot's newest answer, and the answers are
    read again, in this transaction, with our writes. (With no answers in the snapshot, a draft's first
    save, nothing tells; they are read again too.)"""
    snapshot = stored.from_rows(rows)
    if not snapshot or max(a.updated_at for a in snapshot.values()) != rows[0].touched_at:
        return stored.read(assessment_id)
    after = dict(snapshot)
    for item in written:
        before = after.get(item)
        # a first answer's row id is not returned; nothing after the save reads it
        answer_id = before.id if before else 0
        after[item] = StoredAnswer(
            answer_id, normalized[item], (before.version if before else 0) + 1, user_id, now
        )
    return after
