"""Report pages: request a PDF (POST), its status page and JSON, download, retry, and the public verify page.

Rendering never happens here: the POST only records or reuses the job row and hands it to a queue (RQ,
or without Redis the app's own thread pool); the status poll hands over a row left `pending` (Redis was
down) or stuck (portal/reports/outbox.py).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from portal.access import public, roles
from portal.assessments.services import get_for_company
from portal.i18n import is_english as english
from portal.models import Role
from portal.providers import audit
from portal.providers.consent import can_view
from portal.reports import jobs
from portal.reports.models import Report

bp = Blueprint("reports", __name__)


def _readable(report_id: int) -> Report:
    """The report, if the current user may read it like the assessment itself (company members, or a
    provider while the company's consent for that assessment is active); 404 otherwise."""
    report = jobs.get_report(report_id)
    if report is None or not can_view(current_user, report.assessment):
        abort(404)
    return report


@bp.post("/company/assessments/<int:assessment_id>/report")
@roles(Role.ENTERPRISE)
def request_report(assessment_id: int) -> Any:
    assessment = get_for_company(current_user.company, assessment_id)
    if assessment is None:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    lang = request.form.get("lang") or ("en" if english() else "zh")
    try:
        report = jobs.request_report(assessment, lang, current_user)
    except jobs.ReportUnavailableError:
        flash(_("评估提交后才能生成 PDF 报告。"), "warning")
        return redirect(url_for("results.view", assessment_id=assessment.id))
    return redirect(url_for("reports.status_page", report_id=report.id))


@bp.get("/reports/<int:report_id>")
@roles(Role.ENTERPRISE, Role.PROVIDER)
def status_page(report_id: int) -> Any:
    report = jobs.revive(_readable(report_id))
    return render_template(
        "reports/status.html", report=report, status=jobs.status_of(report), form=FlaskForm()
    )


@bp.get("/reports/<int:report_id>/status")
@roles(Role.ENTERPRISE, Role.PROVIDER)
def status_json(report_id: int) -> Any:
    report = jobs.revive(_readable(report_id))
    body = jobs.status_of(report)
    body["download_url"] = (
        url_for("reports.download", report_id=report.id) if body["status"] == "done" else None
    )
    return jsonify(body)


@bp.get("/reports/<int:report_id>/download")
@roles(Role.ENTERPRISE, Role.PROVIDER)
def download(report_id: int) -> Any:
    report = _readable(report_id)
    data = jobs.pdf_bytes(report) if report.status.value == "done" else None
    if data is None:
        abort(404)
    audit.record(current_user, report.assessment, "download_report")  # outsiders' reads are audited
    filename = f"{report.report_no}.pdf"
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/reports/<int:report_id>/retry")
@roles(Role.ENTERPRISE)
def retry(report_id: int) -> Any:
    report = _readable(report_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    jobs.retry(report)
    return redirect(url_for("reports.status_page", report_id=report.id))


@bp.get("/verify/<code>")
@public
def verify(code: str) -> Any:
    report = jobs.by_code(code)
    if report is None:
        return render_template("reports/verify.html", report=None, summary=None, code=code), 404
    return render_template("reports/verify.html", report=report, summary=report.summary or {}, code=code)
