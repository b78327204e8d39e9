"""Enterprise assessment pages: list and start, module-by-module answering, assignments, review, submit."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

import questionnaires
from portal.access import roles
from portal.assessments import carry, consistency, page, prefill, rounds, saving, services, stored
from portal.assessments.access import PageAssessment, assessment_for, page_assessment_for
from portal.assessments.completion import completion
from portal.assessments.forms import (
    EVIDENCE_SEP,
    VERSION_PREFIX,
    build_module_form,
    module_items,
    read_plan,
    stored_form_values,
    submitted_value,
)
from portal.assessments.summary import answer_summary
from portal.companies.services import members
from portal.errors import PortalError
from portal.evidence.services import files_by_item
from portal.i18n import localized
from portal.inputs import MAX_DB_ID, ascii_int
from portal.instruments import available_instruments, instrument_of
from portal.models import Assessment, Role
from questionnaires import help as qhelp

bp = Blueprint("assessments", __name__)
bp.add_app_template_filter(rounds.round_name, "round_name")
bp.add_app_template_filter(rounds.round_label, "round_label")
bp.add_app_template_filter(rounds.instrument_title, "instrument_title")


def _own(assessment_id: int, write: bool = False) -> Assessment:
    """Members of the company; provider users under an active consent (assist for `write`); else 404."""
    assessment = assessment_for(current_user, assessment_id, write=write)
    if assessment is None:
        abort(404)
    return assessment


@bp.get("/")
@roles(Role.ENTERPRISE)
def index() -> Any:
    company = current_user.company
    history = services.company_assessments(company)
    progress = completion(history)
    return render_template(
        "assessments/index.html",
        instruments=available_instruments(),
        history=history,
        progress=progress,
        start_form=FlaskForm(),
        previous={
            inst.id: carry.previous_round(company, inst.id)
            for inst in available_instruments()
            if current_user.is_company_admin
        },
    )


@bp.post("/start")
@roles(Role.ENTERPRISE)
def start() -> Any:
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        assessment = services.start(current_user.company, request.form.get("instrument_id", ""), current_user)
    except PortalError as error:
        flash(error.text(), "error")
        return redirect(url_for("assessments.index"))
    return redirect(url_for("assessments.overview", assessment_id=assessment.id))


@bp.post("/start-from-previous")
@roles(Role.ENTERPRISE, company_admin=True)
def start_from_previous() -> Any:
    """A new round pre-filled from the latest submitted one of the same instrument."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        assessment = carry.start_from_previous(
            current_user.company, request.form.get("instrument_id", ""), current_user
        )
    except PortalError as error:
        flash(error.text(), "error")
        return redirect(url_for("assessments.index"))
    flash(_("已沿用上一轮的回答，请逐个模块核对，有变化的地方直接修改。"), "success")
    return redirect(url_for("assessments.overview", assessment_id=assessment.id))


def _progress(assessment: Assessment) -> questionnaires.Progress:
    return questionnaires.progress(
        instrument_of(assessment), assessment.answer_map(), assessment.company.cluster
    )


@bp.get("/<int:assessment_id>")
@roles(Role.ENTERPRISE, Role.PROVIDER)
def overview(assessment_id: int) -> Any:
    assessment = _own(assessment_id)
    instrument = instrument_of(assessment)
    progress = _progress(assessment)
    cluster = assessment.company.cluster
    minutes = {
        row.module_id: qhelp.module_minutes(instrument.module(row.module_id), cluster)
        for row in progress.modules
    }
    return render_template(
        "assessments/overview.html",
        assessment=assessment,
        instrument=instrument,
        progress=progress,
        minutes=minutes,
        assignment_rows=services.assignment_rows(assessment),
        members=members(assessment.company),
        due_range=services.due_range(),
        resume=services.resume_point(assessment, current_user),
        assign_form=FlaskForm(),
        carried=carry.report(assessment),
    )


@bp.route("/<int:assessment_id>/modules/<module_id>", methods=["GET", "POST"])
@roles(Role.ENTERPRISE, Role.PROVIDER)
def module(assessment_id: int, module_id: str) -> Any:
    assessment = page_assessment_for(current_user, assessment_id)  # providers: assist-mode consent only
    if assessment is None:
        abort(404)
    saving.remember(assessment)  # this user may write it: its saves by this worker can take the fast path
    instrument = assessment.instrument()
    module_def = next((m for m in instrument.modules if m.id == module_id), None)
    cluster = assessment.cluster
    if module_def is None or not questionnaires.module_visible(module_def, cluster):
        abort(404)
    answers = assessment.answers
    if request.method == "GET":
        services.remember_position(assessment, current_user, module_id, assessment.viewer_module)
        return _module_page(assessment, answers, instrument, module_def, None, [])
    # Saving without JavaScript: the whole module at once. Values are read with WTForms; on failure the
    # page shows what was typed, with the messages next to the items.
    if not FlaskForm().validate_on_submit():  # CSRF
        abort(400)
    built = build_module_form(instrument, module_def, stored.values(answers), cluster, formdata=request.form)
    changes = []
    for item in built.items:
        value = submitted_value(item, built.form)
        version = ascii_int(request.form.get(VERSION_PREFIX + item.id), 0, MAX_DB_ID)
        if value is None and item.id not in answers:
            continue  # nothing typed, nothing stored: no change
        changes.append(saving.Change(item.id, value, version))
    errors: list[str] = []
    field_errors: dict[str, list[str]] = {}
    result = None
    try:
        result = saving.save(assessment.id, changes, current_user) if changes else None
    except PortalError as error:
        errors.append(error.text())
        if error.field:
            field_errors[error.field] = [error.text()]
    else:
        if not (result and result.conflicts):
            flash(_("已保存。"), "success")
            services.remember_position(assessment, current_user, module_id, assessment.viewer_module)
            target = request.form.get("next_module") or module_id
            return redirect(url_for("assessments.module", assessment_id=assessment.id, module_id=target))
        for conflict in result.conflicts:
            field_errors[conflict.item_id] = [
                _(
                    "%(who)s 已将此题改为：%(value)s。您的答案未保存，请确认后重新填写。",
                    who=conflict.updated_by or _("同事"),
                    value=conflict.current_value,
                )
            ]
        errors.append(
            _("有 %(n)s 道题被同事同时修改，您的答案未覆盖对方的答案，请核对。", n=len(result.conflicts))
        )
    typed = {name: f.data for name, f in built.form._fields.items()}
    if result is not None:  # some answers were saved: show the versions as they are now
        answers = stored.read(assessment.id)
    return _module_page(assessment, answers, instrument, module_def, (typed, field_errors), errors), 422


