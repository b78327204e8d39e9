"""Sign-in, sign-out, registration (company / provider), password change, invitation acceptance."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from portal import mail
from portal.access import anonymous_only, home_url, public, signed_in
from portal.auth import devices, security, services, sessions, throttle
from portal.auth.forms import (
    AcceptInvitationForm,
    ApiTokenForm,
    ForgotPasswordForm,
    LoginForm,
    PasswordChangeForm,
    RegisterCompanyForm,
    RegisterProviderForm,
    ResendVerificationForm,
    ResetPasswordForm,
)
from portal.choices import districts_by_city
from portal.extensions import db
from portal.links import external_url, safe_target

bp = Blueprint("auth", __name__)


def _safe_next(default: str) -> str:
    return safe_target(request.args.get("next"), default)


def _attach(form: Any, error: services.AccountError) -> None:
    if error.field and error.field in form:
        form[error.field].errors.append(error.text())
    else:
        flash(error.text(), "error")


@bp.route("/login", methods=["GET", "POST"])
@anonymous_only
def login() -> Any:
    form = LoginForm()
    if form.validate_on_submit():
        email = services.normalize_email(form.email.data or "")
        address = request.remote_addr or "unknown"
        user = services.find_user(email)
        try:
            throttle.before_password_check(email, address, throttle.device_of(user.id) if user else None)
        except throttle.ThrottledError as refused:
            form.password.errors.append(refused.text())
            response = current_app.make_response((render_template("auth/login.html", form=form), 429))
            response.headers["Retry-After"] = str(refused.retry_after)
            return response
        user = security.check_password(user, form.password.data or "")
        if user is None:
            throttle.note_failure(address)
            form.password.errors.append(_("邮箱或密码不正确。"))
        elif not user.email_verified:
            # only someone who knows the password learns that the account waits for verification
            form.email.errors.append(_("该邮箱尚未验证：请打开注册后收到的验证邮件中的链接。"))
            return render_template("auth/login.html", form=form, unverified=True)
        else:
            sessions.sign_in(user, remember=bool(form.remember.data))
            signed_in = redirect(_safe_next(home_url(user)))
            throttle.remember_device(signed_in, user.id)
            return signed_in
    return render_template("auth/login.html", form=form)


@bp.route("/password/forgot", methods=["GET", "POST"])
@anonymous_only
@throttle.mail_limits
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
        message = refused.text()
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
    sessions.sign_out()  # this browser's session row goes: its cookies open nothing any more
    flash(_("您已安全退出。"), "info")
    return redirect(url_for("home.index"))


@bp.route("/account/sessions")
@signed_in
def sign_in_sessions() -> Any:
    return render_template(
        "auth/sessions.html",
        sessions=sessions.active_sessions(current_user),
        current=sessions.current_session_hash(),
        device_name=devices.describe,
        form=FlaskForm(),
    )


@bp.post("/account/sessions/end-others")
@signed_in
def sign_out_other_devices() -> Any:
    if not FlaskForm().validate_on_submit():
        abort(400)
    ended = sessions.end_other_sessions(current_user)
    db.session.commit()
    flash(_("已退出其他 %(count)s 个设备上的登录。", count=ended), "success")
    return redirect(url_for("auth.sign_in_sessions"))


def _registered(registration: services.Registration, email: str) -> Any:
    """The one answer to a registration, whether the address was new or already had an account."""
    if registration.created is not None:
        _send_verification(registration.created)
    elif registration.existing is not None:
        mail.send(
            registration.existing.email,
            "数转评估：有人尝试用您的邮箱注册",
            "有人尝试用本邮箱注册数转评估（DX Assess）账号，但该邮箱已有账号，因此未创建新账号。\n"
            "如果是您本人：请直接登录；忘记密码可在这里重置：\n"
            f"{external_url('auth.forgot_password')}\n"
            "如非本人操作，请忽略本邮件，您的账号不受影响。",
        )
    flash(
        _(
            "我们已向 %(email)s 发送了一封邮件，请在 24 小时内打开其中的链接完成验证，然后登录。",
            email=services.normalize_email(email),
        ),
        "info",
    )
    return redirect(url_for("auth.login"))


def _send_verification(user: Any) -> None:
    token = security.request_verification(user)
    link = external_url("auth.verify_email", token=token)
    mail.send(
        user.email,
        "数转评估：请验证您的邮箱",
        f"欢迎注册数转评估（DX Assess）。请在 24 小时内打开以下链接验证邮箱（只能使用一次）：\n{link}\n"
        "验证后即可登录。如非本人操作，请忽略本邮件。",
    )


@bp.route("/register", methods=["GET", "POST"])
@anonymous_only
@throttle.mail_limits
def register() -> Any:
    form = RegisterCompanyForm()
    if form.validate_on_submit():
        try:
            registration = services.register_company(
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
            return _registered(registration, form.email.data or "")
    return render_template("auth/register.html", form=form, districts_by_city=districts_by_city())


@bp.route("/register/provider", methods=["GET", "POST"])
@anonymous_only
@throttle.mail_limits
def register_provider() -> Any:
    form = RegisterProviderForm()
    if form.validate_on_submit():
        try:
            registration = services.register_provider(
                _account(form),
                org_name=form.org_name.data or "",
                credit_code=form.credit_code.data or "",
                city=form.city.data or "",
            )
        except services.AccountError as error:
            _attach(form, error)
        else:
            return _registered(registration, form.email.data or "")
    return render_template("auth/register_provider.html", form=form)


@bp.get("/register/verify/<token>")
@public
def verify_email(token: str) -> Any:
    """The link of the verification mail (the token is the credential: it works once, for 24 hours)."""
    try:
        security.verify_email(token)
    except security.SignInError as refused:
        message = refused.text()
        page = render_template("auth/invitation_invalid.html", message=message, title=_("验证链接不可用"))
        return page, refused.status
    # not signed in here: mail scanners open links too, and must not get a session
    flash(_("邮箱已验证，请登录。"), "success")
    return redirect(url_for("auth.login"))


@bp.route("/register/resend", methods=["GET", "POST"])
@anonymous_only
@throttle.mail_limits
def resend_verification() -> Any:
    form = ResendVerificationForm()
    if form.validate_on_submit():
        user = services.find_user(form.email.data or "")
        if user is not None and user.active and not user.email_verified:
            _send_verification(user)
        # the same answer for any address
        flash(_("如果该邮箱的账号尚未验证，我们已重新发送验证邮件，24 小时内有效。"), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/resend.html", form=form)


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
            flash(_("密码已修改，其他设备上的登录已全部退出。"), "success")
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
        return render_template("auth/invitation_invalid.html", message=error.text()), 410
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        try:
            user = services.accept_invitation(
                token, form.name.data or "", form.password.data or "", form.phone.data
            )
        except services.AccountError as error:
            _attach(form, error)
        else:
            sessions.sign_in(user)
            flash(_("欢迎加入 %(company)s。", company=invitation.company.name), "success")
            return redirect(home_url(user))
    current_app.logger.info("invitation %s opened", invitation.id)
    return render_template("auth/accept_invitation.html", form=form, invitation=invitation)
