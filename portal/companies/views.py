"""Enterprise pages: workbench, company profile, members and invitations."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user
from flask_wtf import FlaskForm

from portal import mail
from portal.access import roles
from portal.auth import services as accounts
from portal.choices import districts_by_city, divisions_by_section
from portal.companies import services, team, workspace
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


def _members_page(form: InviteForm, new_link: str | None = None, mailed: bool = False) -> Any:
    company = own_company()
    members = services.members(company)
    return render_template(
        "companies/members.html",
        company=company,
        members=members,
        admins=sum(1 for m in members if m.is_company_admin),
        pending=services.pending_invitations(company),
        form=form,
        revoke_form=FlaskForm(),
        new_link=new_link,
        mailed=mailed,
    )


@bp.get("/members")
@roles(Role.ENTERPRISE)
def members() -> Any:
    return _members_page(InviteForm())


@bp.post("/members/invite")
@roles(Role.ENTERPRISE, company_admin=True)
def invite() -> Any:
    company = own_company()
    form = InviteForm()
    new_link, mailed = None, False
    if form.validate_on_submit():
        try:
            invitation, token = accounts.create_invitation(
                company, form.email.data or "", current_user, current_app.config["INVITATION_TTL_HOURS"]
            )
        except accounts.AccountError as error:
            form.email.errors.append(error.text())
        else:
            new_link = external_url("auth.accept_invitation", token=token)
            mailed = _mail_invitation(company, invitation.email, new_link)
    return _members_page(form, new_link, mailed)


def _mail_invitation(company: Company, email: str, link: str) -> bool:
    """Mail the link (in both languages: the colleague's language is not known yet) and say on the page
    whether it went out; the page shows the link to copy either way."""
    hours = current_app.config["INVITATION_TTL_HOURS"]
    sent = mail.send(
        email,
        f"数转评估：{current_user.name} 邀请您加入 {company.name} / Invitation to DX Assess",
        f"{current_user.name} 邀请您加入 {company.name}，一起填写数字化转型评估。\n"
        f"请在 {hours} 小时内打开以下链接设置密码（只能使用一次）：\n{link}\n\n"
        f"{current_user.name} invites you to join {company.name} on DX Assess. Open the link above within "
        f"{hours} hours to set your password (it works once).\n\n"
        "如非预期，请忽略本邮件。If you did not expect this invitation, ignore this mail.",
    )
    if sent is not None:
        message = _(
            "邀请邮件已发送至 %(email)s，链接 %(hours)s 小时内有效，只能使用一次。", email=email, hours=hours
        )
    else:
        message = _(
            "未配置邮件服务器，邀请邮件没有发出：请把下面的链接发给同事。"
            "链接 %(hours)s 小时内有效，只能使用一次。",
            hours=hours,
        )
    flash(message, "success")
    return sent is not None


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


# What each team change says once done (the confirmation page's texts are in the template).
_DONE = {
    team.Change.REMOVE: _l("已移除 %(name)s：其账号已停用，所有设备上的登录已退出。"),
    team.Change.HANDOVER: _l("管理员角色已移交给 %(name)s，您现在是普通成员。"),
    team.Change.ADMIN: _l("%(name)s 现在是企业管理员。"),
    team.Change.MEMBER: _l("%(name)s 现在是普通成员。"),
}


@bp.route("/members/<int:member_id>/<any(remove, handover, admin, member):change>", methods=["GET", "POST"])
@roles(Role.ENTERPRISE, company_admin=True)
def change_member(member_id: int, change: str) -> Any:
    """GET asks to confirm (what the change does to whom); POST makes it."""
    company = own_company()
    kind = team.Change(change)
    try:
        member = team.find_member(company, member_id)
    except LookupError:
        abort(404)
    form = FlaskForm()
    if request.method == "GET":
        return render_template("companies/member_change.html", member=member, change=kind.value, form=form)
    if not form.validate_on_submit():
        abort(400)
    name = member.name
    try:
        team.apply(company, current_user, member_id, kind)
    except team.TeamError as refused:
        flash(refused.text(), "error")
        return redirect(url_for("companies.members"))
    if not current_user.active:  # the administrator removed their own account: this session is over too
        logout_user()
        flash(_("您已退出 %(company)s。", company=company.name), "info")
        return redirect(url_for("auth.login"))
    flash(str(_DONE[kind]) % {"name": name}, "success")
    return redirect(url_for("companies.members"))
