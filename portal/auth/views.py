"""Sign-in, sign-out, registration (company / provider), password change, invitation acceptance."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm

from portal import mail
from portal.access import anonymous_only, public, signed_in
from portal.auth import security, services
from portal.auth.forms import (
    AcceptInvitationForm,
    ApiTokenForm,
    ForgotPasswordForm,
    LoginForm,
    PasswordChangeForm,
    RegisterCompanyForm,
    RegisterProviderForm,
    ResetPasswordForm,
)
from portal.choices import districts_by_city
from portal.home import home_url
from portal.links import external_url, safe_target

bp = Blueprint("auth", __name__)


def _safe_next(default: str) -> str:
    return safe_target(request.args.get("next"), default)


def _attach(form: Any, error: services.AccountError) -> None:
    if error.field and error.field in form:
        form[error.field].errors.append(_(str(error)))
    else:
        flash(_(str(error)), "error")


@bp.route("/login", methods=["GET", "POST"])
@anonymous_only
def login() -> Any:
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = services.authenticate(
                form.email.data or "", form.password.data or "", request.remote_addr or "unknown"
            )
        except security.SignInError as refused:
            form.password.errors.append(refused.message_en if _english() else refused.message_zh)
            status = refused.status
        else:
            if user is not None:
                login_user(user, remember=bool(form.remember.data))
                return redirect(_safe_next(home_url(user)))
            form.password.errors.append(_("邮箱或密码不正确。"))
    return render_template("auth/login.html", form=form), status


def _english() -> bool:
    return str(get_locale() or "zh_CN").startswith("en")


@bp.route("/password/forgot", methods=["GET", "POST"])
@anonymous_only
def forgot_password() -> Any:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        token = security.request_reset(services.find_user(form.email.data or ""))
        if token is not None:
            link = external_url("auth.reset_password", token=token)
            mail.send(
                services.normalize_email(form.email.data or ""),
                "数转评估：重置密码",
                f"请在 1 小时内打开以下链接设置新密码（只能使用一次）：\n{link}\n"
                "如非本人操作，请忽略本邮件。",
            )
        # the same answer whether or not the address has an account
        flash(_("如果该邮箱已注册，我们已发送重置密码的链接，1 小时内有效。"), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str) -> Any:
    try:
        security.open_reset(token)
    except security.SignInError as refused:
        message = refused.message_en if _english() else refused.message_zh
        return render_template("auth/invitation_invalid.html", message=message), 410
    form = ResetPasswordForm()
    if form.validate_on_submit():
        security.reset_password(token, form.password.data or "")
        flash(_("密码已重置，请用新密码登录。"), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form)


@bp.route("/account/tokens", methods=["GET", "POST"])
@signed_in
def api_tokens() -> Any:
    form = ApiTokenForm()
    new_secret = None
    if form.validate_on_submit():
        created = security.create_api_token(
            current_user, form.name.data or "", set(form.scopes.data or []), form.days.data or None
        )
        new_secret = created.secret
    return render_template(
        "auth/tokens.html",
        form=form,
        tokens=security.user_tokens(current_user),
        new_secret=new_secret,
        revoke_form=FlaskForm(),
        scopes=security.SCOPES,
    )


@bp.post("/account/tokens/<int:token_id>/revoke")
@signed_in
def revoke_api_token(token_id: int) -> Any:
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        security.revoke_api_token(current_user, token_id)
    except LookupError:
        abort(404)
    flash(_("令牌已撤销，立即失效。"), "info")
    return redirect(url_for("auth.api_tokens"))


@bp.post("/logout")
@signed_in
def logout() -> Any:
    logout_user()
    flash(_("您已安全退出。"), "info")
    return redirect(url_for("home.index"))


@bp.route("/register", methods=["GET", "POST"])
@anonymous_only
def register() -> Any:
    form = RegisterCompanyForm()
    if form.validate_on_submit():
        try:
            user = services.register_company(
                _account(form),
                company_name=form.company_name.data or "",
                credit_code=form.credit_code.data or "",
                city=form.city.data or "",
                district=form.district.data,
                bureau_sharing=bool(form.bureau_sharing.data),
            )
        except services.AccountError as error:
            _attach(form, error)
        else:
            login_user(user)
            flash(_("注册成功。请完善企业信息，以便计算企业规模并匹配适用政策。"), "success")
            return redirect(url_for("companies.edit_profile"))
    return render_template("auth/register.html", form=form, districts_by_city=districts_by_city())


@bp.route("/register/provider", methods=["GET", "POST"])
@anonymous_only
def register_provider() -> Any:
    form = RegisterProviderForm()
    if form.validate_on_submit():
        try:
            user = services.register_provider(
                _account(form),
                org_name=form.org_name.data or "",
                credit_code=form.credit_code.data or "",
                city=form.city.data or "",
            )
        except services.AccountError as error:
            _attach(form, error)
        else:
            login_user(user)
            flash(_("注册成功。"), "success")
            return redirect(home_url(user))
    return render_template("auth/register_provider.html", form=form)


def _account(form: Any) -> services.NewAccount:
    return services.NewAccount(
        name=form.name.data or "",
        email=form.email.data or "",
        password=form.password.data or "",
        phone=form.phone.data,
    )


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in
def change_password() -> Any:
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current.data or "", form.password.data or "")
        except services.AccountError as error:
            _attach(form, error)
        else:
            flash(_("密码已修改。"), "success")
            return redirect(home_url(current_user))
    return render_template("auth/password.html", form=form)


@bp.route("/invite/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token: str) -> Any:
    if current_user.is_authenticated:
        flash(_("您已登录。如需接受邀请，请先退出当前账号。"), "info")
        return redirect(home_url(current_user))
    try:
        invitation = services.open_invitation(token)
    except services.AccountError as error:
        return render_template("auth/invitation_invalid.html", message=_(str(error))), 410
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            user = services.accept_invitation(
                token, form.name.data or "", form.password.data or "", form.phone.data
            )
        except services.AccountError as error:
            _attach(form, error)
        else:
            login_user(user)
            flash(_("欢迎加入 %(company)s。", company=invitation.company.name), "success")
            return redirect(home_url(user))
    current_app.logger.info("invitation %s opened", invitation.id)
    return render_template("auth/accept_invitation.html", form=form, invitation=invitation)
