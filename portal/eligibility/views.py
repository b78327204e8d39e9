"""政策匹配 pages (enterprise: report, conditions, projects).

Registered without a URL prefix: the pages live under /company/eligibility (the administrators' rule versions
are in ``portal/admin/rules_views``). Views are thin; the work is in ``services``, ``inputs`` and ``forms``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from portal.access import roles
from portal.eligibility import catalog, facts, forms, services
from portal.i18n import localized, pick
from portal.models import Company, EligibilityProject, Role
from portal.results.citations import cite_document
from scoring.eligibility.fields import EARLIEST_DATE, LATEST_DATE, FieldSpec
from scoring.eligibility.rules import Program

bp = Blueprint("eligibility", __name__)


def _company() -> Company:
    company = current_user.company
    if company is None:
        abort(404)
    return company


def _attach(form: FlaskForm, errors: list[dict[str, Any]]) -> list[str]:
    """Put contract errors on the form's fields; returns the messages that belong to no field."""
    loose = []
    for error in errors:
        message = pick(error["message_zh"], error["message_en"])
        name = str(error.get("field") or "")
        if name in form:
            form[name].errors = [*form[name].errors, message]
        else:
            loose.append(f"{name}: {message}" if name else message)
    return loose


def _without(groups: list[Any], locked: set[str]) -> list[Any]:
    """The conditions page's groups without the fields the platform computed."""
    out = [(gid, zh, en, [s for s in specs if s.name not in locked]) for gid, zh, en, specs in groups]
    return [g for g in out if g[3]]


def _hints(specs: list[FieldSpec]) -> dict[str, str]:
    usage = catalog.field_usage(services.effective_rules())
    return {s.name: catalog.hint(s, usage) for s in specs}


# ------------------------------------------------------- template helpers (app-wide, for _programs.html)


@bp.app_template_global("elig_status")
def elig_status(status: str | None) -> dict[str, str]:
    zh, en, badge = catalog.STATUS_LABELS.get(status or "", (status or "", status or "", ""))
    return {"label": pick(zh, en), "badge": badge}


bp.add_app_template_global(cite_document, "cite_document")


@bp.app_template_global("elig_status_key")
def elig_status_key(result: Mapping[str, Any]) -> str:
    return catalog.status_key(result)


@bp.app_template_global("elig_kind")
def elig_kind(kind: str) -> str:
    return pick(*catalog.KIND_LABELS.get(kind, (kind, kind)))


@bp.app_template_global("elig_field")
def elig_field(name: str) -> dict[str, str]:
    """Label and unit of a contract field named in a report (gaps, missing fields)."""
    spec = catalog.field_spec(name)
    if spec is None:
        return {"label": name, "unit": ""}
    return {"label": localized(spec, "label"), "unit": localized(spec, "unit")}


@bp.app_template_global("elig_direction")
def elig_direction(program_id: str, direction_id: str | None) -> str:
    if not direction_id:
        return ""
    program = services.effective_rules().get(program_id)
    direction = program.direction(direction_id) if program else None
    if direction is None:
        return direction_id
    return localized(direction, "name")


@bp.app_template_filter("elig_num")
def elig_num(value: float | int | None) -> str:
    """A report number without trailing zeros, with thousands separators ('—' when null)."""
    if value is None:
        return "—"
    text = f"{value:,.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


# ----------------------------------------------------------------------------------------- the report


@bp.get("/company/eligibility")
@roles(Role.ENTERPRISE)
def index() -> Any:
    company = _company()
    as_of = services.today()
    raw = request.args.get("as_of", "")
    if raw:
        try:
            if not raw.isascii():  # fromisoformat also reads full-width digits
                raise ValueError(raw)
            as_of = date.fromisoformat(raw)
        except ValueError:
            flash(_("日期格式应为 YYYY-MM-DD，已按今天计算。"), "warning")
        else:
            if not EARLIEST_DATE <= as_of <= LATEST_DATE:  # the rules add years to it: 9999 overflowed
                flash(
                    _(
                        "日期应在 %(low)s 至 %(high)s 之间，已按今天计算。",
                        low=EARLIEST_DATE.isoformat(),
                        high=LATEST_DATE.isoformat(),
                    ),
                    "warning",
                )
                as_of = services.today()
    report = services.evaluate_company(company, as_of)
    conditions = services.conditions_of(company)
    return render_template(
        "eligibility/index.html",
        company=company,
        report=report,
        as_of=as_of,
        today=services.today(),
        projects=services.projects_of(company),
        has_conditions=bool(conditions),
        computed=facts.shown_facts(facts.computed_facts(company), conditions),
    )


# ---------------------------------------------------------------------------------- company conditions


@bp.get("/company/eligibility/conditions")
@roles(Role.ENTERPRISE)
def conditions() -> Any:
    if current_user.is_company_admin:
        return redirect(url_for("eligibility.edit_conditions"))
    company = _company()
    values = services.conditions_of(company)
    computed = facts.computed_facts(company)
    locked = {f.key for f in computed if f.used}
    return render_template(
        "eligibility/conditions.html",
        company=company,
        groups=_without(catalog.groups(), locked),
        values=values,
        computed=facts.shown_facts(computed, values),
        mapped=services.profile_fields(company, services.today()),
        describe=catalog.describe_value,
        group_title=catalog.group_title,
    )


