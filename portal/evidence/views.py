"""Upload, download and delete evidence files of an assessment."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from flask import Blueprint, abort, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from portal.access import roles
from portal.assessments.services import get_for_company
from portal.evidence import services
from portal.models import Assessment, Role

bp = Blueprint("evidence", __name__)


def _own(assessment_id: int) -> Assessment:
    assessment = get_for_company(current_user.company, assessment_id)
    if assessment is None:
        abort(404)
    return assessment


def _back(assessment: Assessment, item_id: str) -> Any:
    instrument_module = request.form.get("module_id", "")
    anchor = "#item-" + item_id.replace(".", "-")
    return redirect(
        url_for("assessments.module", assessment_id=assessment.id, module_id=instrument_module) + anchor
    )


@bp.post("/<int:assessment_id>/evidence")
@roles(Role.ENTERPRISE)
def upload(assessment_id: int) -> Any:
    assessment = _own(assessment_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    item_id = request.form.get("item_id", "")
    sent = request.files.get("file")
    try:
        if sent is None or not sent.filename:
            raise services.EvidenceError(400, _l("请选择要上传的文件。"))
        row = services.add(assessment, item_id, services.Upload(sent.filename, sent.read()), current_user)
    except services.EvidenceError as error:
        flash(error.text(), "error")
    else:
        usage = services.usage_text(assessment.company_id)
        done = _("已上传：%(name)s（%(usage)s）", name=row.filename, usage=usage)
        flash(done, "success")
    return _back(assessment, item_id)


@bp.get("/<int:assessment_id>/evidence/<int:file_id>")
@roles(Role.ENTERPRISE)
def download(assessment_id: int, file_id: int) -> Any:
    row = services.get(_own(assessment_id), file_id)
    if row is None:
        abort(404)
    response = send_file(
        BytesIO(row.data), mimetype=row.content_type, as_attachment=True, download_name=row.filename
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.post("/<int:assessment_id>/evidence/<int:file_id>/delete")
@roles(Role.ENTERPRISE)
def delete(assessment_id: int, file_id: int) -> Any:
    assessment = _own(assessment_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    row = services.get(assessment, file_id)
    item_id = row.item_id if row else ""
    try:
        services.delete(assessment, file_id)
    except services.EvidenceError as error:
        if error.status == 404:
            abort(404)
        flash(error.text(), "error")
    return _back(assessment, item_id)
