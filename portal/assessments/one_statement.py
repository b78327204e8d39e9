"""Autosave in one statement (PostgreSQL): the usual save costs one round trip to the database, not two.

The usual save is a member of the company changing a few answers of its draft, with no conflict.
saving.save_answers() handles every save: it locks the assessment and reads its answers (one statement),
checks the changes against all the answers in Python, then writes (a second statement). Here a single
statement locks the assessment, reads its answers and writes the changes that need no judgement: those
whose stored version is the one the client started from (or that came without a version) and whose value
differs from the stored one. What needs all the answers (skip rules, progress) is checked afterwards, in
Python, before the commit.

Whenever a save is not that simple, the transaction is rolled back (nothing of it remains) and try_save()
returns None, and the caller saves through saving.save_answers(), which applies the rules and reports
errors and conflicts. That covers providers, instruments this worker has not seen, values the instrument
refuses, items hidden by skip rules, conflicts, submitted or foreign assessments and lost races. So this
path only ever returns what saving.save_answers() would return for the same request;
tests/portal/test_one_statement_save.py runs both side by side.

The values are normalised before the statement, so the instrument must be known before anything is read:
assessments are pinned to an instrument version for life, and each worker remembers the pins of the
assessments it has shown or saved (remember()). The statement returns the pin and a mismatch falls back.

Measured on PostgreSQL, 2 cores (2026-12-06): in process, in alternating blocks of 200 requests, 0.26-0.27
ms less CPU per save request (1.80-1.93 ms against 2.07-2.19 ms; a signed-in trivial request 1.07-1.13).
Under load (bench/http_load.py's setup, two servers measured in alternating rounds, 12 rounds): autosave
at 0.516 of the trivial route's requests/s against 0.471 without this path, and 0.449 against 0.457 with
all the load on one assessment.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

import psycopg
import sqlalchemy as sa
from psycopg.rows import namedtuple_row

import questionnaires
from portal import transactions
from portal.assessments import stored
from portal.assessments.saving import Change, SaveResult, validated
from portal.assessments.services import AssessmentError, instrument_of, status_payload
from portal.assessments.stored import AssessmentRow
from portal.extensions import db
from portal.models import AssessmentStatus, Role, User
from portal.models._common import utcnow


class Pin(NamedTuple):
    """The instrument version an assessment is pinned to (services.Pinned)."""

    instrument_id: str
    instrument_version: str
    instrument_hash: str


_PINS: dict[int, Pin] = {}  # by assessment id; one Pin object per instrument version (_VERSIONS)
_VERSIONS: dict[Pin, Pin] = {}
_PINS_KEPT = 100_000  # ~10 MB at most; forgetting only costs one save through the other path
# Assessments that someone else was saving when this worker tried (NOWAIT found the row locked): their
# saves go straight to the locked path, which queues on the lock, for a while (monotonic time until which).
# Colleagues saving one assessment at the same moment tend to go on doing so, and every save through this
# path would otherwise cost a failed statement and a rollback first.
_BUSY: dict[int, float] = {}
BUSY_SECONDS = 2.0


def remember(assessment: AssessmentRow) -> None:
    """Keep the assessment's pin so that its next saves by this worker can take this path."""
    if len(_PINS) >= _PINS_KEPT:
        _PINS.clear()
    pin = Pin(assessment.instrument_id, assessment.instrument_version, assessment.instrument_hash)
    _PINS[assessment.id] = _VERSIONS.setdefault(pin, pin)


def forget_this_worker() -> None:
    """For tests: start as a fresh worker does."""
    _PINS.clear()
    _BUSY.clear()


