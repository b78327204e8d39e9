"""Report jobs: request (create or reuse by cache key), run (RQ worker or inline), retry, verify.

Flow: `request_report` finds the row with the same cache key (assessment, answers hash, engine version,
language) — a done row is reused as is, a queued/running one is returned, a failed one is left for an
explicit retry — or creates one and `dispatch`es it. With `REDIS_URL` configured the job goes to the RQ
queue (`flask report worker` runs it, one persistent chart browser per worker process); without Redis it
is rendered inline, in-process, through the same row and the same `run_report` function.

A worker killed mid-render: `ReportWorker` (portal/reports/worker.py) heartbeats during the render, so RQ
finds the job abandoned seconds after the worker died; any worker's registry maintenance then retries it
(RQ `Retry`) and `on_job_failure` records that on the row — no status poll needed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
import traceback
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from portal.errors import PortalError
from portal.extensions import db
from portal.models import Assessment, User
from portal.models._common import utcnow
from portal.reports.models import Report, ReportStatus
from portal.results import services as results

QUEUE_NAME = "reports"
JOB_TIMEOUT_S = 300
RQ_RETRIES = 2  # automatic retries by RQ before the row is marked failed (then: POST retry)


class ReportUnavailableError(PortalError):
    """The assessment cannot have a report yet (e.g. still a draft)."""


@dataclass(frozen=True)
class CacheKey:
    assessment_id: int
    answers_hash: str
    engine_version: str
    lang: str


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
        )
    )


def request_report(assessment: Assessment, lang: str, user: User | None = None) -> Report:
    """The report for this cache key: reused when it exists (done, queued, running or failed), else created
    and dispatched. Raises ReportUnavailableError for drafts."""
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
        status=ReportStatus.QUEUED,
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
    dispatch(report)
    return report


def retry(report: Report) -> Report:
    """Queue a failed report again (the same row: same report number and verification code)."""
    if report.status is not ReportStatus.FAILED:
        return report
    # A conditional UPDATE: of two retries at once (a double click) only one moves the row out of
    # `failed`, and only that one enqueues a job.
    claimed = db.session.execute(
        sa.update(Report)
        .where(Report.id == report.id, Report.status == ReportStatus.FAILED)
        .values(status=ReportStatus.QUEUED, error=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    db.session.refresh(report)
    if claimed.rowcount == 1:  # type: ignore[attr-defined]
        dispatch(report)
    return report


def dispatch(report: Report) -> None:
    """RQ when REDIS_URL is configured; otherwise render inline, in this process."""
    redis_url = current_app.config.get("REDIS_URL")
    if not redis_url:
        try:
            run_report(report.id)
        except Exception:  # recorded on the row (status failed, error text) by run_report
            current_app.logger.info("inline report %s failed; see the report row", report.id)
        db.session.refresh(report)
        return
    from rq import Callback, Retry

    job = queue().enqueue(
        "portal.reports.jobs.run_report",
        report.id,
        job_timeout=JOB_TIMEOUT_S,
        retry=Retry(max=RQ_RETRIES),
        # also called by RQ when the job is abandoned (its worker died): see on_job_failure
        on_failure=Callback(on_job_failure),
        description=f"report {report.report_no}",
    )
    report.rq_job_id = job.id
    db.session.commit()


def queue() -> Any:
    from redis import Redis
    from rq import Queue

    connection = Redis.from_url(current_app.config["REDIS_URL"])
    return Queue(current_app.config.get("REPORTS_QUEUE", QUEUE_NAME), connection=connection)


# ------------------------------------------------------------------------------------------------ run


def run_report(report_id: int) -> str:
    """The job: render the report of this row and store the PDF. Runs in a worker or inline.

    Needs an app context; a worker started by `flask report worker` has one. Otherwise one is created.
    """
    if has_app_context():
        return _run(report_id)
    from portal import create_app

    app: Flask = create_app()
    with app.app_context():
        return _run(report_id)


def _run(report_id: int) -> str:
    from portal.reports.context import build_report_context, verify_summary
    from portal.reports.pdf import render_report_pdf

    report = db.session.get(Report, report_id)
    if report is None:
        return "missing"
    if report.status is ReportStatus.DONE:
        return "done"
    report.status = ReportStatus.RUNNING
    report.attempts += 1
    report.started_at = utcnow()
    report.error = None
    db.session.commit()
    try:
        _test_failure_hook(report)
        context = build_report_context(
            report.assessment,
            report.lang,
            report_no=report.report_no,
            verification_code=report.verification_code,
            generated_at=report.started_at,
        )
        stats: dict[str, Any] = {}
        pdf = render_report_pdf(context, stats=stats)
    except Exception as exc:
        db.session.rollback()
        report = db.session.get(Report, report_id)
        if report is not None:
            report.error = f"{type(exc).__name__}: {exc}"[:2000]
            report.finished_at = utcnow()
            report.status = ReportStatus.QUEUED if _rq_will_retry() else ReportStatus.FAILED
            db.session.commit()
        current_app.logger.error("report %s failed: %s", report_id, traceback.format_exc())
        raise
    report.pdf = pdf
    report.pdf_size = len(pdf)
    report.page_count = stats.get("pages")
    report.summary = verify_summary(context)
    report.status = ReportStatus.DONE
    report.finished_at = utcnow()
    db.session.commit()
    return "done"


def _rq_will_retry() -> bool:
    try:
        from rq import get_current_job

        job = get_current_job()
    except Exception:  # not inside an RQ job
        return False
    return bool(job is not None and (job.retries_left or 0) > 0)


def _test_failure_hook(report: Report) -> None:
    """Fault tests: REPORTS_FAIL_ATTEMPTS = n makes the first n attempts fail on purpose;
    REPORTS_TEST_DELAY_S makes the first attempt slow, so a test can kill the worker mid-render."""
    fail_attempts = int(current_app.config.get("REPORTS_FAIL_ATTEMPTS") or 0)
    if report.attempts <= fail_attempts:
        raise RuntimeError(f"deliberate failure of attempt {report.attempts} (REPORTS_FAIL_ATTEMPTS)")
    delay = float(current_app.config.get("REPORTS_TEST_DELAY_S") or 0)
    if delay and report.attempts == 1:
        time.sleep(delay)


ABANDONED_ERROR = "工作进程中断 / the worker stopped mid-render"


def on_job_failure(job: Any, connection: Any, exc_type: type, exc_value: BaseException, tb: Any) -> None:
    """RQ's failure callback. A failing render records its own outcome in `_run`; what reaches here with
    the row still `running` is a job RQ found abandoned (`StartedJobRegistry.cleanup`: its worker was
    killed, so its heartbeat expired). Record that on the row: queued again while RQ has retries left
    (RQ re-enqueues it right after this callback), else failed (the user can retry).

    Never raises: an exception here would abort RQ's registry cleanup for the other jobs."""
    from rq.exceptions import AbandonedJobError

    try:
        report_id = int(job.args[0])
        will_retry = (job.retries_left or 0) > 0
        error = ABANDONED_ERROR if exc_type is AbandonedJobError else f"{exc_type.__name__}: {exc_value}"
        if has_app_context():
            _record_stopped(report_id, will_retry, error[:2000])
            return
        from portal import create_app

        with create_app().app_context():
            _record_stopped(report_id, will_retry, error[:2000])
    except Exception:  # never raise: see the docstring
        import logging

        logging.getLogger(__name__).exception("report job %s: failure callback failed", job.id)


