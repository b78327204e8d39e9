"""A report rendered through a real RQ worker on the real Redis (TEST_REDIS_URL or redis://127.0.0.1:6379/15):
the first attempt fails on purpose, RQ retries, the second attempt renders the PDF. Fails (never skips) when
Redis or chromium is missing."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import sqlalchemy as sa
from flask import Flask
from tests_support import Factory

from portal.extensions import db
from portal.reports import jobs, outbox, runner
from portal.reports.models import Report, ReportStatus
from portal.reports.pdf import stop_chart_server

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "portal"))  # the result-test helpers
from tests_support import submitted

if TYPE_CHECKING:
    from redis import Redis
    from rq.job import Job

REDIS_URL = os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_queue(app: Flask) -> Iterator[tuple[Redis, str]]:
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisConnectionError

    connection = Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except RedisConnectionError as exc:
        pytest.fail(
            f"Redis is not reachable at {REDIS_URL} ({exc}); start redis-server or set TEST_REDIS_URL"
        )
    name = f"reports-test-{uuid.uuid4().hex[:8]}"
    app.config.update(REDIS_URL=REDIS_URL, REPORTS_QUEUE=name)
    try:
        yield connection, name
    finally:
        app.config.update(REDIS_URL=None, REPORTS_QUEUE="reports", REPORTS_FAIL_ATTEMPTS=0)
        for key in connection.scan_iter(f"rq:*{name}*"):
            connection.delete(key)
        stop_chart_server()


def test_worker_fails_once_then_retries_and_renders(
    app: Flask, make: Factory, redis_queue: tuple[Redis, str]
) -> None:
    from rq import Queue, SimpleWorker

    connection, name = redis_queue
    assessment, user = submitted(make)
    app.config["REPORTS_FAIL_ATTEMPTS"] = 1
    report = jobs.request_report(assessment, "zh", user)
    assert report.status is ReportStatus.QUEUED and report.rq_job_id  # enqueued, not rendered in the request
    queue = Queue(name, connection=connection)
    assert queue.count == 1
    SimpleWorker([queue], connection=connection).work(burst=True)
    db.session.expire_all()
    done = db.session.scalars(sa.select(Report)).one()
    assert done.status is ReportStatus.DONE, done.error
    assert done.attempts == 2 and done.error is None
    pdf = jobs.pdf_bytes(done)
    assert pdf is not None and pdf.startswith(b"%PDF") and (done.page_count or 0) >= 8
    job = queue.fetch_job(done.rq_job_id or "")
    assert job is not None and job.is_finished


def _die_mid_render(connection: Redis, name: str, report: Report) -> Job:
    """What a report worker does up to the render, then it is killed (SIGKILL: no cleanup, no more
    heartbeats): the job left the queue and is in the StartedJobRegistry, the row says `running`."""
    from rq import Queue

    from portal.reports.worker import ReportWorker

    doomed = ReportWorker([Queue(name, connection=connection)], connection=connection)
    doomed.register_birth()
    dequeued = doomed.dequeue_job_and_maintain_ttl(timeout=1)
    assert dequeued is not None
    job, _ = dequeued
    doomed.prepare_execution(job)
    doomed.prepare_job_execution(job)
    report.status, report.attempts = ReportStatus.RUNNING, 1
    db.session.commit()
    return job


def test_a_killed_workers_job_expires_within_the_heartbeat_ttl(
    app: Flask, make: Factory, redis_queue: tuple[Redis, str]
) -> None:
    """A plain SimpleWorker dated its job's registry entry job_timeout + 60 s (360 s) ahead: a killed
    worker's report waited six minutes. The report worker's entry lives one short heartbeat TTL."""
    import time

    from rq.registry import StartedJobRegistry

    from portal.reports.worker import HEARTBEAT_TTL_S

    connection, name = redis_queue
    assessment, user = submitted(make)
    report = jobs.request_report(assessment, "zh", user)
    job = _die_mid_render(connection, name, report)
    registry = StartedJobRegistry(name, connection=connection)
    expiry = max(score for _, score in connection.zrange(registry.key, 0, -1, withscores=True))
    assert job.id in registry.get_job_ids()
    assert expiry <= time.time() + HEARTBEAT_TTL_S + 1
    assert HEARTBEAT_TTL_S <= 30


def _expire(connection: Redis, name: str) -> None:
    """Age the dead worker's registry entry past its heartbeat TTL (what waiting HEARTBEAT_TTL_S does)."""
    from rq.registry import StartedJobRegistry

    key = StartedJobRegistry(name, connection=connection).key
    for member, _ in connection.zrange(key, 0, -1, withscores=True):
        connection.zadd(key, {member: 1})


