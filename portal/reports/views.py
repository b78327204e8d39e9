"""Report pages: request a PDF (POST), its status page and JSON, download, retry, and the public verify page;
a bureau's company-list Excel export goes the same way (POST, status page with progress, download).

Rendering never happens here: the POST only records or reuses the job row and hands it to a queue (RQ,
or without Redis the app's own thread pool); the status poll hands over a row left `pending` (Redis was
down) or stuck (portal/reports/outbox.py).
"""

from __future__ import annotations

import re
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired

from portal.access import public, roles
from portal.assessments.services import get_for_company
from portal.bureau import company_export as bureau_export
from portal.bureau import report as bureau_report
from portal.bureau.exports import XLSX_MIME, content_disposition
from portal.extensions import limiter
from portal.i18n import is_english as english
from portal.models import Role
from portal.providers import audit
from portal.providers.consent import can_view
from portal.reports import jobs
from portal.reports.models import Report, ReportKind

bp = Blueprint("reports", __name__)
_FILTER_ARGS = ("city", "district", "cluster", "size_class", "from", "to")  # the dashboard's filters


def _readable(report_id: int) -> Report:
    """The report, if the current user may read it: an assessment's report like the assessment itself
    (company members, or a provider while the company's consent for that assessment is active); a
    jurisdiction report only by the officer who asked for it. 404 otherwise."""
    report = jobs.get_report(report_id)
    if report is None:
        abort(404)
    if report.assessment is None:
        if not bureau_report.readable_by(report, current_user):
            abort(404)
    elif not can_view(current_user, report.assessment):
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


@bp.post("/bureau/report")
@roles(Role.BUREAU)
def jurisdiction_report() -> Any:
    """ "生成辖区报告" on the dashboard: recorded and handed to the queue; the status page follows it."""
    return _officer_job(ReportKind.JURISDICTION)


@bp.post("/bureau/companies/excel")
@roles(Role.BUREAU)
def company_export() -> Any:
    """ "导出 Excel" on the company list: written by the job queue; the status page shows its progress."""
    return _officer_job(ReportKind.EXPORT)


def _officer_job(kind: ReportKind) -> Any:
    if not FlaskForm().validate_on_submit():
        abort(400)
    args = {k: v for k, v in request.form.items() if k in _FILTER_ARGS}
    lang = request.form.get("lang") or ("en" if english() else "zh")
    report = jobs.request_officer_job(current_user, kind, args, lang)
    return redirect(url_for("reports.status_page", report_id=report.id))


@bp.get("/reports/<int:report_id>")
@roles(Role.ENTERPRISE, Role.PROVIDER, Role.BUREAU)
def status_page(report_id: int) -> Any:
    report = jobs.revive(_readable(report_id))
    return render_template(
        "reports/status.html", report=report, status=jobs.status_of(report), form=FlaskForm()
    )


@bp.get("/reports/<int:report_id>/status")
@roles(Role.ENTERPRISE, Role.PROVIDER, Role.BUREAU)
def status_json(report_id: int) -> Any:
    report = jobs.revive(_readable(report_id))
    body = jobs.status_of(report)
    body["download_url"] = (
        url_for("reports.download", report_id=report.id) if body["status"] == "done" else None
    )
    return jsonify(body)


@bp.get("/reports/<int:report_id>/download")
@roles(Role.ENTERPRISE, Role.PROVIDER, Role.BUREAU)
def download(report_id: int) -> Any:
    report = _readable(report_id)
    data = jobs.pdf_bytes(report) if report.status.value == "done" else None
    if data is None:
        abort(404)
    if report.kind == ReportKind.EXPORT:  # a bureau's company list
        response = Response(data, mimetype=XLSX_MIME)
        name = bureau_export.file_name(report, current_user)
        response.headers["Content-Disposition"] = content_disposition(name)
    elif report.assessment is not None:
        response = Response(data, mimetype="application/pdf")
        audit.record(current_user, report.assessment, "download_report")  # outsiders' reads are audited
        response.headers["Content-Disposition"] = f'attachment; filename="{report.report_no}.pdf"'
    else:  # a bureau's jurisdiction report
        response = Response(data, mimetype="application/pdf")
        name = bureau_report.file_name(report, current_user)
        response.headers["Content-Disposition"] = content_disposition(name)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/reports/<int:report_id>/retry")
@roles(Role.ENTERPRISE, Role.BUREAU)
def retry(report_id: int) -> Any:
    report = _readable(report_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    jobs.retry(report)
    return redirect(url_for("reports.status_page", report_id=report.id))


_CODE = re.compile(r"[A-Z2-7]{16}")  # 16 base32 characters, grouped 4-4-4-4 on the report


def normalised_code(entered: str) -> str | None:
    """The code as printed (XXXX-XXXX-XXXX-XXXX) from what was typed (any case, spaces or dashes), or None
    when it cannot be a verification code."""
    bare = re.sub(r"[\s\-－—_]", "", entered).upper()
    if not _CODE.fullmatch(bare):
        return None
    return "-".join(bare[i : i + 4] for i in range(0, 16, 4))


def _verify_limit() -> str:
    return str(current_app.config["VERIFY_LIMIT_ADDRESS"])


class VerifyForm(FlaskForm):
    code = StringField(
        _l("核验码"),
        validators=[DataRequired(_l("请输入报告上的核验码。"))],
        description=_l("见报告封面右下方，如 ABCD-EFGH-JKLM-NPQR（不区分大小写）。"),
    )
    submit = SubmitField(_l("核验"))


@bp.route("/verify", methods=["GET", "POST"])
@public
@limiter.limit(_verify_limit, methods=["POST"])
def verify_form() -> Any:
    """Where a bank or bureau types the code printed on a report; a known code leads to its verify page."""
    form = VerifyForm()
    if form.validate_on_submit():
        code = normalised_code(form.code.data or "")
        if code is None:
            form.code.errors.append(_("核验码格式不正确：应为 16 位字母和数字，如 ABCD-EFGH-JKLM-NPQR。"))
        elif jobs.by_code(code) is None:
            form.code.errors.append(_("没有与该核验码对应的报告。请核对核验码（报告封面右下方）。"))
        else:
            return redirect(url_for("reports.verify", code=code))
    status = 200 if not form.errors else 400
    return render_template("reports/verify_form.html", form=form), status


@bp.get("/verify/<code>")
@public
@limiter.limit(_verify_limit)
def verify(code: str) -> Any:
    report = jobs.by_code(code)
    if report is None:
        return render_template("reports/verify.html", report=None, summary=None, code=code), 404
    return render_template("reports/verify.html", report=report, summary=report.summary or {}, code=code)
