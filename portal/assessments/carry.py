"""Start the next round from the last one: a new draft pre-filled from the company's latest submitted round.

The new round is pinned to the newest published version of the instrument. An answer is carried over only
where that version still asks the same thing: an item with the same id and type and, for choice items, the
same option ids (for scenario items the same rungs), and the value passes the new version's checks. The
rest are left behind and listed on the new round's overview page. Carried answers are written through the
one save path (portal/assessments/saving/) as the round's first version of each answer, so "carried and
not changed since" is "version 1 with the previous round's value"; evidence files are not copied.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

import questionnaires
from portal.assessments import saving, services
from portal.errors import PortalError
from portal.extensions import db
from portal.instruments import instrument_of
from portal.models import Assessment, AssessmentStatus, Company, User

Reason = Literal["removed", "changed", "invalid"]


@dataclass(frozen=True)
class LeftBehind:
    """A previous answer not carried over: its question (in the previous version) and why."""

    item: questionnaires.Item
    reason: Reason


@dataclass(frozen=True)
class Plan:
    carried: dict[str, Any]  # item id → value to write in the new round
    left: list[LeftBehind]


def previous_round(company: Company, instrument_id: str) -> Assessment | None:
    """The company's latest submitted round of this instrument."""
    return db.session.scalar(
        sa.select(Assessment)
        .where(
            Assessment.company_id == company.id,
            Assessment.instrument_id == instrument_id,
            Assessment.status == AssessmentStatus.SUBMITTED,
        )
        .order_by(Assessment.submitted_at.desc(), Assessment.id.desc())
        .limit(1)
    )


def _shape(item: questionnaires.Item) -> tuple[Any, ...]:
    return (item.type, item.option_ids, tuple(step.level for step in item.ladder))


def plan(
    old: questionnaires.Instrument,
    new: questionnaires.Instrument,
    answers: Mapping[str, Any],
    cluster: str | None,
) -> Plan:
    """Which of the previous round's answers the new version takes, and which it leaves behind."""
    candidates: dict[str, Any] = {}
    left: list[LeftBehind] = []
    for item in old.items:
        if item.id not in answers or answers[item.id] is None:
            continue
        if not new.has_item(item.id):
            left.append(LeftBehind(item, "removed"))
        elif _shape(new.item(item.id)) != _shape(item):
            left.append(LeftBehind(item, "changed"))
        else:
            candidates[item.id] = answers[item.id]
    # an answer may depend on another (skip rules): drop refused ones until the rest all pass together
    while True:
        checks = {
            item_id: questionnaires.validate_answer(new, item_id, value, answers=candidates, cluster=cluster)
            for item_id, value in candidates.items()
        }
        refused = [item_id for item_id, check in checks.items() if not check.ok]
        if not refused:
            return Plan({item_id: check.normalized for item_id, check in checks.items()}, left)
        for item_id in refused:
            left.append(LeftBehind(old.item(item_id), "invalid"))
            del candidates[item_id]


def start_from_previous(company: Company, instrument_id: str, user: User) -> Assessment:
    """Open a new round pre-filled from the previous submitted one (PortalError when there is none, or when
    a round of this instrument is already being answered)."""
    previous = previous_round(company, instrument_id)
    if previous is None:
        raise PortalError(404, _l("还没有已提交的上一轮评估，无法沿用。"))
    draft = services.open_draft(company, instrument_id)
    if draft is not None and draft.answers:
        raise PortalError(409, _l("这份问卷已有一轮正在填报，请先完成或继续填报这一轮。"))
    assessment = draft or services.start(company, instrument_id, user)
    assessment.carried_from_id = previous.id
    db.session.commit()
    planned = plan(instrument_of(previous), instrument_of(assessment), previous.answer_map(), company.cluster)
    changes = [saving.Change(item_id, value, None) for item_id, value in planned.carried.items()]
    if changes:
        saving.save(assessment.id, changes, user)
    return assessment


@dataclass(frozen=True)
class CarryReport:
    """What the overview and module pages say about a round started from the previous one."""

    previous: Assessment
    carried: frozenset[str]  # carried over and not changed since
    left: list[LeftBehind]


def report(assessment: Assessment) -> CarryReport | None:
    if assessment.carried_from_id is None:
        return None
    previous = db.session.get(Assessment, assessment.carried_from_id)
    if previous is None:
        return None
    planned = plan(
        instrument_of(previous), instrument_of(assessment), previous.answer_map(), assessment.company.cluster
    )
    unchanged = frozenset(
        a.item_id
        for a in assessment.answers
        if a.version == 1 and a.item_id in planned.carried and a.value == planned.carried[a.item_id]
    )
    return CarryReport(previous, unchanged, planned.left)


def report_for(assessment_id: int) -> CarryReport | None:
    """report() for the module page, which reads its assessment as plain values: one small query when
    the round was not started from a previous one."""
    carried_from = db.session.scalar(
        sa.select(Assessment.carried_from_id).where(Assessment.id == assessment_id)
    )
    if carried_from is None:
        return None
    assessment = db.session.get(Assessment, assessment_id)
    return report(assessment) if assessment is not None else None
