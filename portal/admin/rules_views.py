"""政策规则 (platform administrator): upload a rule file, preview its effect, publish, withdraw.

Registered at /admin/rules. The work is in ``rule_versions`` (storing, publishing) and ``rule_preview``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from portal.access import roles
from portal.admin import rule_preview, rule_versions
from portal.admin.forms import PublishForm, RuleUploadForm
from portal.eligibility import inputs, rulesets
from portal.i18n import pick
from portal.models import Role, RuleVersion
from scoring.eligibility import RuleFileError
from scoring.eligibility.fields import EARLIEST_DATE, LATEST_DATE

bp = Blueprint("admin_rules", __name__)

STATUS_LABELS = {
    "eligible": ("可能符合", "may qualify"),
    "needs_info": ("待补充信息", "needs information"),
    "ineligible": ("不符合", "does not qualify"),
    "expired": ("已过期", "expired"),
    "not_covered": ("不在适用地区", "region not covered"),
    "absent": ("无此政策", "not in these rules"),
    "invalid": ("企业数据无法计算", "company data could not be evaluated"),
    "other": ("其他（已过期、不在适用地区等）", "other (expired, region not covered …)"),
}
VERSION_STATES = {
    "draft": ("草稿（未发布）", "draft (not published)"),
    "published": ("已发布", "published"),
    "withdrawn": ("已撤回", "withdrawn"),
}


@bp.app_template_global("rule_status_label")
def rule_status_label(status: str) -> str:
    return pick(*STATUS_LABELS.get(status, (status, status)))


@bp.app_template_global("rule_version_name")
def rule_version_name(row: RuleVersion) -> str:
    return rule_versions.program_name(row, pick("zh", "en") == "en")


@bp.app_template_global("rule_version_state")
def rule_version_state(state: str) -> str:
    return pick(*VERSION_STATES.get(state, (state, state)))


def _index_page(form: RuleUploadForm, errors: list[Any], status: int = 200) -> Any:
    in_force = {v.program_id: v for v in rulesets.versions_in_force()}
    return (
        render_template(
            "admin/rules.html",
            form=form,
            errors=errors,
            shipped_ids={p.id for p in rulesets.shipped_programs()},
            in_force=in_force,
            effective=rulesets.effective_rules(),
            versions=rule_versions.all_versions(),
            today=inputs.today(),
        ),
        status,
    )


@bp.get("")
@roles(Role.ADMIN)
def index() -> Any:
    return _index_page(RuleUploadForm(), [])


@bp.post("")
@roles(Role.ADMIN)
def upload() -> Any:
    form = RuleUploadForm()
    if not form.validate_on_submit():
        return _index_page(form, [], 400)
    upload = form.file.data
    if upload is None or not getattr(upload, "filename", ""):
        form.file.errors = [_("请选择要上传的规则文件。")]
        return _index_page(form, [], 400)
    try:
        row = rule_versions.upload(upload.filename, upload.read(), current_user)
    except RuleFileError as exc:
        flash(_("规则文件未通过校验，未保存。"), "error")
        return _index_page(form, exc.errors, 400)
    flash(_("规则文件已通过校验并保存为草稿，请查看预览后发布。"), "success")
    return redirect(url_for("admin_rules.version", version_id=row.id))


def _version_or_404(version_id: int) -> RuleVersion:
    row = rule_versions.get(version_id)
    if row is None:
        abort(404)
    return row


def _as_of() -> date:
    raw = request.args.get("as_of", "")
    if raw:
        try:
            day = date.fromisoformat(raw) if raw.isascii() else None
        except ValueError:
            day = None
        if day is not None and EARLIEST_DATE <= day <= LATEST_DATE:
            return day
        flash(_("日期格式应为 YYYY-MM-DD，已按今天计算。"), "warning")
    return inputs.today()


@bp.get("/<int:version_id>")
@roles(Role.ADMIN)
def version(version_id: int) -> Any:
    row = _version_or_404(version_id)
    form = PublishForm(data={"valid_from": inputs.today()})
    return _version_page(row, form)


def _version_page(row: RuleVersion, form: PublishForm, status: int = 200) -> Any:
    preview = rule_preview.preview(row, _as_of()) if row.status == "draft" else None
    return (
        render_template(
            "admin/rule_version.html",
            row=row,
            preview=preview,
            form=form,
            withdraw_form=FlaskForm(),
            in_force=row.id in rule_versions.in_force_ids(),
            columns=rule_preview.COLUMNS,
        ),
        status,
    )


@bp.get("/<int:version_id>/source")
@roles(Role.ADMIN)
def source(version_id: int) -> Any:
    return Response(_version_or_404(version_id).content, mimetype="text/plain; charset=utf-8")


@bp.post("/<int:version_id>/publish")
@roles(Role.ADMIN)
def publish(version_id: int) -> Any:
    row = _version_or_404(version_id)
    form = PublishForm()
    if not form.validate_on_submit() or form.valid_from.data is None:
        return _version_page(row, form, 400)
    try:
        refreshed = rule_versions.publish(row, form.valid_from.data, form.valid_until.data, current_user)
    except rule_versions.PublishError as exc:
        flash(str(exc), "error")
        return _version_page(row, form, 400)
    flash(_("已发布第 %(n)s 版。", n=row.version), "success")
    _refresh_note(refreshed)
    return redirect(url_for("admin_rules.index"))


def _refresh_note(refreshed: int | None) -> None:
    if refreshed is None:
        flash(_("企业较多：主管部门的项目管线将在夜间按新规则重新计算。"), "info")


@bp.post("/<int:version_id>/withdraw")
@roles(Role.ADMIN)
def withdraw(version_id: int) -> Any:
    row = _version_or_404(version_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        refreshed = rule_versions.withdraw(row, current_user)
    except rule_versions.PublishError as exc:
        flash(str(exc), "error")
        return redirect(url_for("admin_rules.version", version_id=row.id))
    flash(_("已撤回第 %(n)s 版，之前的版本重新适用。", n=row.version), "info")
    _refresh_note(refreshed)
    return redirect(url_for("admin_rules.index"))
