"""Report jobs: request (create or reuse by cache key), retry, status, verify.

Flow: `request_report` finds the row with the same cache key (assessment, answers hash, engine version,
language, state of the assessor's review) — a done row is reused as is, a pending/queued/running one is
returned, a failed one is left for an explicit retry — or records one as `pending`, commits, and hands
it to a queue (portal/reports/outbox.py: RQ with `REDIS_URL`, else the app's own thread pool). Never
rendered inside the request. The job itself is portal/reports/runner.py.

A worker killed mid-render: `ReportWorker` (portal/reports/worker.py) heartbeats during the render, so RQ
finds the job abandoned seconds after the worker died; any worker's registry maintenance then retries it
(RQ `Retry`) and `runner.on_job_failure` records that on the row — no status poll needed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from portal.errors import PortalError
from portal.extensions import db
from portal.models import Assessment, User
from portal.models._common import utcnow
from portal.reports import outbox
from portal.reports.models import Report, ReportKind, ReportStatus
from portal.reports.runner import run_report  # noqa: F401 — the path of jobs enqueued by earlier releases
from portal.results import services as results
from portal.review.services import review_key


class ReportUnavailableError(PortalError):
    """The assessment cannot have a report yet (e.g. still a draft)."""


@dataclass(frozen=True)
class CacheKey:
    assessment_id: int
    answers_hash: str
    engine_version: str
    lang: str
    review_key: str  # the assessor's review as the report shows it (portal.review.services.review_key)


def normalise_lang(lang: str | None) -> str:
    return "en" if (lang or "").lower().startswith("en") else "zh"


def cache_key(assessment: Assessment, lang: str) -> CacheKey:
    row = results.latest_row(assessment)
    if not assessment.locked or row is None:
        raise ReportUnavailableError(409, _l("评估提交后才能生成 PDF 报告。"))
    return CacheKey(
        assessment_id=assessment.id,
        answers_hash=results.answers_hash(assessment.answer_map()),
        engine_version=row.engine_version,
        lang=normalise_lang(lang),
        review_key=review_key(assessment.id),
    )


def verification_code(report_no: str, answers_hash: str, key: str | bytes | None = None) -> str:
    """HMAC-SHA256 of report number + answers hash with the app secret, as 4 groups of 4 base32 characters."""
    secret = key if key is not None else current_app.config["SECRET_KEY"]
    if isinstance(secret, str):
        secret = secret.encode()
    digest = hmac.new(secret, f"{report_no}:{answers_hash}".encode(), hashlib.sha256).digest()
    code = base64.b32encode(digest).decode("ascii")[:16]
    return "-".join(code[i : i + 4] for i in range(0, 16, 4))


def new_report_no(when: datetime) -> str:
    return f"DX{when:%Y%m%d}-{secrets.token_hex(3).upper()}"


def find(key: CacheKey) -> Report | None:
    return db.session.scalar(
        sa.select(Report).where(
            Report.assessment_id == key.assessment_id,
            Report.answers_hash == key.answers_hash,
            Report.engine_version == key.engine_version,
            Report.lang == key.lang,
            Report.review_key == key.review_key,
        )
    )


def request_report(assessment: Assessment, lang: str, user: User | None = None) -> Report:
    """The report for this cache key: reused when it exists (done, pending, queued, running or failed),
    else recorded and handed to a queue after the commit (an outbox: with Redis down the row stays
    `pending` and the sweep hands it over later). Raises ReportUnavailableError for drafts."""
    key = cache_key(assessment, lang)
    existing = find(key)
    if existing is not None:
        return existing
    now = utcnow()
    report_no = new_report_no(now)
    report = Report(
        assessment_id=key.assessment_id,
        answers_hash=key.answers_hash,
        engine_version=key.engine_version,
        lang=key.lang,
        review_key=key.review_key,
        status=ReportStatus.PENDING,
        report_no=report_no,
        verification_code=verification_code(report_no, key.answers_hash),
        requested_by_id=user.id if user is not None else None,
        created_at=now,
    )
    db.session.add(report)
    try:
        db.session.commit()
    except IntegrityError:  # a concurrent request created the same key first: use that one
        db.session.rollback()
        found = find(key)
        if found is None:
            raise
        return found
    outbox.dispatch(report.id)
    db.session.refresh(report)
    return report


def request_officer_job(user: User, kind: ReportKind, args: dict[str, str], lang: str) -> Report:
    """A bureau officer's jurisdiction report (portal/bureau/report.py) or company-list export
    (portal/bureau/company_export.py): record the request — the filters as the dashboard reads them —
    and hand it to the queue. Every request is a new row (the figures change as results arrive)."""
    from portal.bureau import queries

    now = utcnow()
    filters = queries.parse_filters(args, user).as_args()
    digest = hashlib.sha256(
        json.dumps([user.id, str(kind), filters, now.isoformat()], sort_keys=True).encode()
    ).hexdigest()
    report_no = new_report_no(now)
    report = Report(
        kind=kind,
        assessment_id=None,
        params={"filters": filters},
        answers_hash=digest,
        engine_version="bureau",
        lang=normalise_lang(lang),
        status=ReportStatus.PENDING,
        report_no=report_no,
        verification_code=verification_code(report_no, digest),
        requested_by_id=user.id,
        created_at=now,
    )
    db.session.add(report)
    db.session.commit()
    outbox.dispatch(report.id)
    db.session.refresh(report)
    return report


def retry(report: Report) -> Report:
    """Queue a failed report again (the same row: same report number and verification code)."""
    if report.status is not ReportStatus.FAILED:
        return report
    # A conditional UPDATE: of two retries at once (a double click) only one moves the row out of
    # `failed`, and only that one hands it to the queue.
    claimed = db.session.execute(
        sa.update(Report)
        .where(Report.id == report.id, Report.status == ReportStatus.FAILED)
        .values(status=ReportStatus.PENDING, error=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if claimed.rowcount == 1:  # type: ignore[attr-defined]
        outbox.dispatch(report.id)
    db.session.refresh(report)
    return report


# ---------------------------------------------------------------------------------------- read access


def get_report(report_id: int) -> Report | None:
    return db.session.get(Report, report_id)


def revive(report: Report) -> Report:
    """For the status poll: a `pending` row is handed to the queue (Redis is back), a stuck one taken up
    (its job was lost); see portal/reports/outbox.py. Cheap for the usual row: only the row's own
    timestamps are looked at before anything is asked of Redis."""
    if outbox.may_need_sweep(report):
        db.session.commit()  # end this request's read before the sweep's own session writes
        if outbox.sweep(report.id):
            db.session.refresh(report)
    return report


def status_of(report: Report) -> dict[str, Any]:
    """The JSON the status page polls."""
    return {
        "id": report.id,
        "kind": report.kind,
        "report_no": report.report_no,
        "status": report.status.value,
        # an export's rows written of the total (None until its job has counted them)
        "progress": {"done": report.progress_done, "total": report.progress_total},
        "lang": report.lang,
        "attempts": report.attempts,
        "error": report.error,
        "pages": report.page_count,
        "size": report.pdf_size,
        "created_at": report.created_at.isoformat() if report.created_at else None,
        "finished_at": report.finished_at.isoformat() if report.finished_at else None,
    }


def pdf_bytes(report: Report) -> bytes | None:
    return db.session.scalar(sa.select(Report.pdf).where(Report.id == report.id))


def by_code(code: str) -> Report | None:
    """The done report with this verification code, if the code also matches its HMAC (tamper check)."""
    normalised = code.strip().upper()
    report = db.session.scalar(  # company reports only: a jurisdiction report is the officer's own
        sa.select(Report).where(Report.verification_code == normalised, Report.assessment_id.is_not(None))
    )
    if report is None or report.status is not ReportStatus.DONE:
        return None
    expected = verification_code(report.report_no, report.answers_hash)
    return report if hmac.compare_digest(expected, report.verification_code) else None


def reports_of(assessment: Assessment) -> list[Report]:
    return list(
        db.session.scalars(
            sa.select(Report).where(Report.assessment_id == assessment.id).order_by(Report.id.desc())
        )
    )
