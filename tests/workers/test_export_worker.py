"""A bureau's company-list export through a real RQ worker on the real Redis (TEST_REDIS_URL): the same
job path as the PDF reports, with the longer timeout an export needs, its progress on the row and the
workbook holding the list the page shows. Fails (never skips) when Redis is missing."""

from __future__ import annotations

import io
import random
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import Flask
from openpyxl import load_workbook
from tests_support import Factory

from portal.bureau import queries
from portal.bureau.queries.filters import Filters
from portal.extensions import db
from portal.models import JurisdictionLevel, Role
from portal.reports import jobs, outbox
from portal.reports.models import Report, ReportKind, ReportStatus

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "portal"))  # the bureau test helpers
from tests.portal.bureau.test_bureau_dashboard import random_fields, submit
from tests.workers.test_report_worker import redis_queue  # noqa: F401 — the shared fixture

if TYPE_CHECKING:
    from redis import Redis


def test_the_export_runs_on_the_rq_worker(
    app: Flask,
    make: Factory,
    redis_queue: tuple[Redis, str],  # noqa: F811 — the fixture imported above
) -> None:
    from rq import Queue, SimpleWorker

    connection, name = redis_queue
    rng = random.Random(3)
    for i in range(12):
        company = make.company(
            city="揭阳市", district="榕城区", bureau_sharing=True, name=f"揭阳导出{i}有限公司"
        )
        submit(company, datetime(2025, 3, 4, tzinfo=UTC), **random_fields(rng, "gd-mfg-dt"))
    officer = make.user(Role.BUREAU, jurisdiction_level=JurisdictionLevel.CITY, jurisdiction_city="揭阳市")
    with app.test_request_context("/"):
        listing = queries.company_list(officer, Filters())
        report = jobs.request_officer_job(officer, ReportKind.EXPORT, {}, "zh")
    assert report.status is ReportStatus.QUEUED and report.rq_job_id  # enqueued, not written in the request
    queue = Queue(name, connection=connection)
    job = queue.fetch_job(report.rq_job_id)
    assert job is not None and job.timeout == outbox.EXPORT_TIMEOUT_S
    SimpleWorker([queue], connection=connection).work(burst=True)
    db.session.expire_all()
    done = db.session.scalars(sa.select(Report)).one()
    assert done.status is ReportStatus.DONE, done.error
    n = len(listing["companies"])
    assert not listing["withheld"] and n == 12  # (a withheld list would prove nothing here)
    assert (done.progress_done, done.progress_total) == (n, n)
    data = jobs.pdf_bytes(done)
    assert data is not None
    rows = list(load_workbook(io.BytesIO(data), read_only=True)["企业名单"].iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == [c["name"] for c in listing["companies"]]
