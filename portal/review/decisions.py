"""The assessor's work on one assessment: the answers item by item with their evidence, a decision on
each (an adjustment or a rejection needs a comment saying why), and the sign-off that rescores the
answers as confirmed with the scoring engine.

A rejected answer counts as unanswered in the rescoring (it earns no points); an adjusted one counts with
the assessor's answer, keeping the company's evidence figures. The self-reported result is never changed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

import questionnaires
from portal import audit
from portal.errors import PortalError
from portal.evidence.models import EvidenceFile
from portal.extensions import db
from portal.instruments import instrument_of
from portal.models import Assessment, User
from portal.models._common import utcnow
from portal.results import services as results
from portal.review.models import AssessmentReview, Decision, ReviewDecision, ReviewStatus
from questionnaires import Item
from questionnaires.item_types import kind_of
from scoring import maturity

COMMENT_MAX = 500


@dataclass(frozen=True)
class Proposal:
    """What the assessor posted for one item: a decision, the corrected answer (adjust), a comment."""

    item_id: str
    decision: str
    value: Any = None
    comment: str = ""


@dataclass(frozen=True)
class ItemUnderReview:
    item: Item
    submitted: Any  # the stored answer (possibly {"value", "evidence"})
    files: tuple[EvidenceFile, ...]
    decision: ReviewDecision | None


def items_under_review(assessment: Assessment, review: AssessmentReview) -> list[ItemUnderReview]:
    """The items the company saw (after cluster filters and conditions), with answer, evidence, decision."""
    instrument = instrument_of(assessment)
    answers = assessment.answer_map()
    files: dict[str, list[EvidenceFile]] = {}
    for f in db.session.scalars(
        sa.select(EvidenceFile).where(EvidenceFile.assessment_id == assessment.id).order_by(EvidenceFile.id)
    ):
        files.setdefault(f.item_id, []).append(f)
    decided = {d.item_id: d for d in review.decisions}
    return [
        ItemUnderReview(item, answers.get(item.id), tuple(files.get(item.id, ())), decided.get(item.id))
        for item in questionnaires.visible_items(instrument, answers, assessment.company.cluster)
    ]


def _with_value(submitted: Any, value: Any) -> Any:
    """The corrected answer in the stored shape: the company's evidence figures are kept."""
    if isinstance(submitted, Mapping) and "evidence" in submitted:
        return {"value": value, "evidence": submitted["evidence"]}
    return value


def _checked(item: Item, proposal: Proposal, submitted: Any) -> tuple[Decision, Any, str]:
    try:
        decision = Decision(proposal.decision)
    except ValueError:
        raise PortalError(422, _l("请为每道题选择“确认”“调整”或“不予认可”。"), proposal.item_id) from None
    comment = (proposal.comment or "").strip()[:COMMENT_MAX]
    if decision is not Decision.CONFIRM and not comment:
        raise PortalError(422, _l("调整或不予认可的题目必须填写核查意见。"), proposal.item_id)
    adjusted = None
    if decision is Decision.ADJUST:
        check = kind_of(item).check(item, proposal.value)
        if not check.ok:
            raise PortalError(422, _l("调整后的答案无效，请重新选择。"), proposal.item_id)
        if check.normalized == questionnaires.answer_value(submitted):
            raise PortalError(422, _l("调整后的答案与企业填报相同；如无变化请选择“确认”。"), proposal.item_id)
        adjusted = _with_value(submitted, check.normalized)
    return decision, adjusted, comment


def record(
    user: User,
    assessment: Assessment,
    review: AssessmentReview,
    proposals: Sequence[Proposal],
    commit: bool = True,
) -> int:
    """Save the assessor's decisions (all or none: one invalid proposal refuses the lot). Returns how many
    changed. Items the company did not see are ignored. `commit=False`: the caller commits (sign-off)."""
    if review.signed_off or review.assessor_id != user.id:
        raise PortalError(409, _l("核查已签字确认，不能再修改。"))
    rows = {row.item.id: row for row in items_under_review(assessment, review)}
    checked = [
        (rows[p.item_id], *_checked(rows[p.item_id].item, p, rows[p.item_id].submitted))
        for p in proposals
        if p.item_id in rows and p.decision
    ]
    changed = 0
    for row, decision, adjusted, comment in checked:
        current = row.decision
        if current is not None and (current.decision, current.adjusted_value, current.comment or "") == (
            decision,
            adjusted,
            comment,
        ):
            continue
        if current is None:
            current = ReviewDecision(review=review, item_id=row.item.id, submitted_value=row.submitted)
            db.session.add(current)
        current.decision, current.adjusted_value, current.comment = decision, adjusted, comment or None
        current.decided_at = utcnow()
        detail = f"{row.item.id} {decision.value}" + (f": {comment}" if comment else "")
        audit.record(user, "review_item", f"assessment:{assessment.id}", assessment.company_id, detail)
        changed += 1
    if commit:
        db.session.commit()
    return changed


def confirmed_answers(assessment: Assessment, review: AssessmentReview) -> dict[str, Any]:
    """The answers as the assessor confirmed them: adjusted ones replaced, rejected ones removed."""
    answers = dict(assessment.answer_map())
    for d in review.decisions:
        if d.decision is Decision.ADJUST:
            answers[d.item_id] = d.adjusted_value
        elif d.decision is Decision.REJECT:
            answers.pop(d.item_id, None)
    return answers


def undecided(assessment: Assessment, review: AssessmentReview) -> int:
    return sum(1 for row in items_under_review(assessment, review) if row.decision is None)


def sign_off(user: User, assessment: Assessment, review: AssessmentReview) -> AssessmentReview:
    """Every item decided → score the confirmed answers with the engine and store the confirmed level."""
    if review.signed_off or review.assessor_id != user.id:
        raise PortalError(409, _l("核查已签字确认，不能再修改。"))
    db.session.flush()  # decisions recorded in this transaction count
    missing = undecided(assessment, review)
    if missing:
        raise PortalError(422, _l("还有 %(count)s 道题未核查，不能签字确认。", count=missing))
    company = assessment.company
    result = maturity.score(
        instrument_of(assessment),
        confirmed_answers(assessment, review),
        profile=results.profile_of(company),
        targets=results.targets_of(company, assessment.instrument_id),
    )
    if result.miit is None:  # pragma: no cover — reviews are for the MIIT instrument only
        raise PortalError(422, _l("这份评估没有数字化水平等级，无法核查。"))
    review.confirmed_result = maturity.to_plain(result)
    review.engine_version = result.engine_version
    review.confirmed_miit_points = result.miit.points["total"]
    review.confirmed_miit_level = result.miit.level
    review.status = ReviewStatus.SIGNED_OFF
    review.signed_off_at = utcnow()
    self_row = results.latest_row(assessment)
    reported = self_row.miit_level if self_row is not None else None
    detail = f"level {reported} → {result.miit.level}; points {result.miit.points['total']}"
    audit.record(user, "sign_off_review", f"assessment:{assessment.id}", company.id, detail)
    db.session.commit()
    return review
