"""An assessment and its stored answers as plain rows, for the busiest paths: the module page, the answers
API and saves (portal/assessments/saving/).

These paths read every answer of the assessment (skip logic and progress depend on all of them) but show
or change only a few. Reading them with SQLAlchemy Core instead of as ORM objects halves the cost of the
read (measured in process on PostgreSQL, 31 answers: 0.36 ms of CPU against 0.62 ms, more in a fresh
session), and the page and the autosave are measured against a trivial route (bench/http_load.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.util import identity_key

from portal.assessments.services import editor_label
from portal.extensions import db
from portal.instruments import instrument_of
from portal.models import Answer, Assessment, AssessmentStatus, Company, User
from questionnaires import Instrument

_assessments, _companies = Assessment.__table__, Company.__table__
# An assessment's own columns and its company's cluster; select them from ASSESSMENT_WITH_COMPANY.
ASSESSMENT_COLUMNS = (
    _assessments.c.id,
    _assessments.c.company_id,
    _assessments.c.status,
    _assessments.c.instrument_id,
    _assessments.c.instrument_version,
    _assessments.c.instrument_hash,
    _companies.c.cluster,
)
ASSESSMENT_WITH_COMPANY = _assessments.join(_companies, _companies.c.id == _assessments.c.company_id)


@dataclass(frozen=True)
class AssessmentRow:
    """What the page and a save need of an assessment, as plain values (no ORM object)."""

    id: int
    company_id: int
    status: AssessmentStatus
    instrument_id: str
    instrument_version: str
    instrument_hash: str
    cluster: str | None  # the company's 战略性产业集群

    @property
    def locked(self) -> bool:
        return self.status is AssessmentStatus.SUBMITTED

    def instrument(self) -> Instrument:
        return instrument_of(self)


ANSWERS = Answer.__table__
# An answer's columns as from_rows() reads them.
COLUMNS = (
    ANSWERS.c.id.label("answer_id"),
    ANSWERS.c.item_id,
    ANSWERS.c.value,
    ANSWERS.c.version,
    ANSWERS.c.updated_by_id,
    ANSWERS.c.updated_at,
)
_READ = sa.select(*COLUMNS).where(ANSWERS.c.assessment_id == sa.bindparam("assessment_id"))


def assessment_fields(row: Any) -> dict[str, Any]:
    """The AssessmentRow fields of a result row that selected ASSESSMENT_COLUMNS."""
    return {name: getattr(row, name) for name in AssessmentRow.__dataclass_fields__}


@dataclass(frozen=True)
class StoredAnswer:
    id: int
    value: Any
    version: int
    updated_by_id: int | None
    updated_at: datetime


StoredAnswers = dict[str, StoredAnswer]  # by item id


def from_rows(rows: Iterable[Any]) -> StoredAnswers:
    """Rows with the COLUMNS above (NULL answer ids, as from an outer join, are skipped)."""
    return {
        row.item_id: StoredAnswer(row.answer_id, row.value, row.version, row.updated_by_id, row.updated_at)
        for row in rows
        if row.answer_id is not None
    }


def read(assessment_id: int) -> StoredAnswers:
    return from_rows(db.session.execute(_READ, {"assessment_id": assessment_id}))


def values(answers: Mapping[str, StoredAnswer]) -> dict[str, Any]:
    """{item_id: value} of the answered items, for the questionnaires helpers and the scoring engine."""
    return {item_id: a.value for item_id, a in answers.items() if a.value is not None}


def state(
    stored: Mapping[str, StoredAnswer], item_ids: Iterable[str] | None = None
) -> dict[str, dict[str, Any]]:
    """{item_id: {value, version, updated_by, updated_at}} of the given items (default: all stored), for
    the page and the JSON API."""
    chosen = {i: stored[i] for i in (stored if item_ids is None else item_ids) if i in stored}
    editors = _editors({a.updated_by_id for a in chosen.values() if a.updated_by_id is not None})
    return {
        item_id: {
            "value": a.value,
            "version": a.version,
            "updated_by": editor_label(editors.get(a.updated_by_id) if a.updated_by_id else None),
            "updated_at": a.updated_at.isoformat(),
        }
        for item_id, a in chosen.items()
    }


def _editors(ids: set[int]) -> dict[int, User]:
    """The users who last changed the answers; one query for those the session does not hold already
    (usually none: the last editor is the viewer)."""
    found: dict[int, User] = {}
    for user_id in ids:
        held = db.session.identity_map.get(identity_key(User, user_id))
        if held is not None:
            found[user_id] = held
    missing = ids - found.keys()
    if missing:
        found.update({u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(missing)))})
    return found
