"""Assessor appointments, reviews of submitted MIIT assessments and the decision on each answer."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models._common import UTCDateTime, utcnow
from portal.models.user import User


class AssessorAppointment(db.Model):  # type: ignore[name-defined]
    """A provider organisation's user appointed as assessor by a bureau officer.

    The assessor may review assessments of companies inside the appointing officer's jurisdiction (the
    officer's account is the scope: `within_jurisdiction(appointed_by, …)`), until revoked.
    """

    __tablename__ = "assessor_appointments"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    appointed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    appointed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    appointed_by: Mapped[User | None] = relationship(foreign_keys=[appointed_by_id])

    @property
    def active(self) -> bool:
        return self.revoked_at is None and self.appointed_by_id is not None


class ReviewStatus(StrEnum):
    OPEN = "open"  # the assessor is going through the answers
    SIGNED_OFF = "signed_off"  # confirmed level stored; no more changes


class Decision(StrEnum):
    CONFIRM = "confirm"
    ADJUST = "adjust"  # the assessor's corrected answer replaces the company's
    REJECT = "reject"  # the answer is not accepted: it counts as unanswered


class AssessmentReview(db.Model):  # type: ignore[name-defined]
    """One assessor's review of one submitted assessment; the confirmed level once signed off."""

    __tablename__ = "assessment_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("assessments.id", ondelete="CASCADE"), unique=True
    )
    appointment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("assessor_appointments.id", ondelete="SET NULL")
    )
    assessor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    assessor_name: Mapped[str] = mapped_column(sa.String(80))  # kept if the account is deleted
    org_name: Mapped[str | None] = mapped_column(sa.String(120))
    status: Mapped[ReviewStatus] = mapped_column(
        sa.Enum(ReviewStatus, native_enum=False, length=12), default=ReviewStatus.OPEN
    )
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    signed_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # The engine's result for the answers as confirmed (self-reported figures stay in AssessmentResult).
    engine_version: Mapped[str | None] = mapped_column(sa.String(20))
    confirmed_result: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    confirmed_miit_points: Mapped[Decimal | None] = mapped_column(sa.Numeric(7, 3))
    confirmed_miit_level: Mapped[int | None]

    decisions: Mapped[list[ReviewDecision]] = relationship(
        back_populates="review", cascade="all, delete-orphan", order_by="ReviewDecision.id"
    )

    @property
    def signed_off(self) -> bool:
        return self.status is ReviewStatus.SIGNED_OFF


class ReviewDecision(db.Model):  # type: ignore[name-defined]
    """The assessor's decision on one answer, with the answer as submitted and as corrected."""

    __tablename__ = "review_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(sa.ForeignKey("assessment_reviews.id", ondelete="CASCADE"))
    item_id: Mapped[str] = mapped_column(sa.String(80))
    decision: Mapped[Decision] = mapped_column(sa.Enum(Decision, native_enum=False, length=10))
    submitted_value: Mapped[Any] = mapped_column(sa.JSON, nullable=True)
    adjusted_value: Mapped[Any] = mapped_column(sa.JSON, nullable=True)
    comment: Mapped[str | None] = mapped_column(sa.Text)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    review: Mapped[AssessmentReview] = relationship(back_populates="decisions")

    __table_args__ = (sa.UniqueConstraint("review_id", "item_id", name="uq_review_decision_item"),)
