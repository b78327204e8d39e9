"""Platform administrator pages."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.access import roles
from portal.admin import companies, services
from portal.admin.forms import BureauOfficerForm, CreditCodeForm
from portal.auth.services import AccountError, NewAccount
from portal.choices import districts_by_city
from portal.extensions import db
from portal.models import Company, Role

bp = Blueprint("admin", __name__)


@bp.get("/")
@roles(Role.ADMIN)
def dashboard() -> Any:
    return render_template("admin/dashboard.html", counts=services.overview())


@bp.route("/users", methods=["GET", "POST"])
@roles(Role.ADMIN)
def users() -> Any:
    form = BureauOfficerForm()
    if form.validate_on_submit():
        try:
            services.create_bureau_officer(
                NewAccount(
                    name=form.name.data or "", email=form.email.data or "", password=form.password.data or ""
                ),
                level=form.level.data or "province",
                city=form.city.data or None,
                district=form.district.data or None,
                created_by=current_user,
            )
        except AccountError as error:
            form.email.errors.append(error.text())
        else:
            flash(_("主管部门账号已创建。"), "success")
            return redirect(url_for("admin.users"))
    return render_template(
        "admin/users.html", users=services.all_users(), form=form, districts_by_city=districts_by_city()
    )


@bp.get("/audit")
@roles(Role.ADMIN)
def audit_log() -> Any:
    from portal import audit

    action = request.args.get("action") or None
    return render_template(
        "admin/audit.html", events=audit.recent(action=action), actions=audit.ACTIONS, action=action
    )


@bp.get("/companies")
@roles(Role.ADMIN)
def companies_list() -> Any:
    query = request.args.get("q", "")
    return render_template(
        "admin/companies.html", companies=companies.search(query), query=query, limit=companies.SEARCH_LIMIT
    )


@bp.route("/companies/<int:company_id>/credit-code", methods=["GET", "POST"])
@roles(Role.ADMIN)
def credit_code(company_id: int) -> Any:
    company = db.session.get(Company, company_id)
    if company is None:
        abort(404)
    form = CreditCodeForm()
    if form.validate_on_submit():
        old = company.credit_code
        try:
            companies.correct_credit_code(
                company, form.credit_code.data or "", form.reason.data or "", current_user
            )
        except companies.CreditCodeError as error:
            form.credit_code.errors.append(error.text())
        else:
            flash(
                _("统一社会信用代码已更正：%(old)s → %(new)s。", old=old, new=company.credit_code), "success"
            )
            return redirect(url_for("admin.companies_list", q=company.credit_code))
    return render_template("admin/credit_code.html", company=company, form=form)
