"""Report jobs across outages, with the real Redis (TEST_REDIS_URL or redis://127.0.0.1:6379/15) and, for
the database restart, the real PostgreSQL (TEST_DATABASE_URL):

- Redis down while a report is asked for: no 500 and no ghost row; the row stays `pending`, the page
  says it will start shortly, and the sweep queues it once Redis answers again.
- PostgreSQL restarted under a running worker (every connection of the database terminated with
  `pg_terminate_backend`, as a restart does, once mid-render and once between jobs): the worker goes on,
  the interrupted attempt is counted and retried, a new report completes, and no row is left
  `pending`, `queued` or `running` — also not rows left stuck before the worker started.

The renderer is a stub (the real render is covered by test_report_worker.py): these tests are about the
job's bookkeeping. Fails (never skips) when Redis is missing."""

from __future__ import annotations

import contextlib
import os
import socket
import sys
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fixture_types import LoginAs
from flask import Flask
from tests_support import Factory, submitted

from portal.extensions import db
from portal.models import Assessment, User
from portal.models._common import utcnow
from portal.reports import jobs, outbox
from portal.reports.models import Report, ReportStatus

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "portal"))  # the result-test helpers

REDIS_URL = os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/15"
FAKE_PDF = b"%PDF-1.7 fake report\n%%EOF"


