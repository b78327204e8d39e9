"""The jurisdiction report: a bureau officer asks for it on the dashboard, the job queue renders it (the
app's own thread pool here), the status page follows it and the officer downloads a PDF that states the
figures the dashboard publishes for the same filters. Only that officer can read it."""

from __future__ import annotations

import subprocess
from typing import Any
from urllib.parse import unquote

import pytest
import sqlalchemy as sa
from fixture_types import LoginAs
from tests_support import Factory

from portal.bureau import queries
from portal.bureau.queries.filters import Filters
from portal.extensions import db
from portal.models import JurisdictionLevel, Role
from portal.reports import local_pool
from portal.reports.models import Report, ReportKind
from tests.portal.bureau.test_bureau_dashboard import officer, population  # noqa: F401 — the shared fixture


def _pdf_text(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return out.stdout.decode("utf-8")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_officer_asks_for_the_report_and_downloads_it(
    population: Any,  # noqa: F811 — the fixture imported above
    make: Factory,
    login_as: LoginAs,
    lang: str,
) -> None:
    user = officer(make, JurisdictionLevel.CITY, "揭阳市")
    client = login_as(user)
    dashboard = client.get("/bureau/").get_data(as_text=True)
    assert "生成辖区报告（PDF）" in dashboard
    response = client.post("/bureau/report", data={"lang": lang, "size_class": "small"})
    assert response.status_code == 302
    assert local_pool.wait_all(timeout=180), "the report job did not end within 3 minutes"
    report = db.session.scalars(sa.select(Report)).one()
    assert report.kind == ReportKind.JURISDICTION and report.assessment_id is None
    assert response.headers["Location"].endswith(f"/reports/{report.id}")
    status = client.get(f"/reports/{report.id}/status").get_json()
    assert status["status"] == "done", status
    page = client.get(f"/reports/{report.id}").get_data(as_text=True)
    assert "辖区报告" in page and "核验码" not in page
    pdf = client.get(status["download_url"])
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    name = unquote(pdf.headers["Content-Disposition"])
    assert (
        "揭阳市_小型_辖区报告_" if lang == "zh" else "Jieyang_Small_Jurisdiction_report_"
    ) in name.replace(" ", "_")
    text = _pdf_text(pdf.data)
    assert ("辖区数字化转型统计报告" if lang == "zh" else "statistical report") in text
    # the figures are those the dashboard publishes for the same filters (the same perturbed counts)
    with client.application.test_request_context("/"):
        headline = queries.summary(user, Filters(city="揭阳市", size_class="small"))["headline"]
    assessed = dict(zip(headline.row_keys, headline.rows, strict=True))["assessed"][1]
    assert f"{assessed}" in text
    # nobody else reads it: another officer of the same city, a company, a provider
    for other in (
        officer(make, JurisdictionLevel.CITY, "揭阳市"),
        make.user(Role.ENTERPRISE),
        make.user(Role.PROVIDER),
    ):
        other_client = login_as(other)
        assert other_client.get(f"/reports/{report.id}").status_code in (403, 404)
        assert other_client.get(f"/reports/{report.id}/download").status_code in (403, 404)
    # and it is no company's report: the public verify page does not know its code
    assert client.get(f"/verify/{report.verification_code}").status_code == 404
