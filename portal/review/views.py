"""Routes of the review: bureaus appoint assessors; appointed assessors review submitted MIIT assessments.

Access: the appointment pages are for bureau officers (their own bureau's appointments only), the review
pages for provider users, and inside them only for assessments the user's active appointments cover
(others: 404, like any other object that is not yours).
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

import questionnaires
from portal.access import roles
from portal.bureau.queries.labels import MIIT_NAMES, city_name, district_name, jurisdiction_name
from portal.errors import PortalError
from portal.evidence.models import EvidenceFile
from portal.extensions import db
from portal.i18n import is_english
from portal.inputs import ascii_int
from portal.instruments import instrument_of
from portal.models import Assessment, Role
from portal.providers import audit as outsider_audit
from portal.results.answers import AnswerText
from portal.results.format import Picker, local_time
from portal.review import decisions, services
from portal.review.models import AssessmentReview, Decision
from questionnaires import Item

bp = Blueprint("review", __name__)


# ---------------------------------------------------------------------------------- bureau: appointments


@bp.get("/bureau/assessors")
@roles(Role.BUREAU)
def assessors() -> Any:
    return render_template(
        "review/assessors.html",
        appointments=services.bureau_appointments(current_user),
        scope=jurisdiction_name(current_user),
        local_time=local_time,
    )


@bp.post("/bureau/assessors")
@roles(Role.BUREAU)
def appoint() -> Any:
    try:
        appointment = services.appoint(current_user, request.form.get("email", ""))
    except PortalError as error:
        flash(error.text(), "error")
    else:
        flash(_("已任命 %(name)s 为核查员。", name=appointment.user.name), "success")
    return redirect(url_for("review.assessors"))


@bp.post("/bureau/assessors/<int:appointment_id>/revoke")
@roles(Role.BUREAU)
def revoke(appointment_id: int) -> Any:
    try:
        services.revoke(current_user, appointment_id)
    except LookupError:
        abort(404)
    flash(_("已撤销核查员任命。"), "success")
    return redirect(url_for("review.assessors"))


# ---------------------------------------------------------------------------------- assessor: reviews


@bp.get("/provider/reviews/")
@roles(Role.PROVIDER)
def queue() -> Any:
    return render_template(
        "review/queue.html",
        appointments=services.active_appointments(current_user),
        rows=services.queue(current_user),
        local_time=local_time,
        jurisdiction_name=jurisdiction_name,
        city_name=city_name,
        district_name=district_name,
    )


def _assessment(assessment_id: int) -> Assessment:
    try:
        return services.reviewable_assessment(current_user, assessment_id)
    except LookupError:
        abort(404)


def _proposals(form: MultiDict[str, str], items: list[decisions.ItemUnderReview]) -> list[decisions.Proposal]:
    """The posted decision, corrected answer and comment of each item (names d-, v-, c- + item id)."""
    proposals = []
    for row in items:
        item = row.item
        value: Any
        if item.type == "multi":
            value = form.getlist(f"v-{item.id}")
        elif item.type == "scenario_level":
            value = ascii_int(form.get(f"v-{item.id}", ""), 0, len(item.ladder))
        else:
            value = form.get(f"v-{item.id}")
        proposals.append(
            decisions.Proposal(
                item.id,
                form.get(f"d-{item.id}", ""),
                value,
                form.get(f"c-{item.id}", "")[: decisions.COMMENT_MAX],
            )
        )
    return proposals


def _render(assessment: Assessment, review: AssessmentReview, status: int = 200, error_item: str = "") -> Any:
    instrument = instrument_of(assessment)
    pick = Picker("en" if is_english() else "zh")
    items = decisions.items_under_review(assessment, review)
    modules = {m.id: pick(m.title_zh, m.title_en) for m in instrument.modules}
    return (
        render_template(
            "review/review.html",
            assessment=assessment,
            review=review,
            items=items,
            modules=modules,
            pick=pick,
            answer_text=AnswerText(instrument, pick),
            posted=request.form if request.method == "POST" else MultiDict(),
            error_item=error_item,
            undecided=sum(1 for row in items if row.decision is None),
            decisions=Decision,
            local_time=local_time,
            colon=": " if is_english() else "：",
            ladder=_ladder,
            level_name=lambda n: str(MIIT_NAMES.get(n, "—")),
            value_of=questionnaires.answer_value,
            evidence_of=questionnaires.answer_evidence,
        ),
        status,
    )


def _ladder(item: Item, pick: Picker) -> list[tuple[int, str]]:
    return [(0, _("未达到L1"))] + [
        (s.level, f"L{s.level}：{pick(s.text_zh, s.text_en)}") for s in item.ladder
    ]


@bp.get("/provider/reviews/<int:assessment_id>")
@roles(Role.PROVIDER)
def review_page(assessment_id: int) -> Any:
    assessment = _assessment(assessment_id)
    try:
        review = services.open_review(current_user, assessment)
    except PortalError as error:
        flash(error.text(), "error")
        return redirect(url_for("review.queue"))
    outsider_audit.record(current_user, assessment, "view_review", _("现场核查"))
    return _render(assessment, review)


@bp.post("/provider/reviews/<int:assessment_id>")
@roles(Role.PROVIDER)
def save(assessment_id: int) -> Any:
    assessment = _assessment(assessment_id)
    review = services.review_of(assessment.id)
    if review is None or review.assessor_id != current_user.id:
        abort(404)
    items = decisions.items_under_review(assessment, review)
    try:
        signing = request.form.get("action") == "sign_off"
        # signing off: the decisions and the sign-off in one transaction (a refused sign-off saves nothing)
        decisions.record(
            current_user, assessment, review, _proposals(request.form, items), commit=not signing
        )
        if signing:
            decisions.sign_off(current_user, assessment, review)
            flash(_("已签字确认，确认等级已生成。"), "success")
            return redirect(url_for("review.review_page", assessment_id=assessment.id))
    except PortalError as error:
        db.session.rollback()
        flash(error.text(), "error")
        return _render(assessment, review, 422, error.field or "")
    flash(_("核查意见已保存。"), "success")
    return redirect(url_for("review.review_page", assessment_id=assessment.id))


@bp.get("/provider/reviews/<int:assessment_id>/evidence/<int:file_id>")
@roles(Role.PROVIDER)
def evidence(assessment_id: int, file_id: int) -> Any:
    assessment = _assessment(assessment_id)
    row = db.session.get(EvidenceFile, file_id)
    if row is None or row.assessment_id != assessment.id:
        abort(404)
    outsider_audit.record(current_user, assessment, "view_review", row.filename)
    response = send_file(
        BytesIO(row.data), mimetype=row.content_type, as_attachment=True, download_name=row.filename
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
