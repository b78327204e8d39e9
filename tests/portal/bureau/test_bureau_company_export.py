"""The company list as Excel, made by the job queue: an officer asks for it on the company list page, the
job (the app's own thread pool here) writes it a batch at a time and records its progress, the status
page shows rows written of the total, and the officer downloads a workbook holding the very companies
and figures the page lists, under the same withholding rule. Only that officer can read it."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import unquote

import pytest
import sqlalchemy as sa
from fixture_types import LoginAs
from flask.testing import FlaskClient
from openpyxl import load_workbook
from tests_support import Factory

from portal.bureau import company_export, exports, queries
from portal.bureau.queries.filters import Filters
from portal.extensions import db
from portal.models import JurisdictionLevel, Role, User
from portal.reports import local_pool
from portal.reports.models import Report, ReportKind
from tests.portal.bureau.test_bureau_dashboard import officer, population  # noqa: F401 — the shared fixture


def _export(client: FlaskClient, **form: str) -> tuple[Report, dict[str, Any]]:
    """Ask for the export, wait for its job to end, and read its status as the status page polls it."""
    response = client.post("/bureau/companies/excel", data=form)
    assert response.status_code == 302
    assert local_pool.wait_all(timeout=120), "the export job did not end within 2 minutes"
    report = db.session.scalars(sa.select(Report).order_by(Report.id.desc())).first()
    assert report is not None and report.kind == ReportKind.EXPORT and report.assessment_id is None
    assert response.headers["Location"].endswith(f"/reports/{report.id}")
    status = client.get(f"/reports/{report.id}/status").get_json()
    assert status["status"] == "done", status
    return report, status


def _listed(client: FlaskClient, user: User, filters: Filters) -> list[dict[str, Any]]:
    """Every company the list page shows for the filters, page after page."""
    with client.application.test_request_context("/"):
        first = queries.company_list(user, filters)
        rows = list(first["companies"])
        for page in range(2, first["pages"] + 1):
            rows += queries.company_list(user, filters, page)["companies"]
    return rows


def test_the_officer_asks_follows_the_progress_and_downloads_the_list(
    population: Any,  # noqa: F811 — the fixture imported above
    make: Factory,
    login_as: LoginAs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    user = officer(make, JurisdictionLevel.PROVINCE)
    client = login_as(user)
    # a selection whose list is published (disclosure control withholds some lists: see the next test)
    chosen, listed = next(
        (f, rows)
        for f in (Filters(size_class=s) for s in ("small", "micro", "medium"))
        if len(rows := _listed(client, user, f)) > 10
    )
    size = str(queries.SIZE_NAMES[chosen.size_class or ""])
    page = client.get("/bureau/companies", query_string=chosen.as_args()).get_data(as_text=True)
    assert "导出名单（Excel）" in page

    # the progress the job commits, as another connection (the status page's) reads it, batch by batch
    monkeypatch.setattr(company_export, "BATCH", 4)
    seen: list[tuple[int, int]] = []
    real = exports.company_list_xlsx

    def watched(*args: Any) -> bytes:
        progress = args[-1]

        def observed(done: int) -> None:
            progress(done)
            with db.engine.connect() as other:
                row = other.execute(
                    sa.select(Report.progress_done, Report.progress_total).order_by(Report.id.desc())
                ).first()
            assert row is not None
            seen.append((row[0], row[1]))

        return real(*args[:-1], observed)

    monkeypatch.setattr(exports, "company_list_xlsx", watched)
    report, status = _export(client, **chosen.as_args())
    n = len(listed)
    assert seen == [(min(done, n), n) for done in range(4, n + 4, 4)]
    assert status["progress"] == {"done": n, "total": n}
    assert "已写入" in client.get(f"/reports/{report.id}").get_data(as_text=True)

    download = client.get(status["download_url"])
    assert download.status_code == 200
    assert download.mimetype == exports.XLSX_MIME
    name = unquote(download.headers["Content-Disposition"])
    assert f"广东省_{size}_企业名单_" in name and name.endswith(".xlsx")
    book = load_workbook(io.BytesIO(download.data), read_only=True)
    assert book.sheetnames == ["说明", "企业名单"]
    rows = list(book["企业名单"].iter_rows(values_only=True))
    header = ("企业", "城市", "区县", "集群", "规模", "评估月份", "成熟度")
    header += ("上云", "上平台", "5G", "工信部等级")
    assert rows[0] == header

    def words(flag: bool | None) -> str | None:
        return None if flag is None else ("是" if flag else "否")

    # the same companies, in the same order, with the same figures as the page
    assert [list(r) for r in rows[1:]] == [
        [
            c["name"],
            c["city"],
            c["district"] or None,
            c["cluster"] or None,
            c["size_class"],
            c["month"],
            c["level"],
            words(c["on_cloud"]),
            words(c["on_platform"]),
            c["fiveg"],
            c["miit_level"],
        ]
        for c in listed
    ]
    notes = [r[1] for r in book["说明"].iter_rows(values_only=True)]
    assert "仅列出同意向主管部门共享信息的企业。" in notes

    # nobody else reads it: another provincial officer, a company, a provider
    others = (officer(make, JurisdictionLevel.PROVINCE), make.user(Role.ENTERPRISE), make.user(Role.PROVIDER))
    for other in others:
        other_client = login_as(other)
        for url in (f"/reports/{report.id}", f"/reports/{report.id}/status", status["download_url"]):
            assert other_client.get(url).status_code == 404, (other.role, url)

    # in English: English sheet names, headers and file name
    client.post("/lang/en")
    english, status = _export(client, **chosen.as_args(), lang="en")
    page = client.get(f"/reports/{english.id}").get_data(as_text=True)
    assert f"{n} of {n} rows written" in page and "Download Excel" in page
    download = client.get(status["download_url"])
    assert "Guangdong" in unquote(download.headers["Content-Disposition"])
    book = load_workbook(io.BytesIO(download.data), read_only=True)
    assert book.sheetnames[1] == "Company list"
    assert next(book["Company list"].iter_rows(values_only=True))[0] == "Company"


def test_the_export_withholds_the_list_as_the_page_does(
    population: Any,  # noqa: F811 — the fixture imported above
    make: Factory,
    login_as: LoginAs,
) -> None:
    user = officer(make, JurisdictionLevel.CITY, "揭阳市")
    client = login_as(user)
    with client.application.test_request_context("/"):
        withheld = next(
            f
            for district in ("榕城区", "揭东区", "普宁市")
            for size in ("small", "micro", "medium")
            if queries.company_list(user, f := Filters(district=district, size_class=size))["withheld"]
        )
    _report, status = _export(client, **withheld.as_args())
    assert status["progress"] == {"done": 0, "total": 0}
    book = load_workbook(io.BytesIO(client.get(status["download_url"]).data), read_only=True)
    assert len(list(book["企业名单"].iter_rows(values_only=True))) == 1  # the header, nobody named
    notes = " ".join(str(r[1]) for r in book["说明"].iter_rows(values_only=True))
    assert "名单暂不显示" in notes
