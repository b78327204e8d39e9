"""A report rendered through a real RQ worker on the real Redis (TEST_REDIS_URL or redis://127.0.0.1:6379/15):
the first attempt fails on purpose, RQ retries, the second attempt renders the PDF. Fails (never skips) when
Redis or chromium is missing."""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from portal.extensions import db
from portal.reports import jobs
from portal.reports.models import Report, ReportStatus
from portal.reports.pdf import stop_chart_server

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "portal"))  # the result-test helpers
from tests_support import submitted

REDIS_URL = os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_queue(app: Flask) -> Any:
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


def test_worker_fails_once_then_retries_and_renders(app: Flask, make: Any, redis_queue: Any) -> None:
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
