"""The result page of an assessment: scores and levels with their rules, MIIT level, 上云上平台, 5G,
peer benchmark, roadmap with target levels."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from portal import charts
from portal.access import roles
from portal.assessments.access import assessment_for
from portal.chart_preview import radar_svg
from portal.i18n import is_english as english
from portal.inputs import ascii_int
from portal.instruments import instrument_of
from portal.models import Assessment, Role
from portal.providers.views import provider_matches
from portal.results import plan, services
from portal.results.view import build_result_view
from scoring import maturity

bp = Blueprint("results", __name__)


def _own(assessment_id: int) -> Assessment:
    """Members of the company; provider users under an active consent; else 404."""
    assessment = assessment_for(current_user, assessment_id)
    if assessment is None:
        abort(404)
    return assessment


@bp.get("/<int:assessment_id>/result")
@roles(Role.ENTERPRISE, Role.PROVIDER)
def view(assessment_id: int) -> Any:
    assessment = _own(assessment_id)
    scored = services.scored(assessment)
    result = build_result_view(
        assessment, "en" if english() else "zh", scored, plan.choice_from(request.args)
    )
    spec = result.charts
    # the solutions matched to the engine's roadmap actions, shown under the view's actions
    matches = None
    if result.roadmap:
        # matching reads the roadmap of the engine's plain result: the stored row's, or the preview's
        stored = scored.stored.result if scored.stored is not None else None
        plain = stored or {"roadmap": maturity.to_plain(scored.result.roadmap)}
        matches = provider_matches(assessment, result, plain)
    return render_template(
        "results/view.html",
        assessment=assessment,
        v=result,
        matches=matches,
        chart=charts.to_web(charts.radar(spec.radar, result.lang)) if spec.radar else None,
        radar_preview=radar_svg(spec.radar, _("各维度得分")) if spec.radar else None,
        miit_chart=charts.to_web(charts.miit_bars(spec.miit_bars, result.lang)) if spec.miit_bars else None,
        history_chart=charts.to_web(charts.history(result.history, result.lang))
        if len(result.history.points) > 1
        else None,
        target_form=FlaskForm(),
    )


@bp.post("/<int:assessment_id>/targets")
@roles(Role.ENTERPRISE, company_admin=True)
def set_targets(assessment_id: int) -> Any:
    assessment = _own(assessment_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    instrument = instrument_of(assessment)
    chosen: dict[str, int | None] = {}
    for module in instrument.modules:
        raw = request.form.get(f"target-{module.id}", "").strip()
        chosen[module.id] = ascii_int(raw, 1, 5) if raw else None  # empty: no target
        if raw and chosen[module.id] is None:  # '6', '²', …: refuse the whole form, change nothing
            flash(_("目标等级应为 1 至 5 级，未保存。"), "error")
            return redirect(url_for("results.view", assessment_id=assessment.id) + "#roadmap")
    services.set_targets(assessment.company, assessment.instrument_id, chosen)
    if assessment.locked:
        services.store(assessment)  # the roadmap depends on targets: keep a result row that reflects them
    flash(_("目标等级已保存，升级路线图已按目标更新。"), "success")
    return redirect(url_for("results.view", assessment_id=assessment.id) + "#roadmap")
