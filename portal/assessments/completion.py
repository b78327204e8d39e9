"""How far each of a company's assessments is filled in (answered / visible items), for the list page.

Computing it needs the assessment's answers and its instrument's skip logic: ~1 ms and a query per
assessment, which made the list grow with the company's history. The figures are kept per process, keyed
by everything they depend on: the assessment, its pinned instrument content, the company's industry
cluster (skip logic may depend on it) and the assessment's updated_at, which every save that changes an
answer sets (portal/assessments/saving/statements.py; nothing else writes answers). A key that changed is
simply not found, so a figure is never stale. The assessments not yet known are computed together, with
their answers read in one query.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from datetime import datetime
from typing import Any, NamedTuple

import sqlalchemy as sa

import questionnaires
from portal.extensions import db
from portal.instruments import instrument_of
from portal.models import Answer, Assessment


class Completion(NamedTuple):
    answered: int
    total: int


_Key = tuple[int, str, str | None, datetime | None]
_KEPT = 20_000  # figures kept per process (a few MB); the least recently used go first
_known: OrderedDict[_Key, Completion] = OrderedDict()
_lock = threading.Lock()


def _key(assessment: Assessment) -> _Key:
    return (assessment.id, assessment.instrument_hash, assessment.company.cluster, assessment.updated_at)


def completion(assessments: list[Assessment]) -> dict[int, Completion]:
    """{assessment id: (answered, total)} for assessments of one or more companies."""
    out: dict[int, Completion] = {}
    unknown: list[Assessment] = []
    with _lock:
        for assessment in assessments:
            found = _known.get(_key(assessment))
            if found is None:
                unknown.append(assessment)
            else:
                _known.move_to_end(_key(assessment))
                out[assessment.id] = found
    if not unknown:
        return out
    answers: dict[int, dict[str, Any]] = defaultdict(dict)
    rows = db.session.execute(
        sa.select(Answer.assessment_id, Answer.item_id, Answer.value).where(
            Answer.assessment_id.in_([a.id for a in unknown])
        )
    )
    for assessment_id, item_id, value in rows:
        if value is not None:  # a JSON null is not an answer (Assessment.answer_map)
            answers[assessment_id][item_id] = value
    for assessment in unknown:
        progress = questionnaires.progress(
            instrument_of(assessment), answers[assessment.id], assessment.company.cluster
        )
        out[assessment.id] = Completion(progress.answered, progress.total)
    with _lock:
        for assessment in unknown:
            _known[_key(assessment)] = out[assessment.id]
        while len(_known) > _KEPT:
            _known.popitem(last=False)
    return out
