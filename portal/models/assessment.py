"""Assessments pinned to an instrument version, their answers (one row per item, versioned) and history."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models._common import UTCDateTime, utcnow

if TYPE_CHECKING:
    from portal.models.company import Company
    from portal.models.user import User


class AssessmentStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"  # locked: answers can no longer change


class AssessmentKey(Protocol):
    """What access checks and audit entries need of an assessment: an Assessment, or the plain Draft a save
    reads (portal/assessments/saving/)."""

    @property
    def id(self) -> int: ...

    @property
    def company_id(self) -> int: ...


class Assessment(db.Model):  # type: ignore[name-defined]
    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    # The exact instrument version answered; scoring and rendering always reload this version and hash.
    instrument_id: Mapped[str] = mapped_column(sa.String(60))
    instrument_version: Mapped[str] = mapped_column(sa.String(20))
    instrument_hash: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[AssessmentStatus] = mapped_column(
        sa.Enum(AssessmentStatus, native_enum=False, length=12), default=AssessmentStatus.DRAFT
    )
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    attestation: Mapped[str | None] = mapped_column(sa.Text)  # the 真实性承诺 text accepted at submission
    # The submitted round this one was pre-filled from ("start the next round from the last one").
    carried_from_id: Mapped[int | None] = mapped_column(sa.ForeignKey("assessments.id", ondelete="SET NULL"))

    company: Mapped[Company] = relationship()
    answers: Mapped[list[Answer]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan", order_by="Answer.id"
    )
    assignments: Mapped[list[ModuleAssignment]] = relationship(
        back_populates="assessment", cascade="all, delete-orphan"
    )

    @property
    def locked(self) -> bool:
        return self.status is AssessmentStatus.SUBMITTED

    def answer_map(self) -> dict[str, Any]:
        """{item_id: stored value} for the questionnaires helpers and the scoring engine."""
        return {a.item_id: a.value for a in self.answers if a.value is not None}


class Answer(db.Model):  # type: ignore[name-defined]
    """The current answer to one item. `version` grows with every write and detects concurrent edits."""

    __tablename__ = "answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessments.id", ondelete="CASCADE"))
    item_id: Mapped[str] = mapped_column(sa.String(80))
    value: Mapped[Any] = mapped_column(sa.JSON, nullable=True)
    version: Mapped[int] = mapped_column(default=1)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    assessment: Mapped[Assessment] = relationship(back_populates="answers")
    updated_by: Mapped[User | None] = relationship()

    __table_args__ = (sa.UniqueConstraint("assessment_id", "item_id", name="uq_answers_assessment_item"),)
    # Optimistic locking in the database too: every UPDATE says `WHERE version = <the version read>`, so
    # two writers racing on one item cannot both win (the loser retries and sees a conflict).
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}  # noqa: RUF012


class AnswerChange(db.Model):  # type: ignore[name-defined]
    """Every accepted write, kept forever: who changed what from what to what, and when."""

    __tablename__ = "answer_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[str] = mapped_column(sa.String(80))
    old_value: Mapped[Any] = mapped_column(sa.JSON, nullable=True)
    new_value: Mapped[Any] = mapped_column(sa.JSON, nullable=True)
    version: Mapped[int]
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Set when a service provider edited in the company's name (assist-mode consent, portal/providers).
    acting_provider_org_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("provider_orgs.id", ondelete="SET NULL")
    )


class ModuleAssignment(db.Model):  # type: ignore[name-defined]
    """The company administrator assigns a module to a colleague (several people may share one)."""

    __tablename__ = "module_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("assessments.id", ondelete="CASCADE"))
    module_id: Mapped[str] = mapped_column(sa.String(60))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    due_on: Mapped[date | None] = mapped_column(sa.Date)  # optional, a China calendar day

    assessment: Mapped[Assessment] = relationship(back_populates="assignments")
    user: Mapped[User] = relationship()

    __table_args__ = (sa.UniqueConstraint("assessment_id", "module_id", "user_id", name="uq_assignment"),)


class ResumePoint(db.Model):  # type: ignore[name-defined]
    """Where each person last worked in an assessment, so the next visit (any device) resumes there."""

    __tablename__ = "resume_points"

    assessment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    module_id: Mapped[str] = mapped_column(sa.String(60))
    item_id: Mapped[str | None] = mapped_column(sa.String(80))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