def _record_stopped(report_id: int, will_retry: bool, error: str) -> None:
    report = db.session.get(Report, report_id)
    if report is None or report.status is not ReportStatus.RUNNING:
        db.session.rollback()
        return
    report.status = ReportStatus.QUEUED if will_retry else ReportStatus.FAILED
    report.error = error
    report.finished_at = utcnow()
    db.session.commit()
    current_app.logger.warning(
        "report %s: stopped mid-render (%s); %s", report_id, error, "retrying" if will_retry else "failed"
    )


def requeue_lost() -> int:
    """Dispatch again the reports whose RQ job no longer exists (e.g. Redis lost its data), and mark
    failed those whose job RQ has given up on without the row saying so. Run when a worker starts, so no
    report stays `queued` or `running` with nothing behind it. Jobs still known to RQ are RQ's business
    (its retries and abandoned-job handling)."""
    from rq.exceptions import NoSuchJobError
    from rq.job import Job, JobStatus

    connection = queue().connection
    grace = utcnow() - timedelta(minutes=1)  # a row just created is dispatched by its own request
    rows = list(
        db.session.scalars(
            sa.select(Report).where(
                Report.status.in_([ReportStatus.QUEUED, ReportStatus.RUNNING]), Report.created_at < grace
            )
        )
    )
    handled = 0
    for row in rows:
        try:
            status = Job.fetch(row.rq_job_id, connection=connection).get_status() if row.rq_job_id else None
        except NoSuchJobError:
            status = None
        if status is None:
            row.status = ReportStatus.QUEUED
            db.session.commit()
            dispatch(row)
            handled += 1
        elif status in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED):
            row.status = ReportStatus.FAILED
            row.error = row.error or ABANDONED_ERROR
            db.session.commit()
            handled += 1
    return handled


# ---------------------------------------------------------------------------------------- read access


def get_report(report_id: int) -> Report | None:
    return db.session.get(Report, report_id)


def status_of(report: Report) -> dict[str, Any]:
    """The JSON the status page polls. Only reads: a killed worker's report is recovered by the workers
    (RQ's abandoned-job handling), whether anyone polls or not."""
    return {
        "id": report.id,
        "report_no": report.report_no,
        "status": report.status.value,
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
    report = db.session.scalar(sa.select(Report).where(Report.verification_code == normalised))
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
