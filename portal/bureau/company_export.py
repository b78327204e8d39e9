"""A bureau's company list as an Excel file, made by the job queue with its progress shown.

A province's list runs to hundreds of thousands of companies: too long to write inside a request. The
officer asks for it on the company list page ("导出 Excel"); the request records a `Report` row of kind
`export` (`portal.reports.jobs.request_officer_job`, the filters as the page reads them) and hands it to
the same queue as the PDF reports (RQ, or the app's own thread pool without Redis); the report status
page follows it — rows written of the total — and offers the file when done, to that officer only.

Same list and disclosure rule as the page and the CSV: the consenting companies of the selection, in
name order, withheld (the file then says so and lists nobody) when `disclosure.list_withheld` says so.
The rows are read a batch at a time (`queries.company_batches`) and written by openpyxl in write-only
mode, so the job's memory stays flat whatever the list's length.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import force_locale
from flask_babel import gettext as _

from portal.bureau import exports, queries
from portal.bureau.report import officer_of, request_args
from portal.models import User
from portal.reports.models import Report
from portal.results.view import locale_of

BATCH = 1000  # rows read, written and counted at a time (one progress update each)


def write(report: Report, progress: Callable[[int, int], None]) -> bytes:
    """The workbook in the report's language; `progress(rows written, rows in all)` as it goes."""
    officer = officer_of(report)
    args = request_args(report)
    with force_locale(locale_of(report.lang)):
        filters = queries.parse_filters(args, officer)
        withheld, total, batches = queries.company_batches(officer, filters, BATCH)
        progress(0, total)
        return exports.company_list_xlsx(
            batches,
            withheld,
            queries.jurisdiction_name(officer),
            filters.as_args(),
            lambda done: progress(done, total),
        )


def file_name(report: Report, officer: User) -> str:
    """Named as the other exports are, in the export's language: 揭阳市_小型_企业名单_2026-12-07.xlsx."""
    with force_locale(locale_of(report.lang)):
        scope = queries.jurisdiction_name(officer)
        return exports.filename(scope, request_args(report), "xlsx", title=_("企业名单"))
