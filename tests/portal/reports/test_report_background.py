"""Without Redis (the embedded default of `make run`) a report is rendered by the app's own thread pool,
after the request has answered: the POST never waits for a render, and the status page shows the job
going through the same states as with RQ. A job lost with its process is taken up again by the status
poll; one out of attempts is shown failed, with the retry button.

Synchronisation is by events and by joining the pool (`local_pool.wait_all`), never by sleeping."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from fixture_types import LoginAs
from flask.testing import FlaskClient
from tests_support import Factory, submitted

from portal.extensions import db
from portal.models import Assessment, User
from portal.models._common import utcnow
from portal.reports import local_pool, outbox
from portal.reports.models import Report, ReportStatus

FAKE_PDF = b"%PDF-1.7 fake report\n%%EOF"


class BlockedRender:
    """A renderer that waits until the test releases it: the render cannot end before `release`."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.release = threading.Event()

    def __call__(self, context: Any, *, stats: dict[str, Any] | None = None) -> bytes:
        self.started.set()
        assert self.release.wait(timeout=60), "the test never released the render"
        if stats is not None:
            stats["pages"] = 9
        return FAKE_PDF


@pytest.fixture
def render(monkeypatch: pytest.MonkeyPatch) -> Iterator[BlockedRender]:
    blocked = BlockedRender()
    monkeypatch.setattr("portal.reports.pdf.render_report_pdf", blocked)
    yield blocked
    blocked.release.set()  # never leave a pool thread waiting


def _status(client: FlaskClient, report_id: int) -> dict[str, Any]:
    body: dict[str, Any] = client.get(f"/reports/{report_id}/status").get_json()
    return body


def test_the_request_answers_before_the_render_and_the_status_page_follows_the_job(
    login_as: LoginAs, make: Factory, render: BlockedRender
) -> None:
    assessment, user = submitted(make)
    client = login_as(user)
    response = client.post(f"/company/assessments/{assessment.id}/report", data={"lang": "zh"})
    # the render is still blocked, so the POST answered without waiting for it
    assert response.status_code == 302 and not render.release.is_set()
    report_id = int(response.headers["Location"].rsplit("/", 1)[-1])
    assert render.started.wait(timeout=30), "the job never started in the background"
    running = _status(client, report_id)
    assert running["status"] == "running" and running["attempts"] == 1 and not running["download_url"]
    page = client.get(f"/reports/{report_id}").get_data(as_text=True)
    assert "生成中" in page and "报告在后台生成" in page
    render.release.set()
    assert local_pool.wait_all(timeout=60)
    done = _status(client, report_id)
    assert done["status"] == "done" and done["pages"] == 9 and done["attempts"] == 1
    assert client.get(done["download_url"]).data == FAKE_PDF


def test_a_report_lost_with_its_process_is_taken_up_by_the_status_poll(
    login_as: LoginAs, make: Factory, render: BlockedRender
) -> None:
    """The app restarted while a report was queued in its pool: the row says `queued`, no thread has it.
    Once stale, the status poll hands it over again and it completes."""
    render.release.set()
    assessment, user = submitted(make)
    client = login_as(user)
    report = _stuck_row(assessment, user, ReportStatus.QUEUED, attempts=0)
    assert not local_pool.in_flight(report.id)
    assert _status(client, report.id)["status"] in ("queued", "running", "done")
    assert local_pool.wait_all(timeout=60)
    state = _status(client, report.id)
    assert state["status"] == "done" and state["attempts"] == 1, state


def test_a_stuck_report_out_of_attempts_is_shown_failed_with_the_retry_button(
    login_as: LoginAs, make: Factory, render: BlockedRender
) -> None:
    render.release.set()
    assessment, user = submitted(make)
    client = login_as(user)
    report = _stuck_row(assessment, user, ReportStatus.RUNNING, attempts=outbox.MAX_ATTEMPTS)
    page = client.get(f"/reports/{report.id}").get_data(as_text=True)
    assert "生成失败" in page and "重试" in page and outbox.GAVE_UP_ERROR in page
    assert client.post(f"/reports/{report.id}/retry").status_code == 302
    assert local_pool.wait_all(timeout=60)
    state = _status(client, report.id)
    assert state["status"] == "done" and state["attempts"] == outbox.MAX_ATTEMPTS + 1, state


def test_a_fresh_queued_report_is_left_to_its_job(
    login_as: LoginAs, make: Factory, render: BlockedRender
) -> None:
    """The sweep takes up only stale rows: a report queued a moment ago by another process is not
    queued a second time by a status poll here."""
    assessment, user = submitted(make)
    client = login_as(user)
    report = _stuck_row(assessment, user, ReportStatus.QUEUED, attempts=0, age=timedelta(seconds=5))
    assert _status(client, report.id)["status"] == "queued"
    assert not local_pool.in_flight(report.id) and not render.started.is_set()


def _stuck_row(
    assessment: Assessment,
    user: User,
    status: ReportStatus,
    attempts: int,
    age: timedelta = timedelta(minutes=10),
) -> Report:
    """A row as a process that died would leave it: handed to a pool that no longer exists."""
    from portal.reports import jobs

    key = jobs.cache_key(assessment, "zh")
    when = utcnow() - age
    report = Report(
        assessment_id=assessment.id,
        answers_hash=key.answers_hash,
        engine_version=key.engine_version,
        lang="zh",
        status=status,
        attempts=attempts,
        report_no=jobs.new_report_no(when),
        verification_code=jobs.verification_code(f"stuck-{status}", key.answers_hash),
        requested_by_id=user.id,
        created_at=when,
        queued_at=when,
        started_at=when if status is ReportStatus.RUNNING else None,
    )
    db.session.add(report)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(Report.id))) == 1
    return report
