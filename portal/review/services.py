"""Appointing assessors and finding what an assessor may review.

The scope of an appointment is the appointing officer's jurisdiction, read through `within_jurisdiction`
(portal/bureau/scope.py), the one jurisdiction rule; an assessor with several appointments may review in
the union of their jurisdictions. Other people's objects answer 404 (LookupError here).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal import audit
from portal.bureau import scope
from portal.errors import PortalError
from portal.extensions import db
from portal.models import Answer, Assessment, AssessmentStatus, Company, Role, User
from portal.models._common import utcnow
from portal.review.models import AssessmentReview, AssessorAppointment

MIIT_INSTRUMENT = "miit-sme-digital"  # the instrument reviews apply to (MIIT 2024, rated on site)
QUEUE_LIMIT = 200


def _same_jurisdiction(officer: User) -> Any:
    """Appointments made by any officer of the same bureau (same level, city and district)."""
    appointer = sa.orm.aliased(User)
    return (
        sa.select(AssessorAppointment.id)
        .join(appointer, appointer.id == AssessorAppointment.appointed_by_id)
        .where(
            appointer.jurisdiction_level == officer.jurisdiction_level,
            appointer.jurisdiction_city.is_(None)
            if officer.jurisdiction_city is None
            else appointer.jurisdiction_city == officer.jurisdiction_city,
            appointer.jurisdiction_district.is_(None)
            if officer.jurisdiction_district is None
            else appointer.jurisdiction_district == officer.jurisdiction_district,
        )
    )


def bureau_appointments(officer: User) -> list[AssessorAppointment]:
    """The bureau's appointments, active first, newest first."""
    return list(
        db.session.scalars(
            sa.select(AssessorAppointment)
            .where(AssessorAppointment.id.in_(_same_jurisdiction(officer)))
            .order_by(AssessorAppointment.revoked_at.is_not(None), AssessorAppointment.id.desc())
        )
    )


def appoint(officer: User, email: str) -> AssessorAppointment:
    """Appoint the provider user with this e-mail address as the officer's bureau's assessor."""
    email = (email or "").strip().lower()[:254]
    user = db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == email)) if email else None
    if user is None or user.role is not Role.PROVIDER or not user.active:
        raise PortalError(422, _l("没有这个服务商账号：核查员须是已注册服务商机构的用户。"), "email")
    for existing in bureau_appointments(officer):
        if existing.user_id == user.id and existing.revoked_at is None:
            raise PortalError(409, _l("该用户已是本辖区的核查员。"), "email")
    appointment = AssessorAppointment(user_id=user.id, appointed_by_id=officer.id, appointed_at=utcnow())
    db.session.add(appointment)
    db.session.flush()
    audit.record(officer, "appoint_assessor", f"user:{user.id}", detail=officer.jurisdiction_label)
    db.session.commit()
    return appointment


def revoke(officer: User, appointment_id: int) -> None:
    appointment = db.session.get(AssessorAppointment, appointment_id)
    if appointment is None or appointment not in bureau_appointments(officer):
        raise LookupError(appointment_id)
    if appointment.revoked_at is None:
        appointment.revoked_at = utcnow()
        audit.record(
            officer, "revoke_assessor", f"user:{appointment.user_id}", detail=officer.jurisdiction_label
        )
        db.session.commit()


def active_appointments(user: User) -> list[AssessorAppointment]:
    if user.role is not Role.PROVIDER:
        return []
    return list(
        db.session.scalars(
            sa.select(AssessorAppointment).where(
                AssessorAppointment.user_id == user.id,
                AssessorAppointment.revoked_at.is_(None),
                AssessorAppointment.appointed_by_id.is_not(None),
            )
        )
    )


def _in_scope(appointments: Sequence[AssessorAppointment]) -> Any:
    """Companies inside any of the appointing officers' jurisdictions."""
    conditions = [
        scope.within_jurisdiction(a.appointed_by, Company.city, Company.district)
        for a in appointments
        if a.appointed_by is not None
    ]
    return sa.or_(*conditions) if conditions else sa.false()


def _reviewable(user: User) -> Any:
    # Only rounds with answers: bureau figures loaded without answers (imports, synthetic history) have
    # nothing to go through item by item.
    answered = sa.exists().where(Answer.assessment_id == Assessment.id)
    return (
        sa.select(Assessment)
        .join(Company, Company.id == Assessment.company_id)
        .where(
            Assessment.instrument_id == MIIT_INSTRUMENT,
            Assessment.status == AssessmentStatus.SUBMITTED,
            answered,
            _in_scope(active_appointments(user)),
        )
    )


@dataclass(frozen=True)
class QueueRow:
    assessment: Assessment
    review: AssessmentReview | None


def queue(user: User) -> list[QueueRow]:
    """Submitted MIIT assessments the assessor may review, not yet signed off first, newest first."""
    rows = db.session.execute(
        _reviewable(user)
        .add_columns(AssessmentReview)
        .outerjoin(AssessmentReview, AssessmentReview.assessment_id == Assessment.id)
        .order_by(AssessmentReview.signed_off_at.is_not(None), Assessment.submitted_at.desc())
        .limit(QUEUE_LIMIT)
    )
    return [QueueRow(assessment, review) for assessment, review in rows]


def reviewable_assessment(user: User, assessment_id: int) -> Assessment:
    """The assessment if this assessor may review it; LookupError (404) otherwise."""
    assessment = db.session.scalar(_reviewable(user).where(Assessment.id == assessment_id))
    if assessment is None:
        raise LookupError(assessment_id)
    return assessment


def review_of(assessment_id: int) -> AssessmentReview | None:
    return db.session.scalar(
        sa.select(AssessmentReview).where(AssessmentReview.assessment_id == assessment_id)
    )


def open_review(user: User, assessment: Assessment) -> AssessmentReview:
    """The assessment's review, started by this assessor if nobody has; another assessor's open review
    is theirs to finish (409)."""
    review = review_of(assessment.id)
    if review is None:
        appointment = next(iter(active_appointments(user)), None)
        org = user.provider_org
        review = AssessmentReview(
            assessment_id=assessment.id,
            appointment_id=appointment.id if appointment else None,
            assessor_id=user.id,
            assessor_name=user.name[:80],
            org_name=org.name if org is not None else None,
            started_at=utcnow(),
        )
        db.session.add(review)
        audit.record(user, "open_review", f"assessment:{assessment.id}", assessment.company_id)
        db.session.commit()
    elif review.assessor_id != user.id and not review.signed_off:
        raise PortalError(409, _l("另一位核查员正在核查这份评估。"))
    return review


def review_key(assessment_id: int) -> str:
    """The state of the assessment's review as the result view shows it, for the report cache key:
    "" without a review, "<id>:open" while under way (the view shows only who is reviewing), and the
    sign-off time once signed off (the confirmed level and adjustments are final then)."""
    review = review_of(assessment_id)
    if review is None:
        return ""
    if not review.signed_off or review.signed_off_at is None:
        return f"{review.id}:open"
    return f"{review.id}:signed:{review.signed_off_at.isoformat()}"