@pytest.fixture
def queue_name(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisConnectionError

    connection = Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except RedisConnectionError as exc:
        pytest.fail(f"Redis is not reachable at {REDIS_URL} ({exc}); start it or set TEST_REDIS_URL")
    name = f"reports-test-{uuid.uuid4().hex[:8]}"
    app.config.update(REDIS_URL=REDIS_URL, REPORTS_QUEUE=name)
    monkeypatch.setattr("portal.reports.pdf.render_report_pdf", _fake_render)
    monkeypatch.setattr("portal.reports.pdf.ensure_chart_server", lambda: None)
    try:
        yield name
    finally:
        app.config.update(REDIS_URL=None, REPORTS_QUEUE="reports")
        for key in connection.scan_iter(f"rq:*{name}*"):
            connection.delete(key)


def _fake_render(context: Any, *, stats: dict[str, Any] | None = None) -> bytes:
    if stats is not None:
        stats["pages"] = 9
    return FAKE_PDF


def _run_worker(app: Flask, name: str) -> str:
    """`flask report worker --burst`, in this process: the worker's start-up sweep, its jobs, its exit."""
    result = app.test_cli_runner().invoke(args=["report", "worker", "--burst", "--queue", name])
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


def _rows(app: Flask) -> dict[int, tuple[str, int, str | None]]:
    """Every report row, read in a context (and session) of its own."""
    with app.app_context():
        return {r.id: (r.status.value, r.attempts, r.error) for r in db.session.scalars(sa.select(Report))}


def _drop_session() -> None:
    """This context's session had its connection terminated under it: roll back what can be, start anew."""
    with contextlib.suppress(sa.exc.OperationalError):
        db.session.rollback()
    db.session.remove()


def test_a_report_asked_for_while_redis_is_down_is_kept_and_queued_once_redis_is_back(
    app: Flask, make: Factory, login_as: LoginAs, queue_name: str
) -> None:
    from rq import Queue

    from portal.reports.worker import ReportWorker

    assessment, user = submitted(make)
    client = login_as(user)
    with socket.socket() as closed:  # a bound port nobody listens on: connections are refused
        closed.bind(("127.0.0.1", 0))
        app.config["REDIS_URL"] = f"redis://127.0.0.1:{closed.getsockname()[1]}/0"
        response = client.post(f"/company/assessments/{assessment.id}/report", data={"lang": "zh"})
        assert response.status_code == 302  # not a 500
        report_id = int(response.headers["Location"].rsplit("/", 1)[-1])
        assert _rows(app) == {report_id: ("pending", 0, None)}  # kept, and only this one row
        page = client.get(f"/reports/{report_id}").get_data(as_text=True)
        assert "排队中，稍后自动开始" in page and "无需重新提交" in page
        assert client.get(f"/reports/{report_id}/status").get_json()["status"] == "pending"  # still down
        # asking again while Redis is down gives the same row, not a second one
        again = client.post(f"/company/assessments/{assessment.id}/report", data={"lang": "zh"})
        assert again.headers["Location"] == response.headers["Location"]
        english = client.post(f"/company/assessments/{assessment.id}/report", data={"lang": "en"})
        english_id = int(english.headers["Location"].rsplit("/", 1)[-1])
        # a row that looks stuck cannot be checked against RQ now: it is left alone, and the poll is no 500
        db.session.execute(
            sa.update(Report)
            .where(Report.id == english_id)
            .values(status=ReportStatus.QUEUED, rq_job_id="lost", queued_at=utcnow() - timedelta(minutes=5))
        )
        db.session.commit()
        assert client.get(f"/reports/{english_id}/status").get_json()["status"] == "queued"
    app.config["REDIS_URL"] = REDIS_URL  # Redis is back
    queue = Queue(queue_name, connection=outbox.queue().connection)
    # the status poll hands its row over ...
    assert client.get(f"/reports/{report_id}/status").get_json()["status"] == "queued"
    assert queue.count == 1
    # ... and the worker's sweep every other pending row; then it renders both
    ReportWorker([queue], connection=queue.connection).work(burst=True)
    assert _rows(app) == {report_id: ("done", 1, None), english_id: ("done", 1, None)}
    assert client.get(f"/reports/{report_id}/download").data == FAKE_PDF


@pytest.mark.skipif(
    not (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgresql"),
    reason="terminates PostgreSQL backends: runs in the PostgreSQL pass",
)
def test_the_worker_survives_a_postgresql_restart(
    app: Flask, make: Factory, queue_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assessment, user = submitted(make)
    assessment_id, user_id = assessment.id, user.id
    stuck = _stuck_before_the_fix(assessment, user)

    # 1. the database restarts in the middle of a render: the attempt is counted, RQ retries it
    restarts: list[int] = []

    def render_through_a_restart(context: Any, *, stats: dict[str, Any] | None = None) -> bytes:
        if not restarts:
            restarts.append(_terminate_connections())
        return _fake_render(context, stats=stats)

    monkeypatch.setattr("portal.reports.pdf.render_report_pdf", render_through_a_restart)
    first, stuck_id = jobs.request_report(assessment, "zh", user).id, stuck.id
    output = _run_worker(app, queue_name)  # its start-up sweep takes the stuck row up as well
    _drop_session()  # the restart also ended this test's own connection
    assert "1 report(s) pending or stuck" in output
    assert restarts and restarts[0] >= 1  # the worker's connections were terminated mid-render
    rows = _rows(app)
    assert rows[first][:2] == ("done", 2), rows  # attempt 1 died with the connection, attempt 2 rendered
    assert rows[stuck_id] == ("done", 1, None), rows

    # 2. the database restarts while the worker idles with a transaction open on its own session
    # (what the worker's start-up check left behind): the next job must not inherit that session
    monkeypatch.setattr("portal.reports.pdf.render_report_pdf", _fake_render)
    assessment, user = db.session.get(Assessment, assessment_id), db.session.get(User, user_id)
    second = jobs.request_report(assessment, "en", user).id
    db.session.scalar(sa.select(sa.func.count(Report.id)))  # a transaction left open, then ...
    assert _terminate_connections() >= 1  # ... its connection is terminated by the restart
    _run_worker(app, queue_name)  # in that same app context, with that session still broken
    _drop_session()
    rows = _rows(app)
    assert rows[second] == ("done", 1, None), rows
    assert all(status == "done" for status, _, _ in rows.values()), rows  # nothing left queued


def _stuck_before_the_fix(assessment: Assessment, user: User) -> Report:
    """A row as the worker of the previous release left it after a restart: `queued`, 0 attempts, its
    RQ job gone (failed and expired) long ago."""
    key = jobs.cache_key(assessment, "zh")
    when = utcnow() - timedelta(hours=2)
    stuck = Report(
        assessment_id=assessment.id,
        answers_hash=key.answers_hash,
        engine_version="old-engine",  # another cache key than the reports asked for below
        lang="zh",
        status=ReportStatus.QUEUED,
        attempts=0,
        report_no=jobs.new_report_no(when),
        verification_code="STUC-KBEF-ORET-HEFX",
        rq_job_id="lost-job",
        created_at=when,
    )
    db.session.add(stuck)
    db.session.commit()
    return stuck


def _terminate_connections() -> int:
    """What a PostgreSQL restart does to the app: every backend of its database ends (AdminShutdown);
    run from a connection of its own. Returns how many were terminated."""
    import psycopg

    url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as admin:
        found = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()
    return int(found[0]) if found else 0
