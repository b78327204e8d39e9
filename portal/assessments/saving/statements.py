"""The SQL of a save, written once: the read that locks the assessment, and the writes (the answers, their
history, the assessment's timestamp, the user's resume point).

On PostgreSQL the writes are one statement whatever the batch size (the changes arrive as one JSON
array): the locked path runs WRITES on its own (LOCKED_WRITE), the one-statement path runs the same WRITES
after its own lock, read and plan (FAST_SAVE). Other databases (SQLite in development and tests) run
write_portable(): the same writes, one statement each.

Both PostgreSQL statements give WRITES a relation `changes` (answer_id, item_id, read_version, old_value,
value; answer_id and read_version NULL for a first answer) and a relation `gate` that has a row when the
writes may happen. `WHERE version = <the version read>` keeps two writers racing on one item from both
winning: the caller compares the items written with the writes it asked for.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

import psycopg
import sqlalchemy as sa
from psycopg.rows import namedtuple_row

from portal import transactions
from portal.assessments import stored
from portal.assessments.saving.rules import Outcome
from portal.assessments.services import upsert_position
from portal.extensions import db
from portal.models import AnswerChange, Assessment
from portal.models._common import UTCDateTime

_assessments, _answers = Assessment.__table__, stored.ANSWERS

# The assessment and its answers, one row per answer (or one row with NULL answer columns), locked until the
# transaction ends (portal/assessments/saving/locked.py).
LOCK_AND_READ = (
    sa.select(*stored.ASSESSMENT_COLUMNS, _assessments.c.updated_at.label("touched_at"), *stored.COLUMNS)
    .select_from(
        stored.ASSESSMENT_WITH_COMPANY.outerjoin(_answers, _answers.c.assessment_id == _assessments.c.id)
    )
    .where(_assessments.c.id == sa.bindparam("assessment_id"))
    .with_for_update(of=_assessments)
)

WRITES = """
updated AS (
  UPDATE answers a SET value = CAST(c.value AS json), version = c.read_version + 1,
    updated_by_id = %(user_id)s, updated_at = %(now)s
  FROM changes c WHERE c.answer_id IS NOT NULL AND a.id = c.answer_id AND a.version = c.read_version
  RETURNING a.item_id
),
inserted AS (
  INSERT INTO answers (assessment_id, item_id, value, version, updated_by_id, updated_at)
  SELECT %(assessment_id)s, c.item_id, CAST(c.value AS json), 1, %(user_id)s, %(now)s FROM changes c
  WHERE c.answer_id IS NULL
  RETURNING item_id
),
history AS (
  INSERT INTO answer_changes (assessment_id, item_id, old_value, new_value, version, user_id, changed_at,
    acting_provider_org_id)
  SELECT %(assessment_id)s, c.item_id, c.old_value, CAST(c.value AS json), COALESCE(c.read_version, 0) + 1,
    %(user_id)s, %(now)s, %(acting_org_id)s
  FROM changes c
),
touched AS (
  UPDATE assessments SET updated_at = %(now)s WHERE id = %(assessment_id)s AND EXISTS (SELECT 1 FROM changes)
),
resumed AS (
  INSERT INTO resume_points (assessment_id, user_id, module_id, item_id, updated_at)
  SELECT %(assessment_id)s, %(user_id)s, CAST(%(module_id)s AS varchar), %(item_id)s, %(now)s FROM gate
  WHERE CAST(%(module_id)s AS varchar) IS NOT NULL
  ON CONFLICT (assessment_id, user_id) DO UPDATE
  SET module_id = excluded.module_id, item_id = excluded.item_id, updated_at = excluded.updated_at
)
"""
# The items the statement wrote.
WRITTEN = """(SELECT array_agg(w.item_id)
  FROM (SELECT item_id FROM updated UNION ALL SELECT item_id FROM inserted) w) AS written"""


def _sql(*pieces: str) -> str:
    """A statement from the constant pieces above; values never go into the text (they are bound)."""
    return "".join(pieces)


# The locked path on PostgreSQL: the assessment is locked and its answers judged already.
LOCKED_WRITE = _sql(
    """
WITH gate AS (SELECT 1),
changes AS (
  SELECT * FROM jsonb_to_recordset(CAST(%(changes)s AS jsonb))
    AS x(answer_id int, item_id text, read_version int, old_value json, value jsonb)
),""",
    WRITES,
    "SELECT ",
    WRITTEN,
)

# The one-statement path (portal/assessments/saving/fast.py): `locked` takes the row lock first; every
# write reads from it (through `gate`). It does not wait for the lock (NOWAIT): the data-modifying parts
# all see the snapshot taken when the statement started, and after waiting for another save of the
# assessment that snapshot would lack that save's answers and the writes based on it would fail their
# version checks. `changes` keeps the writes that need no judgement (rules.decide() confirms them after):
# a value that differs from the stored one, with no stored answer, no version sent, or the version sent.
FAST_SAVE = _sql(
    """
