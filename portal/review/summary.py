"""The review as the company reads it on its result page (and wherever the ResultView is shown)."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _

from portal.models import Assessment
from portal.results import model as v
from portal.results.answers import AnswerText
from portal.results.format import Picker, local_time
from portal.review.models import AssessmentReview, Decision
from portal.review.services import review_of
from scoring import maturity


def _assessor(review: AssessmentReview) -> str:
    return f"{review.assessor_name}（{review.org_name}）" if review.org_name else review.assessor_name


def verified_view(
    assessment: Assessment,
    reported: maturity.MiitResult | None,
    pick: Picker,
    answer_text: AnswerText,
) -> v.Verified | None:
    """None when nobody has started reviewing the assessment. Adjustments are shown once signed off (until
    then the assessor may still change them)."""
    review = review_of(assessment.id)
    if review is None:
        return None
    instrument = answer_text.instrument
    confirmed = maturity.from_plain(review.confirmed_result).miit if review.confirmed_result else None
    adjustments = tuple(
        v.Adjustment(
            question=pick(instrument.item(d.item_id).text_zh, instrument.item(d.item_id).text_en)
            if instrument.has_item(d.item_id)
            else "—",
            submitted=answer_text(d.item_id, d.submitted_value),
            confirmed=_("不予认可")
            if d.decision is Decision.REJECT
            else answer_text(d.item_id, d.adjusted_value),
            rejected=d.decision is Decision.REJECT,
            comment=d.comment or "",
        )
        for d in review.decisions
        if d.decision is not Decision.CONFIRM
    )
    points = review.confirmed_miit_points
    return v.Verified(
        signed_off=review.signed_off,
        assessor=_assessor(review),
        signed_off_at=local_time(review.signed_off_at) if review.signed_off_at else "—",
        level=review.confirmed_miit_level if review.signed_off else None,
        level_name=pick(confirmed.level_name_zh, confirmed.level_name_en) if confirmed else "",
        points=float(points) if isinstance(points, Decimal) else None,
        reported_level=reported.level if reported else None,
        reported_level_name=pick(reported.level_name_zh, reported.level_name_en) if reported else "",
        confirmed_items=sum(1 for d in review.decisions if d.decision is Decision.CONFIRM),
        adjustments=adjustments if review.signed_off else (),
    )
