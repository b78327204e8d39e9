"""Enterprise assessment pages: list and start, module-by-module answering, assignments, review, submit."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

import questionnaires
from portal.access import roles
from portal.assessments import services
from portal.assessments.access import assessment_for
from portal.assessments.forms import VERSION_PREFIX, build_module_form, english, submitted_value, text
from portal.companies.services import members
from portal.models import Assessment, Role

bp = Blueprint("assessments", __name__)


def _own(assessment_id: int, write: bool = False) -> Assessment:
    """Members of the company; provider users under an active consent (assist for `write`); else 404."""
    assessment = assessment_for(current_user, assessment_id, write=write)
    if assessment is None:
        abort(404)
    return assessment


def _message(error: services.AssessmentError) -> str:
    return error.message_en if english() else error.message_zh


@bp.get("/")
@roles(Role.ENTERPRISE)
def index() -> Any:
    company = current_user.company
    history = services.company_assessments(company)
    progress = {a.id: _progress(a) for a in history}
    return render_template(
        "assessments/index.html",
        instruments=services.available_instruments(),
        history=history,
        progress=progress,
        start_form=FlaskForm(),
        text=text,
    )


@bp.post("/start")
@roles(Role.ENTERPRISE)
def start() -> Any:
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        assessment = services.start(current_user.company, request.form.get("instrument_id", ""), current_user)
    except services.AssessmentError as error:
        flash(_message(error), "error")
        return redirect(url_for("assessments.index"))
    return redirect(url_for("assessments.overview", assessment_id=assessment.id))


def _progress(assessment: Assessment) -> questionnaires.Progress:
    return questionnaires.progress(
        services.instrument_of(assessment), assessment.answer_map(), assessment.company.cluster
    )


@bp.get("/<int:assessment_id>")
@roles(Role.ENTERPRISE, Role.PROVIDER)
def overview(assessment_id: int) -> Any:
    assessment = _own(assessment_id)
    instrument = services.instrument_of(assessment)
    return render_template(
        "assessments/overview.html",
        assessment=assessment,
        instrument=instrument,
        progress=_progress(assessment),
        assignments=services.assignments(assessment),
        members=members(assessment.company),
        resume=services.resume_point(assessment, current_user),
        assign_form=FlaskForm(),
        text=text,
    )


@bp.route("/<int:assessment_id>/modules/<module_id>", methods=["GET", "POST"])
@roles(Role.ENTERPRISE, Role.PROVIDER)
def module(assessment_id: int, module_id: str) -> Any:
    assessment = _own(assessment_id, write=True)  # providers: assist-mode consent only
    instrument = services.instrument_of(assessment)
    module_def = next((m for m in instrument.modules if m.id == module_id), None)
    cluster = assessment.company.cluster
    if module_def is None or not questionnaires.module_visible(module_def, cluster):
        abort(404)
    answers = assessment.answer_map()
    built = build_module_form(
        instrument, module_def, answers, cluster, formdata=request.form if request.method == "POST" else None
    )
    state = services.answer_state(assessment)
    errors: list[str] = []
    if request.method == "POST":
        if not FlaskForm().validate_on_submit():  # CSRF
            abort(400)
        changes = []
        for item in built.items:
            value = submitted_value(item, built.form)
            version = request.form.get(VERSION_PREFIX + item.id, type=int)
            if value is None and item.id not in state:
                continue  # nothing typed, nothing stored: no change
            changes.append(services.Change(item.id, value, version))
        try:
            result = services.save_answers(assessment, changes, current_user) if changes else None
        except services.AssessmentError as error:
            errors.append(_message(error))
            if error.field and error.field in built.form:
                built.form[error.field].errors = [_message(error)]
        else:
            if result and result.conflicts:
                for conflict in result.conflicts:
                    built.form[conflict.item_id].errors = [
                        _(
                            "%(who)s 已将此题改为：%(value)s。您的答案未保存，请确认后重新填写。",
                            who=conflict.updated_by or _("同事"),
                            value=conflict.current_value,
                        )
                    ]
                errors.append(
                    _(
                        "有 %(n)s 道题被同事同时修改，您的答案未覆盖对方的答案，请核对。",
                        n=len(result.conflicts),
                    )
                )
            else:
                flash(_("已保存。"), "success")
                services.remember_position(assessment, current_user, module_id)
                target = request.form.get("next_module")
                if target:
                    return redirect(
                        url_for("assessments.module", assessment_id=assessment.id, module_id=target)
                    )
                return redirect(
                    url_for("assessments.module", assessment_id=assessment.id, module_id=module_id)
                )
        state = services.answer_state(assessment)
    else:
        services.remember_position(assessment, current_user, module_id)
    visible = {i.id for i in questionnaires.visible_items(instrument, assessment.answer_map(), cluster)}
    modules = [m for m in instrument.modules if questionnaires.module_visible(m, cluster)]
    index = [m.id for m in modules].index(module_id)
    return render_template(
        "assessments/module.html",
        assessment=assessment,
        instrument=instrument,
        module=module_def,
        built=built,
        state=state,
        visible=visible,
        errors=errors,
        progress=_progress(assessment),
        previous=modules[index - 1] if index > 0 else None,
        following=modules[index + 1] if index + 1 < len(modules) else None,
        text=text,
        version_prefix=VERSION_PREFIX,
    ), (422 if errors else 200)


@bp.post("/<int:assessment_id>/assignments")
@roles(Role.ENTERPRISE, company_admin=True)
def assign(assessment_id: int) -> Any:
    assessment = _own(assessment_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    user_ids = [int(v) for v in request.form.getlist("user_id") if v.isdigit()]
    try:
        services.set_assignments(assessment, request.form.get("module_id", ""), user_ids)
    except services.AssessmentError as error:
        flash(_message(error), "error")
    else:
        flash(_("分工已更新。"), "success")
    return redirect(url_for("assessments.overview", assessment_id=assessment.id))


@bp.get("/<int:assessment_id>/review")
@roles(Role.ENTERPRISE, Role.PROVIDER)
def review(assessment_id: int) -> Any:
    assessment = _own(assessment_id)
    instrument = services.instrument_of(assessment)
    return render_template(
        "assessments/review.html",
        assessment=assessment,
        instrument=instrument,
        missing=services.missing_required(assessment),
        progress=_progress(assessment),
        attestation=services.ATTESTATION_ZH,
        form=FlaskForm(),
        text=text,
    )


@bp.post("/<int:assessment_id>/submit")
@roles(Role.ENTERPRISE, company_admin=True)
def submit(assessment_id: int) -> Any:
    assessment = _own(assessment_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        services.submit(assessment, current_user, attested=request.form.get("attest") == "y")
    except services.AssessmentError as error:
        flash(_message(error), "error")
        return redirect(url_for("assessments.review", assessment_id=assessment.id))
    flash(_("评估已提交。答案已锁定，您可以随时开始新一轮评估并与本次对比。"), "success")
    return redirect(url_for("assessments.overview", assessment_id=assessment.id))
