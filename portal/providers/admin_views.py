"""Administrators: verify providers' recognitions and solutions' support claims (with the date), and
moderate the solution catalogue (hide / unhide with a reason)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from portal.access import roles
from portal.models import Role
from portal.providers import consent, services
from portal.providers.forms import ModerationForm, VerifyForm

bp = Blueprint("moderation", __name__)


def _back() -> Any:
    return redirect(url_for("moderation.index"))


@bp.get("/")
@roles(Role.ADMIN)
def index() -> Any:
    verify_form = VerifyForm(formdata=None, data={"verified_on": consent.local_today()})
    return render_template(
        "providers/admin.html",
        orgs=services.all_orgs(),
        recognitions=services.all_recognitions(),
        solutions=services.all_solutions(),
        verify_form=verify_form,
        moderation_form=ModerationForm(formdata=None),
    )


@bp.post("/recognitions/<int:recognition_id>/verify")
@roles(Role.ADMIN)
def verify_recognition(recognition_id: int) -> Any:
    form = VerifyForm()
    if not form.validate_on_submit():
        flash(_("请填写有效的核实日期。"), "error")
        return _back()
    if services.set_recognition_verified(recognition_id, form.verified_on.data, current_user) is None:
        abort(404)
    flash(_("已标记为已核实。"), "success")
    return _back()


@bp.post("/recognitions/<int:recognition_id>/unverify")
@roles(Role.ADMIN)
def unverify_recognition(recognition_id: int) -> Any:
    if not FlaskForm().validate_on_submit():
        abort(400)
    if services.set_recognition_verified(recognition_id, None, current_user) is None:
        abort(404)
    flash(_("已取消核实。"), "success")
    return _back()


@bp.post("/solutions/<int:solution_id>/verify-support")
@roles(Role.ADMIN)
def verify_support(solution_id: int) -> Any:
    form = VerifyForm()
    if not form.validate_on_submit():
        flash(_("请填写有效的核实日期。"), "error")
        return _back()
    try:
        found = services.set_support_verified(solution_id, form.verified_on.data, current_user)
    except services.ProviderError as error:
        flash(error.text(), "error")
        return _back()
    if found is None:
        abort(404)
    flash(_("已核实该方案的省级支持声明。"), "success")
    return _back()


@bp.post("/solutions/<int:solution_id>/hide")
@roles(Role.ADMIN)
def hide_solution(solution_id: int) -> Any:
    return _moderate(solution_id, hidden=True)


@bp.post("/solutions/<int:solution_id>/unhide")
@roles(Role.ADMIN)
def unhide_solution(solution_id: int) -> Any:
    return _moderate(solution_id, hidden=False)


def _moderate(solution_id: int, hidden: bool) -> Any:
    form = ModerationForm()
    if not form.validate_on_submit():
        flash(_("请填写下架或恢复的理由。"), "error")
        return _back()
    if services.moderate(solution_id, hidden, form.reason.data or "", current_user) is None:
        abort(404)
    flash(_("方案已下架，不再出现在匹配结果中。") if hidden else _("方案已恢复。"), "success")
    return _back()
