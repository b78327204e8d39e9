"""The report outbox: the report row is the source of truth; a queue only carries it to a worker.

A request records its row as `pending` and commits; only then is the row handed to a queue (`dispatch`):
RQ when REDIS_URL is configured, else the app's own thread pool (portal/reports/local_pool.py). Handing
over is a conditional UPDATE `pending → queued` (with the RQ job id chosen beforehand), so two hands —
the request and a sweep, or two clicks on retry — never queue one row twice.

Redis down: we keep the request rather than refuse it. The row stays `pending` and the page says
"排队中，稍后自动开始 / Queued, will start shortly"; the sweep hands it over once Redis answers again.
Refusing ("try again later") would make the person come back and ask again for something we can simply
keep: the row already holds everything the job needs, and no node can tell how long Redis stays down.

The sweep (`sweep`) hands over every `pending` row, and takes up a row stuck in `queued` or `running`
(older than a threshold, with no live job behind it: the job was lost with Redis, failed without being
able to say so because the database was down, or died with its process): queued again while attempts
remain, else `failed`, which the status page shows with a retry button. It runs when a report worker
starts and at every worker maintenance (portal/reports/worker.py), and for the one row a status page
polls — which is what recovers reports of the thread pool after an app restart. No report stays silently
`pending`, `queued` or `running`.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app

from portal.extensions import db
from portal.models._common import utcnow
from portal.reports import local_pool
from portal.reports.models import Report, ReportKind, ReportStatus
from portal.reports.runner import job_context, on_job_failure

QUEUE_NAME = "reports"
JOB_TIMEOUT_S = 300
# A bureau's company-list export grows with the jurisdiction: about 5,000 rows a second were written on a
# busy 2-core machine, so a province of a million companies needs minutes, not seconds.
EXPORT_TIMEOUT_S = 1800
RQ_RETRIES = 2  # automatic retries by RQ before the row is marked failed (then: POST retry)
MAX_ATTEMPTS = 1 + RQ_RETRIES  # the sweep queues a stuck row again only while attempts are below this
REDIS_TIMEOUT_S = 3  # a request never waits longer than this on an unreachable Redis
STALE_QUEUED = timedelta(minutes=1)  # a `queued` row with no live job this long after it was queued
# A `running` row: with RQ, whether its job lives is known at once; the thread pool of another process
# cannot be asked, so there only a row running for longer than any render may is taken as lost.
STALE_RUNNING_RQ = timedelta(minutes=1)
STALE_RUNNING_LOCAL = timedelta(seconds=JOB_TIMEOUT_S + 60)
GAVE_UP_ERROR = "报告未能生成，请重试 / the report could not be completed; please retry"
LIVE_JOB_STATES = frozenset({"queued", "started", "deferred", "scheduled"})


def uses_redis() -> bool:
    return bool(current_app.config.get("REDIS_URL"))


def queue() -> Any:
    from redis import Redis
    from rq import Queue

    connection = Redis.from_url(
        current_app.config["REDIS_URL"],
        socket_connect_timeout=REDIS_TIMEOUT_S,
        socket_timeout=REDIS_TIMEOUT_S,
    )
    return Queue(current_app.config.get("REPORTS_QUEUE", QUEUE_NAME), connection=connection)


def dispatch(report_id: int) -> bool:
    """Hand a `pending` row to the queue; True if it is queued now. Call after the row is committed.

    Redis unreachable: the row goes back to `pending` (the sweep hands it over later), never an error."""
    from redis.exceptions import RedisError

    job_id = f"report-{report_id}-{secrets.token_hex(6)}" if uses_redis() else None
    claimed = db.session.execute(
        sa.update(Report)
        .where(Report.id == report_id, Report.status == ReportStatus.PENDING)
        .values(status=ReportStatus.QUEUED, queued_at=utcnow(), rq_job_id=job_id)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return False  # another hand queued it (or it is no longer pending)
    if job_id is None:
        local_pool.submit(current_app._get_current_object(), report_id)  # type: ignore[attr-defined]
        return True
    try:
        _enqueue(report_id, job_id, _timeout(report_id))
    except RedisError as exc:
        db.session.execute(
            sa.update(Report)
            .where(Report.id == report_id, Report.status == ReportStatus.QUEUED, Report.rq_job_id == job_id)
            .values(status=ReportStatus.PENDING, queued_at=None, rq_job_id=None)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        current_app.logger.warning("report %s kept pending: Redis unavailable (%s)", report_id, exc)
        return False
    return True


def _timeout(report_id: int) -> int:
    kind = db.session.scalar(sa.select(Report.kind).where(Report.id == report_id))
    return EXPORT_TIMEOUT_S if kind == ReportKind.EXPORT else JOB_TIMEOUT_S


def _enqueue(report_id: int, job_id: str, timeout: int = JOB_TIMEOUT_S) -> None:
    from rq import Callback, Retry

    queue().enqueue(
        "portal.reports.runner.run_report",
        report_id,
        job_id=job_id,
        job_timeout=timeout,
        retry=Retry(max=RQ_RETRIES),
        # also called by RQ when the job is abandoned (its worker died): see runner.on_job_failure
        on_failure=Callback(on_job_failure),
        description=f"report {report_id}",
    )


def run_later(work: Callable[..., None], *args: Any) -> None:
    """Run `work(*args)` outside the request: as an RQ job on the reports queue (`work` is then imported by
    its module and name in the worker), else in this process's pool. For work that may be lost (a cache
    filled ahead of its first use): Redis unreachable, it is not run and the request goes on."""
    from redis.exceptions import RedisError

    if not uses_redis():
        local_pool.run_later(current_app._get_current_object(), work, *args)  # type: ignore[attr-defined]
        return
    try:
        queue().enqueue(work, *args, job_timeout=JOB_TIMEOUT_S, description=f"{work.__qualname__}{args}")
    except RedisError as exc:
        current_app.logger.warning("%s%s not queued: Redis unavailable (%s)", work.__qualname__, args, exc)


# --------------------------------------------------------------------------------------------- sweep


def sweep(report_id: int | None = None) -> int:
    """Hand over pending rows and take up stuck ones (see the module docstring): every row, or only
    `report_id`. Returns how many rows it moved. Runs in its own app context and session."""
    with job_context():
        now = utcnow()
        stale_running = STALE_RUNNING_RQ if uses_redis() else STALE_RUNNING_LOCAL
        query = sa.select(Report.id, Report.status, Report.rq_job_id, Report.attempts, Report.error).where(
            sa.or_(
                Report.status == ReportStatus.PENDING,
                sa.and_(
                    Report.status == ReportStatus.QUEUED,
                    sa.func.coalesce(Report.queued_at, Report.created_at) < now - STALE_QUEUED,
                ),
                sa.and_(
                    Report.status == ReportStatus.RUNNING,
                    sa.func.coalesce(Report.started_at, Report.created_at) < now - stale_running,
                ),
            )
        )
        if report_id is not None:
            query = query.where(Report.id == report_id)
        rows = db.session.execute(query.order_by(Report.id)).all()
        db.session.commit()
        moved = 0
        for row in rows:
            if row.status is ReportStatus.PENDING:
                moved += dispatch(row.id)
            elif not _job_alive(row.id, row.rq_job_id):
                moved += _take_up(row)
        return moved


def may_need_sweep(report: Report) -> bool:
    """What `sweep` would look at, judged from the row alone (no query, nothing asked of Redis)."""
    now = utcnow()
    if report.status is ReportStatus.PENDING:
        return True
    if report.status is ReportStatus.QUEUED:
        return (report.queued_at or report.created_at) < now - STALE_QUEUED
    if report.status is ReportStatus.RUNNING:
        stale = STALE_RUNNING_RQ if uses_redis() else STALE_RUNNING_LOCAL
        return (report.started_at or report.created_at) < now - stale
    return False


def _job_alive(report_id: int, job_id: str | None) -> bool:
    """Whether a job still carries the row: RQ's state of its job, or this process's thread pool."""
    if not uses_redis():
        return local_pool.in_flight(report_id)
    if not job_id:
        return False
    from redis.exceptions import RedisError
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    try:
        status = Job.fetch(job_id, connection=queue().connection).get_status()
    except NoSuchJobError:
        return False
    except RedisError:  # Redis is down: nothing can be queued now; leave the row for a later sweep
        return True
    return status is not None and str(getattr(status, "value", status)) in LIVE_JOB_STATES


def _take_up(row: Any) -> int:
    """A stuck row: `pending` again and handed over while attempts remain, else `failed` (retry button)."""
    give_up = row.attempts >= MAX_ATTEMPTS
    values: dict[str, Any] = (
        {"status": ReportStatus.FAILED, "error": row.error or GAVE_UP_ERROR, "finished_at": utcnow()}
        if give_up
        else {"status": ReportStatus.PENDING, "queued_at": None}
    )
    moved = db.session.execute(
        sa.update(Report)  # only if nobody moved it since it was read
        .where(Report.id == row.id, Report.status == row.status, _same_job(row.rq_job_id))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        return 0
    current_app.logger.warning(
        "report %s was stuck %s with no live job: %s",
        row.id,
        row.status.value,
        "marked failed" if give_up else "queued again",
    )
    if not give_up:
        dispatch(row.id)
    return 1


def _same_job(job_id: str | None) -> Any:
    return Report.rq_job_id.is_(None) if job_id is None else Report.rq_job_id == job_id