def _carried_notice(carried: carry.CarryReport | None, items: list[questionnaires.Item]) -> list[str]:
    """ "N questions here still carry the previous round's answers: check them" (rounds started from one)."""
    unchanged = [i for i in items if carried is not None and i.id in carried.carried]
    if carried is None or not unchanged:
        return []
    return [
        _(
            "本模块有 %(n)s 道题沿用上一轮的回答（%(round)s），尚未修改：%(items)s。"
            "请逐题核对，有变化的直接修改。",
            n=len(unchanged),
            round=rounds.round_name(carried.previous),
            items="；".join(localized(i, "text")[:30] for i in unchanged),
        )
    ]


def _module_page(
    assessment: PageAssessment,
    answers: stored.StoredAnswers,
    instrument: questionnaires.Instrument,
    module_def: questionnaires.Module,
    typed: tuple[dict[str, Any], dict[str, list[str]]] | None,
    errors: list[str],
) -> str:
    """The module page; `typed` = (values, messages per field) after a failed save, else stored answers."""
    cluster = assessment.cluster
    values = stored.values(answers)
    items = module_items(module_def, cluster)
    carried = None if assessment.locked else carry.report_for(assessment.id)
    files = files_by_item(assessment) if assessment.evidence_count else {}
    progress = questionnaires.progress(instrument, values, cluster)
    # facts the company gave elsewhere, offered in empty fields (not after a failed save: what was typed)
    offered = (
        {}
        if assessment.locked or typed
        else prefill.suggestions(instrument, assessment.company_id, items, values)
    )
    shown = typed[0] if typed else stored_form_values(items, values)
    items_view = page.ItemsView(
        items=items,
        values={**shown, **{name: s.value for name, s in offered.items()}},
        errors=typed[1] if typed else {},
        state=stored.state(answers, [i.id for i in items]),
        visible=progress.visible_ids,
        files=files,
        assessment_id=assessment.id,
        locked=assessment.locked,
        warnings=consistency.by_item(consistency.warnings(instrument, values, assessment.id)),
        carried=carried.carried if carried else frozenset(),
        carried_round=rounds.round_name(carried.previous) if carried else "",
        suggested=offered,
    )
    view = page.PageView(
        module=module_def,
        role=current_user.role,
        progress=progress,
        errors=errors,
        items=items_view,
        notices=_carried_notice(carried, items),
    )
    return page.render_page(instrument, cluster, view)


@bp.post("/<int:assessment_id>/assignments")
@roles(Role.ENTERPRISE, company_admin=True)
def assign(assessment_id: int) -> Any:
    """The picker: one form for all modules (assignee-<module>, due-<module>); modules not in the form
    keep their assignment."""
    assessment = _own(assessment_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        changed = services.assign_modules(assessment, read_plan(request.form), current_user)
    except PortalError as error:
        flash(error.text(), "error")
    else:
        flash(_("分工已保存（%(n)s 个模块有变化）。", n=changed), "success")
    return redirect(url_for("assessments.overview", assessment_id=assessment.id) + "#assign")


@bp.get("/<int:assessment_id>/review")
@roles(Role.ENTERPRISE, Role.PROVIDER)
def review(assessment_id: int) -> Any:
    assessment = _own(assessment_id)
    instrument = instrument_of(assessment)
    return render_template(
        "assessments/review.html",
        assessment=assessment,
        instrument=instrument,
        missing=services.missing_required(assessment),
        summary=answer_summary(assessment),
        warnings=consistency.warnings(instrument_of(assessment), assessment.answer_map(), assessment.id),
        progress=_progress(assessment),
        attestation=services.ATTESTATION_ZH,
        # what the reader understands; the Chinese text above is what the submission stores and signs
        attestation_read=_(services.ATTESTATION_ZH),
        form=FlaskForm(),
        evidence_sep=EVIDENCE_SEP,
    )


@bp.post("/<int:assessment_id>/submit")
@roles(Role.ENTERPRISE, company_admin=True)
def submit(assessment_id: int) -> Any:
    assessment = _own(assessment_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        services.submit(assessment, current_user, attested=request.form.get("attest") == "y")
    except PortalError as error:
        flash(error.text(), "error")
        return redirect(url_for("assessments.review", assessment_id=assessment.id))
    flash(_("评估已提交。答案已锁定，您可以随时开始新一轮评估并与本次对比。"), "success")
    return redirect(url_for("assessments.overview", assessment_id=assessment.id))
