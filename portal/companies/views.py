"""Enterprise pages: workbench, company profile, members and invitations."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from portal.access import roles
from portal.auth import services as accounts
from portal.choices import districts_by_city, divisions_by_section
from portal.companies import services, workspace
from portal.companies.forms import InviteForm, ProfileForm
from portal.links import external_url
from portal.models import Company, Role

bp = Blueprint("companies", __name__)


def own_company() -> Company:
    company = current_user.company
    if company is None:  # enterprise users always have one (database constraint)
        abort(404)
    return company


@bp.get("/")
@roles(Role.ENTERPRISE)
def dashboard() -> Any:
    company = own_company()
    from portal.evidence.services import company_usage, human_size, quota_bytes

    evidence = {"used": human_size(company_usage(company.id)), "limit": human_size(quota_bytes())}
    return render_template(
        "companies/dashboard.html",
        company=company,
        size=services.classify_company(company),
        evidence=evidence,
        workspace=workspace.build(company, current_user),
    )


@bp.get("/profile")
@roles(Role.ENTERPRISE)
def profile() -> Any:
    company = own_company()
    if current_user.is_company_admin:
        return redirect(url_for("companies.edit_profile"))
    return render_template("companies/profile.html", company=company, size=services.classify_company(company))


@bp.route("/profile/edit", methods=["GET", "POST"])
@roles(Role.ENTERPRISE, company_admin=True)
def edit_profile() -> Any:
    company = own_company()
    form = ProfileForm(obj=company)
    if form.validate_on_submit():
        data = {name: form[name].data for name in services.PROFILE_FIELDS}
        data["bureau_sharing"] = form.bureau_sharing.data
        explanation = services.update_profile(company, data)
        flash(_("企业信息已保存。企业规模：%(size)s。", size=explanation.label), "success")
        return redirect(url_for("companies.edit_profile"))
    return render_template(
        "companies/profile_edit.html",
        form=form,
        company=company,
        size=services.classify_company(company),
        districts_by_city=districts_by_city(),
        divisions_by_section=divisions_by_section(),
    )


@bp.get("/members")
@roles(Role.ENTERPRISE)
def members() -> Any:
    company = own_company()
    return render_template(
        "companies/members.html",
        company=company,
        members=services.members(company),
        pending=services.pending_invitations(company),
        form=InviteForm(),
        revoke_form=FlaskForm(),
        new_link=None,
    )


@bp.post("/members/invite")
@roles(Role.ENTERPRISE, company_admin=True)
def invite() -> Any:
    company = own_company()
    form = InviteForm()
    new_link = None
    if form.validate_on_submit():
        try:
            _inv, token = accounts.create_invitation(
                company, form.email.data or "", current_user, current_app.config["INVITATION_TTL_HOURS"]
            )
        except accounts.AccountError as error:
            form.email.errors.append(error.text())
        else:
            new_link = external_url("auth.accept_invitation", token=token)
            flash(
                _(
                    "邀请链接已生成，%(hours)s 小时内有效，只能使用一次。",
                    hours=current_app.config["INVITATION_TTL_HOURS"],
                ),
                "success",
            )
    return render_template(
        "companies/members.html",
        company=company,
        members=services.members(company),
        pending=services.pending_invitations(company),
        form=form,
        revoke_form=FlaskForm(),
        new_link=new_link,
    )


@bp.post("/members/invitations/<int:invitation_id>/revoke")
@roles(Role.ENTERPRISE, company_admin=True)
def revoke_invitation(invitation_id: int) -> Any:
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        accounts.revoke_invitation(own_company(), invitation_id)
    except LookupError:
        abort(404)
    flash(_("邀请已撤销。"), "info")
    return redirect(url_for("companies.members"))