def test_killed_workers_report_is_retried_by_the_next_worker_without_polling(
    app: Flask, make: Factory, redis_queue: tuple[Redis, str]
) -> None:
    from rq import Queue

    from portal.reports.worker import ReportWorker

    connection, name = redis_queue
    assessment, user = submitted(make)
    report = jobs.request_report(assessment, "zh", user)
    _die_mid_render(connection, name, report)
    _expire(connection, name)
    # the next worker's start-up maintenance finds the job abandoned, RQ retries it, the worker renders it
    ReportWorker([Queue(name, connection=connection)], connection=connection).work(burst=True)
    db.session.expire_all()
    done = db.session.get(Report, report.id)
    assert done is not None
    assert done.status is ReportStatus.DONE, (done.status, done.error)
    assert done.attempts == 2 and done.error is None
    assert (jobs.pdf_bytes(done) or b"").startswith(b"%PDF")


def test_killed_worker_on_the_last_attempt_marks_the_report_failed(
    app: Flask, make: Factory, redis_queue: tuple[Redis, str]
) -> None:
    from rq import Queue

    from portal.reports.worker import ReportWorker

    connection, name = redis_queue
    assessment, user = submitted(make)
    report = jobs.request_report(assessment, "zh", user)
    job = _die_mid_render(connection, name, report)
    job.retries_left = 0  # RQ's retries used up by earlier kills
    job.save()
    _expire(connection, name)
    ReportWorker([Queue(name, connection=connection)], connection=connection).work(burst=True)
    db.session.expire_all()
    failed = db.session.get(Report, report.id)
    assert failed is not None and failed.status is ReportStatus.FAILED  # not left `running` forever
    assert failed.error == runner.ABANDONED_ERROR
    assert Queue(name, connection=connection).count == 0
    jobs.retry(failed)  # the user's retry button queues it again
    assert failed.status is ReportStatus.QUEUED and Queue(name, connection=connection).count == 1


def test_worker_start_requeues_reports_whose_job_was_lost(
    app: Flask, make: Factory, redis_queue: tuple[Redis, str]
) -> None:
    """Redis lost the job (restart without persistence): the row must not stay `queued` forever."""
    from datetime import timedelta

    from rq import Queue

    from portal.models._common import utcnow

    connection, name = redis_queue
    assessment, user = submitted(make)
    report = jobs.request_report(assessment, "zh", user)
    Queue(name, connection=connection).empty()
    connection.delete(f"rq:job:{report.rq_job_id}")
    report.queued_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    assert outbox.sweep() == 1
    db.session.refresh(report)
    assert report.status is ReportStatus.QUEUED and Queue(name, connection=connection).count == 1
    assert outbox.sweep() == 0  # its new job exists: RQ's business now


def test_concurrent_retries_of_a_failed_report_queue_it_once(
    app: Flask, make: Factory, redis_queue: tuple[Redis, str]
) -> None:
    """A double-clicked retry button (or two colleagues): one job, not one per click."""
    import threading
    from types import SimpleNamespace

    from rq import Queue
    from tests_support import sign_in_session

    connection, name = redis_queue
    assessment, user = submitted(make)
    report = jobs.request_report(assessment, "zh", user)
    Queue(name, connection=connection).empty()
    report.status, report.error = ReportStatus.FAILED, "RuntimeError: boom"
    db.session.commit()
    clicks = [SimpleNamespace(id=user.id)] * 4  # plain ids: threads keep off this thread's session
    barrier = threading.Barrier(len(clicks), timeout=60)
    statuses: list[int] = []

    def click(who: Any) -> None:  # a stand-in with the user id only
        with app.app_context():
            client = app.test_client()
            sign_in_session(client, who)
            barrier.wait()
            statuses.append(client.post(f"/reports/{report.id}/retry").status_code)

    threads = [threading.Thread(target=click, args=(who,)) for who in clicks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [302] * len(clicks)
    assert Queue(name, connection=connection).count == 1
    db.session.expire_all()
    assert db.session.get(Report, report.id).status is ReportStatus.QUEUED  # type: ignore[union-attr]


def test_the_default_plan_of_a_stored_result_is_a_job_on_the_queue(
    app: Flask, make: Factory, redis_queue: tuple[Redis, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With Redis, the plan a result page shows first is worked out by the worker, not in the request that
    stored the result, and kept on the result's row."""
    from rq import Queue, SimpleWorker

    from portal.models import AssessmentResult

    connection, name = redis_queue
    monkeypatch.setitem(app.config, "RESULT_PLAN_AHEAD", True)
    assessment, _user = submitted(make)
    queue = Queue(name, connection=connection)
    assert queue.count == 1
    row = db.session.scalars(
        sa.select(AssessmentResult).where(AssessmentResult.assessment_id == assessment.id)
    ).one()
    assert row.default_plan is None  # not in the request
    SimpleWorker([queue], connection=connection).work(burst=True)
    db.session.expire_all()
    assert row.default_plan is not None and len(row.default_plan["key"]) == 64