# `locked` takes the row lock first: every write below reads from it (through `plan`). It does not wait
# for the lock (NOWAIT): the data-modifying parts all see the snapshot taken when the statement started,
# and after waiting for another save of the assessment that snapshot would lack that save's answers and
# the writes based on it would fail their version checks. An assessment being saved by someone else
# right now (colleagues saving at the same moment) is saved through the locked path, which waits.
_SAVE = """
WITH locked AS (
  SELECT a.id, a.company_id, a.status, a.instrument_id, a.instrument_version, a.instrument_hash, c.cluster,
    a.updated_at AS touched_at
  FROM assessments a JOIN companies c ON c.id = a.company_id
  WHERE a.id = %(assessment_id)s
  FOR UPDATE OF a NOWAIT
),
snapshot AS (
  SELECT id, item_id, value, version, updated_by_id, updated_at FROM answers
  WHERE assessment_id = %(assessment_id)s
),
input AS (
  SELECT * FROM jsonb_to_recordset(CAST(%(changes)s AS jsonb))
    AS x(item_id text, base_version int, value jsonb)
),
plan AS (
  SELECT i.item_id, i.value, s.id AS answer_id, s.version AS read_version, s.value AS old_value
  FROM input i
  JOIN locked l ON l.company_id = %(company_id)s AND l.status = %(draft)s
  LEFT JOIN snapshot s ON s.item_id = i.item_id
  WHERE COALESCE(CAST(s.value AS jsonb), 'null') IS DISTINCT FROM COALESCE(i.value, 'null')
    AND (s.id IS NULL OR i.base_version IS NULL OR s.version = i.base_version)
),
updated AS (
  UPDATE answers a SET value = CAST(p.value AS json), version = p.read_version + 1,
    updated_by_id = %(user_id)s, updated_at = %(now)s
  FROM plan p WHERE p.answer_id IS NOT NULL AND a.id = p.answer_id AND a.version = p.read_version
  RETURNING a.item_id
),
inserted AS (
  INSERT INTO answers (assessment_id, item_id, value, version, updated_by_id, updated_at)
  SELECT %(assessment_id)s, p.item_id, CAST(p.value AS json), 1, %(user_id)s, %(now)s FROM plan p
  WHERE p.answer_id IS NULL
  RETURNING item_id
),
history AS (
  INSERT INTO answer_changes (assessment_id, item_id, old_value, new_value, version, user_id, changed_at)
  SELECT %(assessment_id)s, p.item_id, p.old_value, CAST(p.value AS json), COALESCE(p.read_version, 0) + 1,
    %(user_id)s, %(now)s
  FROM plan p
),
touched AS (
  UPDATE assessments SET updated_at = %(now)s WHERE id = %(assessment_id)s AND EXISTS (SELECT 1 FROM plan)
),
resumed AS (
  INSERT INTO resume_points (assessment_id, user_id, module_id, item_id, updated_at)
  SELECT %(assessment_id)s, %(user_id)s, CAST(%(module_id)s AS varchar), %(item_id)s, %(now)s
  FROM locked l
  WHERE CAST(%(module_id)s AS varchar) IS NOT NULL AND l.company_id = %(company_id)s AND l.status = %(draft)s
  ON CONFLICT (assessment_id, user_id) DO UPDATE
  SET module_id = excluded.module_id, item_id = excluded.item_id, updated_at = excluded.updated_at
)
SELECT l.id, l.company_id, l.status, l.instrument_id, l.instrument_version, l.instrument_hash, l.cluster,
  l.touched_at, s.id AS answer_id, s.item_id, s.value, s.version, s.updated_by_id, s.updated_at,
  (SELECT array_agg(w.item_id) FROM (SELECT item_id FROM updated UNION ALL SELECT item_id FROM inserted) w)
    AS written
FROM locked l LEFT JOIN snapshot s ON true
"""


def _rows(sql: str, params: dict[str, Any]) -> list[Any]:
    """The statement's rows as named tuples, run through psycopg directly on the session's connection (in
    its transaction). SQLAlchemy's result processing of the ~30 rows cost 0.12-0.19 ms per save (measured
    in process) and adds nothing to PostgreSQL's own SQL here. Errors come out as SQLAlchemy's, as from any
    other statement (a database outage is answered 503 by portal/errors.py)."""
    driver = db.session.connection().connection.driver_connection
    assert driver is not None  # a live connection: the session has just read the user on it
    transactions.note_write()  # the request must not end with COMMIT unless we commit (transactions.py)
    try:
        with driver.cursor(row_factory=namedtuple_row) as cursor:
            return cursor.execute(sql, params).fetchall()
    except psycopg.Error as error:
        raise sa.exc.DBAPIError.instance(sql, params, error, psycopg.Error) from error


LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE for NOWAIT finding the row locked


class _FallBackError(Exception):
    """This save needs the two-statement path."""


