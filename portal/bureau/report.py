"""A bureau's jurisdiction report ("生成辖区报告"): a PDF of what the officer's dashboard publishes for the
chosen filters and period — headline figures (上云上平台 by kind), maturity, MIIT level and 5G
distributions, the pilot-city target (self-reported and confirmed, in a pilot city), the breakdowns by
area, cluster and size, the monthly trend, the programme pipeline and the plan targets with reported and
measured values — with charts.

Same machinery as a company's report: a `Report` row (kind `jurisdiction`, recorded by
`portal.reports.jobs.request_jurisdiction_report`) handed to the job queue (RQ, or the app's own thread
pool without Redis), the same status page and download, WeasyPrint with the report stylesheet,
PDF/A-3u, tagged. Same disclosure control as the dashboard: every figure comes from `queries.summary`,
the pilot page's figures and `targets.targets_table`, which publish only perturbed counts and "<5";
the PDF adds no figure of its own.
"""

from __future__ import annotations

import base64
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup

from portal.bureau import charts, exports, pilot_views, queries, targets
from portal.extensions import db
from portal.i18n import html_lang_of
from portal.models import Role, User
from portal.models._common import utcnow
from portal.reports.models import OFFICER_KINDS, Report
from portal.results.format import LOCAL_TZ
from portal.results.view import locale_of

# Which tables the report prints, in order (keys of queries.summary); charts drawn beside three of them.
TABLES = (
    "headline",
    "levels",
    "miit_levels",
    "pilot",
    "fiveg",
    "geo",
    "by_cluster",
    "by_size_class",
    "trend_month",
    "programs",
)
CHARTS = {"levels": "distribution", "miit_levels": "distribution", "trend_month": "trend"}


class JurisdictionReportError(RuntimeError):
    """The report or export cannot be made (its officer no longer exists or is no longer a bureau officer)."""


def readable_by(report: Report, user: Any) -> bool:
    """Only the officer who asked for it: a jurisdiction report or an export holds that officer's
    jurisdiction's figures."""
    return report.kind in OFFICER_KINDS and user.is_authenticated and user.id == report.requested_by_id


def officer_of(report: Report) -> User:
    """The officer who asked for the report or export: its figures are read with that officer's scope."""
    officer = db.session.get(User, report.requested_by_id) if report.requested_by_id else None
    if officer is None or officer.role is not Role.BUREAU:
        raise JurisdictionReportError("the officer who asked for this report is no longer a bureau officer")
    return officer


def _svg_img(spec: dict[str, Any], alt: str) -> Markup:
    from portal.reports.pdf import figure_svg

    svg = figure_svg(spec, 640, int(spec.get("layout", {}).get("height") or 320))
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
    return Markup('<img class="chart" alt="{}" src="{}">').format(alt, uri)


def context(report: Report) -> dict[str, Any]:
    """What the template prints, read under the report's language (call inside force_locale)."""
    officer = officer_of(report)
    filters = queries.parse_filters(request_args(report), officer)
    tables = queries.summary(officer, filters)
    tables["geo"] = tables.get("by_city") or tables["by_district"]
    pilot = pilot_views.as_table(pilot_views.page_for(officer))
    if pilot is not None:
        tables["pilot"] = pilot
    printed = [tables[key] for key in TABLES if key in tables]
    figures = {
        key: _svg_img(getattr(charts, kind)(tables[key]), tables[key].title) for key, kind in CHARTS.items()
    }
    generated = (report.started_at or utcnow()).astimezone(LOCAL_TZ)
    return {
        "scope": queries.jurisdiction_name(officer),
        "filters": exports.describe_filters(filters.as_args()),
        "tables": printed,
        "charts": figures,
        "targets": targets.targets_table(officer),
        "counting_rule": queries.counting_rule(),
        "report_no": report.report_no,
        "generated_at": generated.strftime("%Y-%m-%d %H:%M"),
        "lang": report.lang,
    }


def render(report: Report) -> tuple[bytes, int]:
    """The PDF and its page count."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from portal.reports.pdf import (
        STATIC_URL,
        collector_paused,
        environment,
        report_stylesheet,
        static_only_fetcher,
        write_pdf,
    )

    with force_locale(locale_of(report.lang)):
        page = context(report)
        html_lang = html_lang_of(report.lang)
        html = environment().get_template("jurisdiction.html").render(c=page, html_lang=html_lang)
    with collector_paused():  # as the company report: layout and writing without collector passes
        document = HTML(string=html, base_url=STATIC_URL, url_fetcher=static_only_fetcher()).render(
            stylesheets=[report_stylesheet()], font_config=FontConfiguration()
        )
        return write_pdf(document), len(document.pages)


def file_name(report: Report, officer: User) -> str:
    """Named as the exports are, in the report's language: 揭阳市_小型_辖区报告_2026-12-07.pdf."""
    with force_locale(locale_of(report.lang)):
        scope = queries.jurisdiction_name(officer)
        return exports.filename(scope, request_args(report), "pdf", title=_("辖区报告"))


def request_args(report: Report) -> dict[str, str]:
    """The filters the report was asked for, as a query string would give them."""
    stored = (report.params or {}).get("filters")
    return {str(k): str(v) for k, v in stored.items()} if isinstance(stored, dict) else {}
