"""The report job itself: render the report of one row (or write a bureau's export) and record the outcome
on the row.

Runs in the RQ worker (`flask report worker`) or in the app's own small thread pool when there is no
Redis (portal/reports/local_pool.py). Either way every job gets its OWN app context, hence its own
database session, removed when the job ends: a worker is a long-lived process, and a session kept across
jobs keeps a connection (and, after a failed statement, a transaction to roll back). After a PostgreSQL
restart such a session failed every later job (AdminShutdown, then PendingRollbackError) while the rows
stayed `queued`. Now a job starts on a pooled connection checked by `pool_pre_ping` (config), a failure
is rolled back and recorded on the row, and a lost connection disposes of the pool, so the next job
connects afresh.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from sqlalchemy.exc import DBAPIError

from portal.extensions import db
from portal.models._common import utcnow
from portal.reports.models import Report, ReportKind, ReportStatus

ABANDONED_ERROR = "工作进程中断 / the worker stopped mid-render"


def app_for_job() -> Flask:
    """The running app (worker, web process) or, in a bare process, a new one."""
    if has_app_context():
        return current_app._get_current_object()  # type: ignore[attr-defined]
    from portal import create_app

    return create_app()


@contextmanager
def job_context() -> Iterator[None]:
    """A fresh app context (a fresh database session, removed at its end) for one unit of work. On an
    error the session is rolled back; on a lost connection the pool is disposed of as well (its other
    connections died with the same server), so the next unit of work connects afresh."""
    with app_for_job().app_context():
        try:
            yield
        except Exception as exc:
            forget_connection(exc, quiet=True)  # (the job itself may have reset the pool already)
            raise


def forget_connection(exc: BaseException, *, quiet: bool = False) -> None:
    """Roll the session back after an error; dispose of the pool when the error says the connection is
    gone (server restart, backend terminated)."""
    try:
        db.session.rollback()
    except Exception:  # the connection is gone: nothing to roll back
        current_app.logger.debug("report job: rollback failed", exc_info=True)
    if _connection_lost(exc):
        db.session.remove()
        db.engine.dispose()
        if not quiet:
            current_app.logger.warning("report job: database connection lost (%s); pool reset", exc)


def _connection_lost(exc: BaseException) -> bool:
    """The driver's connection is unusable: SQLAlchemy says so, or the error is an operational one
    (AdminShutdown on a terminated backend, a refused connection). Resetting the pool on a false alarm
    costs only new connections."""
    if not isinstance(exc, DBAPIError):
        return False
    return exc.connection_invalidated or isinstance(exc, sa.exc.OperationalError | sa.exc.InterfaceError)


def run_report(report_id: int) -> str:
    """The job: render the report of this row and store the PDF, in its own app context and session."""
    with job_context():
        return _run(report_id)


def _claim(report_id: int) -> bool:
    """Move the row from `queued` to `running` and count the attempt, in one conditional UPDATE: a job
    for a row another job has taken (or finished, or the user must retry) does nothing."""
    claimed = db.session.execute(
        sa.update(Report)
        .where(Report.id == report_id, Report.status == ReportStatus.QUEUED)
        .values(status=ReportStatus.RUNNING, attempts=Report.attempts + 1, started_at=utcnow(), error=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]


def _run(report_id: int) -> str:
    from portal.reports.context import build_report_context, verify_summary
    from portal.reports.pdf import render_report_pdf

    if not _claim(report_id):
        found = db.session.get(Report, report_id)
        db.session.rollback()
        return "missing" if found is None else found.status.value
    report = db.session.get(Report, report_id)
    assert report is not None  # claimed just now
    try:
        _test_failure_hook(report)
        if report.kind == ReportKind.EXPORT:  # a bureau's company list (portal/bureau/company_export.py)
            _write_export(report)
            return "done"
        if report.assessment is None:  # a bureau's jurisdiction report (portal/bureau/report.py)
            _render_jurisdiction(report)
            return "done"
        context = build_report_context(
            report.assessment,
            report.lang,
            report_no=report.report_no,
            verification_code=report.verification_code,
            generated_at=report.started_at,
        )
        stats: dict[str, Any] = {}
        pdf = render_report_pdf(context, stats=stats)
        report.pdf = pdf
        report.pdf_size = len(pdf)
        report.page_count = stats.get("pages")
        report.summary = verify_summary(context)
        report.status = ReportStatus.DONE
        report.finished_at = utcnow()
        db.session.commit()
    except Exception as exc:
        current_app.logger.error("report %s failed: %s", report_id, traceback.format_exc())
        forget_connection(exc)
        record_failure(report_id, f"{type(exc).__name__}: {exc}", will_retry=_rq_will_retry())
        raise
    return "done"


def _render_jurisdiction(report: Report) -> None:
    from portal.bureau.report import render

    report.pdf, report.page_count = render(report)
    report.pdf_size = len(report.pdf)
    report.status = ReportStatus.DONE
    report.finished_at = utcnow()
    db.session.commit()


def _write_export(report: Report) -> None:
    from portal.bureau.company_export import write

    report_id = report.id

    def progress(done: int, total: int) -> None:
        # Committed at once, so the status page sees it; the export holds no statement open meanwhile.
        db.session.execute(
            sa.update(Report)
            .where(Report.id == report_id)
            .values(progress_done=done, progress_total=total)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()

    data = write(report, progress)
    report.pdf = data  # the column holds the row's file, whatever its type
    report.pdf_size = len(data)
    report.status = ReportStatus.DONE
    report.finished_at = utcnow()
    db.session.commit()


def record_failure(report_id: int, error: str, *, will_retry: bool) -> None:
    """Note a failed attempt on the row: `queued` again while RQ will retry it, else `failed` (the status
    page shows the error and a retry button). Runs on the session just rolled back: with the pool reset
    after a lost connection, this reconnects. Should even that fail (the database still down), the row
    stays `running` and the sweep (portal/reports/outbox.py) takes it up once its job has ended."""
    try:
        db.session.execute(
            sa.update(Report)
            .where(Report.id == report_id, Report.status == ReportStatus.RUNNING)
            .values(
                status=ReportStatus.QUEUED if will_retry else ReportStatus.FAILED,
                error=error[:2000],
                finished_at=utcnow(),
            )
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
    except Exception as exc:
        current_app.logger.warning("report %s: could not record the failure (%s)", report_id, exc)
        forget_connection(exc)


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


def on_job_failure(job: Any, connection: Any, exc_type: type, exc_value: BaseException, tb: Any) -> None:
    """RQ's failure callback. A failing render records its own outcome in `_run`; what reaches here with
    the row still `running` is a job RQ found abandoned (`StartedJobRegistry.cleanup`: its worker was
    killed, so its heartbeat expired), or one whose failure could not be recorded. Record it on the row:
    queued again while RQ has retries left (RQ re-enqueues it right after this callback), else failed
    (the user can retry).

    Never raises: an exception here would abort RQ's registry cleanup for the other jobs."""
    from rq.exceptions import AbandonedJobError

    try:
        report_id = int(job.args[0])
        will_retry = (job.retries_left or 0) > 0
        error = ABANDONED_ERROR if exc_type is AbandonedJobError else f"{exc_type.__name__}: {exc_value}"
        with job_context():
            record_failure(report_id, error, will_retry=will_retry)
            current_app.logger.warning(
                "report %s: job ended (%s); %s", report_id, error, "retrying" if will_retry else "failed"
            )
    except Exception:  # never raise: see the docstring
        import logging

        logging.getLogger(__name__).exception("report job %s: failure callback failed", job.id)
