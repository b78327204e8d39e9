"""Service-provider pages: dashboard with leads and anonymous gaps, organisation profile and recognitions,
solution catalogue, recommending a solution to a company that shared an assessment."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from portal.access import roles
from portal.assessments.access import assessment_for
from portal.models import ProviderOrg, Role
from portal.providers import services
from portal.providers.forms import OrgProfileForm, RecognitionForm, RecommendForm, SolutionForm
from portal.providers.models import (
    CLOUD_KINDS,
    DEPLOYMENTS,
    DURATIONS,
    MODULES,
    PRICE_BANDS,
    RECOGNITION_KINDS,
    SERVICE_TYPES,
    SIZES,
)
from portal.results.model import ResultView

bp = Blueprint("providers", __name__)

LABELS = {
    "modules": MODULES,
    "cloud_kinds": CLOUD_KINDS,
    "sizes": SIZES,
    "deployments": DEPLOYMENTS,
    "price_bands": PRICE_BANDS,
    "durations": DURATIONS,
    "service_types": SERVICE_TYPES,
    "recognition_kinds": RECOGNITION_KINDS,
}


@bp.app_context_processor
def provider_labels() -> dict[str, Any]:
    return {"provider_labels": LABELS}


def _org() -> ProviderOrg:
    org: ProviderOrg = current_user.provider_org
    return org


@bp.get("/")
@roles(Role.PROVIDER)
def dashboard() -> Any:
    org = _org()
    return render_template(
        "providers/dashboard.html",
        org=org,
        leads=services.leads(org),
        gaps=services.gap_counts(org),
        solutions=services.solutions_of(org),
        recognitions=services.recognitions_of(org),
        min_group=services.MIN_GROUP,
    )


@bp.route("/profile", methods=["GET", "POST"])
@roles(Role.PROVIDER)
def profile() -> Any:
    org = _org()
    form = OrgProfileForm(obj=org if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            services.update_profile(org, form.data)
        except services.ProviderError as error:
            getattr(form, error.field or "name").errors.append(error.text())
        else:
            flash(_("机构资料已保存。"), "success")
            return redirect(url_for("providers.profile"))
    return render_template(
        "providers/profile.html",
        org=org,
        form=form,
        recognition_form=RecognitionForm(formdata=None),
        recognitions=services.recognitions_of(org),
        delete_form=FlaskForm(),
    ), (422 if form.errors else 200)


@bp.post("/recognitions")
@roles(Role.PROVIDER)
def declare_recognition() -> Any:
    org = _org()
    form = RecognitionForm()
    if form.validate_on_submit():
        services.declare_recognition(org, form.data)
        flash(_("已提交，平台管理员核实后将显示“已核实”。"), "success")
        return redirect(url_for("providers.profile") + "#recognitions")
    return render_template(
        "providers/profile.html",
        org=org,
        form=OrgProfileForm(obj=org),
        recognition_form=form,
        recognitions=services.recognitions_of(org),
        delete_form=FlaskForm(),
    ), 422


@bp.post("/recognitions/<int:recognition_id>/delete")
@roles(Role.PROVIDER)
def withdraw_recognition(recognition_id: int) -> Any:
    if not FlaskForm().validate_on_submit():
        abort(400)
    if not services.withdraw_recognition(_org(), recognition_id):
        abort(404)
    flash(_("已撤回该资质声明。"), "success")
    return redirect(url_for("providers.profile") + "#recognitions")


@bp.get("/solutions")
@roles(Role.PROVIDER)
def solutions() -> Any:
    return render_template(
        "providers/solutions.html", solutions=services.solutions_of(_org()), delete_form=FlaskForm()
    )


@bp.route("/solutions/new", methods=["GET", "POST"])
@roles(Role.PROVIDER)
def new_solution() -> Any:
    form = SolutionForm()
    if form.validate_on_submit():
        solution = services.save_solution(_org(), form.data)
        flash(_("方案“%(name)s”已发布到方案库。", name=solution.name), "success")
        return redirect(url_for("providers.solutions"))
    return render_template("providers/solution_form.html", form=form, solution=None), (
        422 if form.errors else 200
    )


@bp.route("/solutions/<int:solution_id>/edit", methods=["GET", "POST"])
@roles(Role.PROVIDER)
def edit_solution(solution_id: int) -> Any:
    solution = services.own_solution(_org(), solution_id)
    if solution is None:
        abort(404)
    form = SolutionForm(data=services.form_data_of(solution) if request.method == "GET" else None)
    if form.validate_on_submit():
        services.save_solution(_org(), form.data, solution)
        flash(_("方案已更新。"), "success")
        return redirect(url_for("providers.solutions"))
    return render_template("providers/solution_form.html", form=form, solution=solution), (
        422 if form.errors else 200
    )


@bp.post("/solutions/<int:solution_id>/delete")
@roles(Role.PROVIDER)
def delete_solution(solution_id: int) -> Any:
    solution = services.own_solution(_org(), solution_id)
    if solution is None:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    services.delete_solution(solution)
    flash(_("方案已删除。"), "success")
    return redirect(url_for("providers.solutions"))


@bp.post("/assessments/<int:assessment_id>/recommend")
@roles(Role.PROVIDER)
def recommend(assessment_id: int) -> Any:
    assessment = assessment_for(current_user, assessment_id)
    if assessment is None:
        abort(404)
    form = RecommendForm()
    form.solution_id.choices = [(s.id, s.name) for s in services.solutions_of(_org()) if not s.hidden]
    back = url_for("results.view", assessment_id=assessment.id) + "#matches"
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "error")
        return redirect(back)
    try:
        services.recommend(current_user, assessment, form.data)
    except services.ProviderError as error:
        flash(error.text(), "error")
    else:
        flash(_("已向企业推荐该方案，企业可在评估结果和“共享与协作”页看到。"), "success")
    return redirect(back)


def provider_matches(assessment: Any, view: ResultView, result: Mapping[str, Any]) -> dict[str, Any]:
    """What templates/providers/_matches.html shows on a result page (the page already checked access):
    each roadmap action as the result view states it, with the solutions matched to the engine's action
    (`result`, the engine's plain result)."""
    from portal.providers import consent

    shown = {a.id: a for h in (view.roadmap.horizons if view.roadmap else ()) for a in h.actions}
    data: dict[str, Any] = {
        "actions": [
            (shown[action["action_id"]], matches)
            for action, matches in services.matches_for(assessment.company, result)
            if action["action_id"] in shown
        ],
        "recommendations": services.recommendations_for(assessment),
        "consent": None,
        "form": None,
    }
    if current_user.is_authenticated and current_user.role is Role.PROVIDER:
        data["consent"] = consent.active_consent(current_user.provider_org_id, assessment.id)
        form = RecommendForm(formdata=None)
        form.solution_id.choices = [(s.id, s.name) for s in services.solutions_of(_org()) if not s.hidden]
        data["form"] = form
    return data
