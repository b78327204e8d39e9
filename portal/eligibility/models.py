"""Eligibility data of a company, its projects, and the rule versions administrators publish.

Import these through ``portal.models`` (which loads the other models first), not from this module.

Storage decision: the company's eligibility conditions and the project fields are a JSON object keyed by
the contract's field names (``scoring/eligibility/fields.py``) rather than one typed column per field.

* The field registry *is* the contract: the engine's parser validates types, ranges and cross-field rules,
  and the services run every save through it (``services.save_conditions`` / ``save_project``), so the
  JSON never holds a value the engine would refuse. Typed columns would duplicate those rules in a second
  place that can drift.
* Administrators add next year's call as a rule file without a code change; when the registry grows by a
  field (a contract change), nothing here needs a migration, and the form picks the field up.
* Absent key = "not known" (→ ``needs_info``), exactly as in the contract; for ``years_since_*`` an explicit
  ``null`` means "never happened". Typed nullable columns could not tell these two apart.
* No page or report filters companies by these values, so nothing is lost for querying.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models._common import UTCDateTime, utcnow

if TYPE_CHECKING:
    from portal.models.company import Company
    from portal.models.user import User


class CompanyEligibilityProfile(db.Model):  # type: ignore[name-defined]
    """One row per company: conditions not in the company profile (``data``: contract field → value)."""

    __tablename__ = "company_eligibility_profiles"

    company_id: Mapped[int] = mapped_column(
        sa.ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True
    )
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    company: Mapped[Company] = relationship()
    updated_by: Mapped[User | None] = relationship()


class EligibilityProject(db.Model):  # type: ignore[name-defined]
    """A project the company describes for one project-level program (``data``: contract project fields).

    ``name`` is the project's id in the contract, so reports name the project in words; unique per company.
    """

    __tablename__ = "eligibility_projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    program: Mapped[str] = mapped_column(sa.String(80))
    direction: Mapped[str | None] = mapped_column(sa.String(80))
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    company: Mapped[Company] = relationship()

    __table_args__ = (sa.UniqueConstraint("company_id", "name", name="uq_eligibility_projects_company_name"),)


class RuleVersionStatus(StrEnum):
    DRAFT = "draft"  # uploaded and validated, previewed, not in force
    PUBLISHED = "published"  # in force between valid_from and valid_until (China dates)
    WITHDRAWN = "withdrawn"  # was published, no longer applies; kept for the record


class RuleVersion(db.Model):  # type: ignore[name-defined]
    """A version of one program's rule file (YAML), uploaded by an administrator and validated first.

    Every version is kept. A published version replaces the shipped file of the same program id while
    ``valid_from <= today <= valid_until``; of several published versions in force the highest ``version``
    applies, so withdrawing one lets the previous one (or the shipped file) apply again.
    """

    __tablename__ = "rule_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[str] = mapped_column(sa.String(80), index=True)
    version: Mapped[int | None]  # 1, 2, … per program, given when published
    filename: Mapped[str] = mapped_column(sa.String(200))
    name_zh: Mapped[str] = mapped_column(sa.String(200))
    content: Mapped[str] = mapped_column(sa.Text)
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[str] = mapped_column(sa.String(12), default=RuleVersionStatus.DRAFT.value)
    valid_from: Mapped[date | None] = mapped_column(sa.Date)
    valid_until: Mapped[date | None] = mapped_column(sa.Date)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    uploaded_by: Mapped[User | None] = relationship(foreign_keys=[uploaded_by_id])
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])
    withdrawn_by: Mapped[User | None] = relationship(foreign_keys=[withdrawn_by_id])

    __table_args__ = (sa.UniqueConstraint("program_id", "version", name="uq_rule_versions_program_version"),)

    def in_force(self, day: date) -> bool:
        return (
            self.status == RuleVersionStatus.PUBLISHED.value
            and self.valid_from is not None
            and self.valid_from <= day
            and (self.valid_until is None or day <= self.valid_until)
        )