@bp.route("/company/eligibility/conditions/edit", methods=["GET", "POST"])
@roles(Role.ENTERPRISE, company_admin=True)
def edit_conditions() -> Any:
    company = _company()
    computed = facts.computed_facts(company)
    locked = {f.key for f in computed if f.used}  # computed by the platform: shown with the source, not asked
    specs = [s for s in catalog.company_fields_asked() if s.name not in locked]
    form_class = forms.conditions_form_class(specs, _hints(specs))
    if request.method == "GET":
        form = form_class(data=forms.form_data(services.conditions_of(company), specs))
    else:
        form = form_class()
    loose: list[str] = []
    if form.validate_on_submit():
        values, errors = forms.read_values(form, specs)
        if not errors:
            try:
                services.save_conditions(company, values, current_user)
            except services.ValidationFailedError as failed:
                errors = failed.errors
            else:
                flash(_("企业条件已保存。"), "success")
                return redirect(url_for("eligibility.index"))
        loose = _attach(form, errors)
        flash(_("有 %(n)s 处需要修改，请查看标红的项。", n=len(errors)), "error")
    return render_template(
        "eligibility/conditions_edit.html",
        company=company,
        form=form,
        groups=_without(catalog.groups(), locked),
        computed=facts.shown_facts(computed, services.conditions_of(company)),
        group_title=catalog.group_title,
        mapped=services.profile_fields(company, services.today()),
        loose=loose,
    )


# ------------------------------------------------------------------------------------------- projects


@bp.get("/company/eligibility/projects")
@roles(Role.ENTERPRISE)
def projects() -> Any:
    company = _company()
    rules = services.effective_rules()
    programs = {p.id: p for p in services.project_programs(rules)}
    return render_template(
        "eligibility/projects.html",
        company=company,
        projects=services.projects_of(company),
        programs=programs,
        project_specs=catalog.PROJECT_SPECS,
        describe=catalog.describe_value,
        delete_form=FlaskForm(),
    )


def _project_form(program: Program, project: EligibilityProject | None) -> tuple[FlaskForm, list[FieldSpec]]:
    usage = catalog.field_usage(services.effective_rules())
    specs = catalog.project_fields(program, usage)
    hints = {}
    for spec in specs:
        text = catalog.hint(spec, usage, program.id)
        limited = catalog.project_field_directions(program, spec, usage)
        if limited and program.directions:
            names = [localized(d, "name") for d in program.directions if d.id in limited]
            text += " " + _("仅适用于方向：%(names)s", names=_("；").join(names))
        hints[spec.name] = text
    form_class = forms.project_form_class(program, specs, hints)
    if request.method == "GET" and project is not None:
        data = forms.form_data(project.data or {}, specs)
        data.update(name=project.name, direction=project.direction or "")
        return form_class(data=data), specs
    return form_class(), specs


def _save_project(program: Program, project: EligibilityProject | None) -> Any:
    company = _company()
    form, specs = _project_form(program, project)
    loose: list[str] = []
    if form.validate_on_submit():
        values, errors = forms.read_values(form, specs)
        draft = services.ProjectDraft(
            name=form.name.data or "",
            program=program.id,
            direction=(form.direction.data or None) if "direction" in form else None,
            data=values,
        )
        if not errors:
            try:
                services.save_project(company, draft, current_user, project)
            except services.ValidationFailedError as failed:
                errors = failed.errors
            else:
                flash(_("项目“%(name)s”已保存。", name=draft.name.strip()), "success")
                return redirect(url_for("eligibility.projects"))
        loose = _attach(form, errors)
        flash(_("有 %(n)s 处需要修改，请查看标红的项。", n=len(errors)), "error")
    return render_template(
        "eligibility/project_form.html", form=form, program=program, project=project, specs=specs, loose=loose
    )


@bp.route("/company/eligibility/projects/new", methods=["GET", "POST"])
@roles(Role.ENTERPRISE, company_admin=True)
def new_project() -> Any:
    rules = services.effective_rules()
    program = rules.get(request.args.get("program", ""))
    if program is None or program.level != "project":
        return render_template("eligibility/project_choose.html", programs=services.project_programs(rules))
    return _save_project(program, None)


@bp.route("/company/eligibility/projects/<int:project_id>/edit", methods=["GET", "POST"])
@roles(Role.ENTERPRISE, company_admin=True)
def edit_project(project_id: int) -> Any:
    project = services.get_project(_company(), project_id)
    if project is None:
        abort(404)
    program = services.effective_rules().get(project.program)
    if program is None or program.level != "project":
        flash(_("该项目对应的政策已不在当前规则中，只能删除。"), "warning")
        return redirect(url_for("eligibility.projects"))
    return _save_project(program, project)


@bp.post("/company/eligibility/projects/<int:project_id>/delete")
@roles(Role.ENTERPRISE, company_admin=True)
def delete_project(project_id: int) -> Any:
    if not FlaskForm().validate_on_submit():
        abort(400)
    if not services.delete_project(_company(), project_id):
        abort(404)
    flash(_("项目已删除。"), "info")
    return redirect(url_for("eligibility.projects"))