def try_save(
    assessment_id: int, changes: Sequence[Change], user: User, position: tuple[str, str | None] | None
) -> SaveResult | None:
    """Save and commit in one statement; None (nothing written, transaction rolled back) when the save
    must go through saving.save_answers() instead. See the module docstring."""
    pin = _PINS.get(assessment_id)
    if pin is None or user.role is not Role.ENTERPRISE or db.session.get_bind().dialect.name != "postgresql":
        return None
    if _BUSY.get(assessment_id, 0.0) > time.monotonic():
        return None
    instrument = instrument_of(pin)
    normalized = {}
    for change in changes:  # the checks that need no other answer
        check = questionnaires.validate_answer(instrument, change.item_id, change.value)
        if not check.ok:
            return None
        normalized[change.item_id] = check.normalized
    try:
        return _save(assessment_id, pin, instrument, changes, normalized, user, position)
    except (_FallBackError, sa.exc.IntegrityError):
        db.session.rollback()
        return None
    except sa.exc.OperationalError as error:
        if getattr(error.orig, "sqlstate", None) != LOCK_NOT_AVAILABLE:
            raise  # the database is down or similar: answered 503 (portal/errors.py)
        db.session.rollback()
        if len(_BUSY) >= _PINS_KEPT:
            _BUSY.clear()
        _BUSY[assessment_id] = time.monotonic() + BUSY_SECONDS
        return None


def _save(
    assessment_id: int,
    pin: Pin,
    instrument: questionnaires.Instrument,
    changes: Sequence[Change],
    normalized: dict[str, Any],
    user: User,
    position: tuple[str, str | None] | None,
) -> SaveResult:
    now = utcnow()
    module_id, item_id = position or (None, None)
    rows = _rows(
        _SAVE,
        {
            "assessment_id": assessment_id,
            "company_id": user.company_id,
            "user_id": user.id,
            "draft": AssessmentStatus.DRAFT.name,
            "now": now,
            "module_id": module_id,
            "item_id": item_id,
            "changes": json.dumps(
                [
                    {"item_id": c.item_id, "base_version": c.base_version, "value": normalized[c.item_id]}
                    for c in changes
                ],
                ensure_ascii=False,
            ),
        },
    )
    if not rows:
        raise _FallBackError("no such assessment")
    first = rows[0]
    if (
        first.company_id != user.company_id
        or first.status != AssessmentStatus.DRAFT.name
        or Pin(first.instrument_id, first.instrument_version, first.instrument_hash) != pin
    ):
        raise _FallBackError(assessment_id)
    written = set(first.written or ())
    after = _answers_after(assessment_id, rows, written, normalized, now)
    proposed = {
        **{item: a.value for item, a in after.items() if a.value is not None},
        **{c.item_id: c.value for c in changes},
    }
    result = SaveResult()
    for change in changes:
        try:
            value = validated(instrument, change, proposed, first.cluster)  # the skip rules
        except AssessmentError as error:
            raise _FallBackError(change.item_id) from error
        stored_now = after.get(change.item_id, _Stored(None, 0, now))
        if change.item_id in written:
            result.saved.append((change.item_id, stored_now.version, now))
        elif stored_now.value == value:  # unchanged: what the client sent is what was there
            result.saved.append((change.item_id, stored_now.version, stored_now.updated_at))
        else:  # a conflict, or another save changed the item after our snapshot
            raise _FallBackError(change.item_id)
    result.status = status_payload(
        instrument,
        first.cluster,
        assessment_id,
        AssessmentStatus.DRAFT,
        {item: a.value for item, a in after.items() if a.value is not None},
    )
    db.session.commit()
    return result


class _Stored(NamedTuple):
    value: Any
    version: int
    updated_at: datetime


def _answers_after(
    assessment_id: int, rows: Sequence[Any], written: set[str], normalized: dict[str, Any], now: datetime
) -> dict[str, _Stored]:
    """The assessment's answers once the statement has written.

    The statement's answers are a snapshot taken when it started. Another save of this assessment may have
    committed between that moment and the lock (a tiny window, as the statement does not wait for the
    lock): then the locked row's updated_at is newer than the snapshot's newest answer, and the answers are
    read again, in this transaction, with our writes. (With no answers in the snapshot, a draft's first
    save, nothing tells; they are read again too.)"""
    snapshot = stored.from_rows(rows)
    if not snapshot or max(a.updated_at for a in snapshot.values()) != rows[0].touched_at:
        return {
            item: _Stored(a.value, a.version, a.updated_at) for item, a in stored.read(assessment_id).items()
        }
    after = {item: _Stored(a.value, a.version, a.updated_at) for item, a in snapshot.items()}
    for item in written:
        before = after.get(item)
        after[item] = _Stored(normalized[item], (before.version if before else 0) + 1, now)
    return after
