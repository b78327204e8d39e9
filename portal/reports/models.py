"""The report job record: one row per (assessment, answers hash, engine version, language)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models._common import UTCDateTime, utcnow

if TYPE_CHECKING:
    from portal.models.assessment import Assessment


class ReportStatus(StrEnum):
    # Recorded, not (yet) handed to a queue: the outbox state; a sweep hands it over (reports/outbox.py).
    PENDING = "pending"
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ReportKind(StrEnum):
    ASSESSMENT = "assessment"  # a company's assessment report
    JURISDICTION = "jurisdiction"  # a bureau's report on its jurisdiction (portal/bureau/report.py)
    EXPORT = "export"  # a bureau's company list as an Excel file (portal/bureau/company_export.py)


# Kinds that belong to the bureau officer who asked for them (no assessment; readable by that officer only).
OFFICER_KINDS = frozenset({ReportKind.JURISDICTION, ReportKind.EXPORT})


class Report(db.Model):  # type: ignore[name-defined]
    """A file made by the job queue — a PDF report or a bureau's Excel export — and the job that makes it.

    Most rows are a company's assessment report; a bureau's jurisdiction report (kind `jurisdiction`) and
    company-list export (kind `export`) are rows without an assessment, their request (filters, period,
    language) in `params`, readable by the officer who asked for them. All share the queue, the status
    page and the download. An export counts its rows in `progress_done` / `progress_total` as it writes.

    The cache key is (assessment, answers hash, engine version, language, review key): a request with the
    same key reuses this row (and its PDF once done); any change of a key part makes a new row. The review
    key names the state of the assessor's review ("" when none), so a sign-off makes a new report. The
    file is kept in the database (`pdf`, whatever its type) so web and worker nodes stay stateless (a
    shared object store can replace it later).
    """

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(
        sa.String(20), default=ReportKind.ASSESSMENT, server_default=ReportKind.ASSESSMENT.value
    )
    params: Mapped[dict[str, object] | None] = mapped_column(sa.JSON)
    answers_hash: Mapped[str] = mapped_column(sa.String(64))
    engine_version: Mapped[str] = mapped_column(sa.String(20))
    lang: Mapped[str] = mapped_column(sa.String(5))
    review_key: Mapped[str] = mapped_column(sa.String(64), default="", server_default="")
    status: Mapped[ReportStatus] = mapped_column(
        sa.Enum(ReportStatus, native_enum=False, length=10), default=ReportStatus.PENDING
    )
    error: Mapped[str | None] = mapped_column(sa.Text)
    attempts: Mapped[int] = mapped_column(default=0)
    # Public identifier printed on the cover, and the code a bureau checks on /verify/<code>.
    report_no: Mapped[str] = mapped_column(sa.String(32), unique=True)
    verification_code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    rq_job_id: Mapped[str | None] = mapped_column(sa.String(64))
    pdf: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    pdf_size: Mapped[int | None]
    page_count: Mapped[int | None]
    progress_done: Mapped[int | None]  # an export's rows written so far …
    progress_total: Mapped[int | None]  # … of this many (None until the job has counted them)
    # What the report stated, for the public verify page (no need to open the PDF).
    summary: Mapped[dict[str, object] | None] = mapped_column(sa.JSON)
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # When the row was last handed to a queue (RQ or the in-process pool): a sweep judges "stuck" by it.
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    assessment: Mapped[Assessment | None] = relationship()

    __table_args__ = (
        sa.UniqueConstraint(
            "assessment_id",
            "answers_hash",
            "engine_version",
            "lang",
            "review_key",
            name="uq_reports_cache_key",
        ),
    )