WITH locked AS (
  SELECT a.id, a.company_id, a.status, a.instrument_id, a.instrument_version, a.instrument_hash, c.cluster,
    a.updated_at AS touched_at
  FROM assessments a JOIN companies c ON c.id = a.company_id
  WHERE a.id = %(assessment_id)s
  FOR UPDATE OF a NOWAIT
),
gate AS (SELECT 1 FROM locked WHERE company_id = %(company_id)s AND status = %(draft)s),
snapshot AS (
  SELECT id, item_id, value, version, updated_by_id, updated_at FROM answers
  WHERE assessment_id = %(assessment_id)s
),
input AS (
  SELECT * FROM jsonb_to_recordset(CAST(%(changes)s AS jsonb))
    AS x(item_id text, base_version int, value jsonb)
),
changes AS (
  SELECT s.id AS answer_id, i.item_id, s.version AS read_version, s.value AS old_value, i.value
  FROM input i
  JOIN gate ON true
  LEFT JOIN snapshot s ON s.item_id = i.item_id
  WHERE COALESCE(CAST(s.value AS jsonb), 'null') IS DISTINCT FROM COALESCE(i.value, 'null')
    AND (s.id IS NULL OR i.base_version IS NULL OR s.version = i.base_version)
),""",
    WRITES,
    """SELECT l.id, l.company_id, l.status, l.instrument_id, l.instrument_version, l.instrument_hash,
  l.cluster, l.touched_at, s.id AS answer_id, s.item_id, s.value, s.version, s.updated_by_id, s.updated_at,
  """,
    WRITTEN,
    """
FROM locked l LEFT JOIN snapshot s ON true
""",
)


def run(sql: str, params: dict[str, Any]) -> list[Any]:
    """The statement's rows as named tuples, run through psycopg directly on the session's connection (in
    its transaction). SQLAlchemy's result processing of the ~30 rows of FAST_SAVE cost 0.12-0.19 ms per save
    (measured in process) and adds nothing to PostgreSQL's own SQL here. Errors come out as SQLAlchemy's,
    as from any other statement (a database outage is answered 503 by portal/errors.py)."""
    driver = db.session.connection().connection.driver_connection
    assert driver is not None  # a live connection: the session has just read the user on it
    transactions.note_write()  # the request must not end with COMMIT unless we commit (transactions.py)
    try:
        with driver.cursor(row_factory=namedtuple_row) as cursor:
            return cursor.execute(sql, params).fetchall()
    except psycopg.Error as error:
        raise sa.exc.DBAPIError.instance(sql, params, error, psycopg.Error) from error


class Batch(NamedTuple):
    """Everything a save writes: the accepted changes, who made them (and for which provider), when, and
    where the user is in the questionnaire (module, item)."""

    assessment_id: int
    writes: Sequence[Outcome]
    user_id: int
    acting_org_id: int | None
    now: datetime
    position: tuple[str, str | None] | None

    def params(self) -> dict[str, Any]:
        """The parameters WRITES takes, but `changes`."""
        module_id, item_id = self.position or (None, None)
        return {
            "assessment_id": self.assessment_id,
            "user_id": self.user_id,
            "acting_org_id": self.acting_org_id,
            "now": self.now,
            "module_id": module_id,
            "item_id": item_id,
        }


def write(batch: Batch) -> bool:
    """Write the batch in this transaction; False when another transaction changed one of its answers
    since it was read (nothing of the batch must then be committed)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return _write_in_one_statement(batch)
    return _write_portable(batch)


def _write_in_one_statement(batch: Batch) -> bool:
    if not batch.writes and batch.position is None:
        return True
    changes = [
        {
            "answer_id": w.current.id if w.current else None,
            "item_id": w.item_id,
            "read_version": w.current.version if w.current else None,
            "old_value": w.current.value if w.current else None,
            "value": w.value,
        }
        for w in batch.writes
    ]
    rows = run(LOCKED_WRITE, {**batch.params(), "changes": json.dumps(changes, ensure_ascii=False)})
    return len(rows[0].written or ()) == len(batch.writes)


_UPDATE_ANSWER = (
    _answers.update()
    .where(_answers.c.id == sa.bindparam("answer_id"), _answers.c.version == sa.bindparam("read_version"))
    .values(
        value=sa.bindparam("new_value", type_=sa.JSON()),
        version=sa.bindparam("new_version"),
        updated_by_id=sa.bindparam("editor_id"),
        updated_at=sa.bindparam("written_at", type_=UTCDateTime()),
    )
)


def _write_portable(batch: Batch) -> bool:
    assessment_id, writes, user_id, acting_org_id, now, position = batch
    edited = {"updated_by_id": user_id, "updated_at": now}
    first = [
        {"assessment_id": assessment_id, "item_id": w.item_id, "value": w.value, "version": 1, **edited}
        for w in writes
        if w.current is None
    ]
    if first:
        db.session.execute(_answers.insert(), first)
    for w in writes:
        if w.current is None:
            continue
        params = {
            "answer_id": w.current.id,
            "read_version": w.current.version,
            "new_value": w.value,
            "new_version": w.version,
            "editor_id": user_id,
            "written_at": now,
        }
        if db.session.execute(_UPDATE_ANSWER, params).rowcount != 1:  # type: ignore[attr-defined]
            return False
    if writes:
        history = [
            {
                "assessment_id": assessment_id,
                "item_id": w.item_id,
                "old_value": w.current.value if w.current else None,
                "new_value": w.value,
                "version": w.version,
                "user_id": user_id,
                "changed_at": now,
                "acting_provider_org_id": acting_org_id,
            }
            for w in writes
        ]
        db.session.execute(AnswerChange.__table__.insert(), history)
        db.session.execute(
            _assessments.update().where(_assessments.c.id == assessment_id).values(updated_at=now)
        )
    if position is not None:
        upsert_position(assessment_id, user_id, *position)
    return True
