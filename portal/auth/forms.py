"""Sign-in, registration, password and invitation forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, EqualTo, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from portal.choices import city_choices, district_choices
from portal.validators import (
    ChoiceField,
    MaxChars,
    Range,
    WholeNumberField,
    credit_code_check,
    district_in_city,
    password_strength,
)

REQUIRED = _l("此项为必填项。")


class LoginForm(FlaskForm):
    email = EmailField(_l("邮箱"), validators=[DataRequired(REQUIRED), Email(_l("请输入有效的邮箱地址。"))])
    password = PasswordField(_l("密码"), validators=[DataRequired(REQUIRED)])
    remember = BooleanField(_l("在此设备上保持登录"))
    submit = SubmitField(_l("登录"))


class _AccountFields(FlaskForm):
    name = StringField(_l("姓名"), validators=[DataRequired(REQUIRED), MaxChars(80)])
    email = EmailField(
        _l("邮箱（登录账号）"), validators=[DataRequired(REQUIRED), Email(_l("请输入有效的邮箱地址。"))]
    )
    phone = StringField(_l("手机号码"), validators=[Optional(), MaxChars(30)])
    password = PasswordField(_l("密码"), validators=[DataRequired(REQUIRED), password_strength])
    password2 = PasswordField(
        _l("确认密码"), validators=[DataRequired(REQUIRED), EqualTo("password", _l("两次输入的密码不一致。"))]
    )


class RegisterCompanyForm(_AccountFields):
    company_name = StringField(_l("企业名称"), validators=[DataRequired(REQUIRED), MaxChars(120)])
    credit_code = StringField(_l("统一社会信用代码"), validators=[DataRequired(REQUIRED), credit_code_check])
    city = ChoiceField(_l("所在地市"), choices=city_choices, validators=[DataRequired(REQUIRED)])
    district = ChoiceField(
        _l("所在区县"), choices=district_choices, validators=[Optional(), district_in_city("city")]
    )
    bureau_sharing = BooleanField(_l("同意向所在地工业和信息化主管部门共享本企业名称及评估结果"))
    accept_terms = BooleanField(
        _l("我已阅读并同意《用户服务协议》和《个人信息保护说明》"),
        validators=[DataRequired(_l("请阅读并同意用户协议和个人信息保护说明。"))],
    )
    submit = SubmitField(_l("注册"))


class RegisterProviderForm(_AccountFields):
    org_name = StringField(_l("服务商名称"), validators=[DataRequired(REQUIRED), MaxChars(120)])
    credit_code = StringField(_l("统一社会信用代码"), validators=[DataRequired(REQUIRED), credit_code_check])
    city = ChoiceField(_l("所在地市"), choices=city_choices, validators=[DataRequired(REQUIRED)])
    accept_terms = BooleanField(
        _l("我已阅读并同意《用户服务协议》和《个人信息保护说明》"),
        validators=[DataRequired(_l("请阅读并同意用户协议和个人信息保护说明。"))],
    )
    submit = SubmitField(_l("注册"))


class PasswordChangeForm(FlaskForm):
    current = PasswordField(_l("当前密码"), validators=[DataRequired(REQUIRED)])
    password = PasswordField(_l("新密码"), validators=[DataRequired(REQUIRED), password_strength])
    password2 = PasswordField(
        _l("确认新密码"),
        validators=[DataRequired(REQUIRED), EqualTo("password", _l("两次输入的密码不一致。"))],
    )
    submit = SubmitField(_l("修改密码"))


class AcceptInvitationForm(FlaskForm):
    name = StringField(_l("姓名"), validators=[DataRequired(REQUIRED), MaxChars(80)])
    phone = StringField(_l("手机号码"), validators=[Optional(), MaxChars(30)])
    password = PasswordField(_l("设置密码"), validators=[DataRequired(REQUIRED), password_strength])
    password2 = PasswordField(
        _l("确认密码"), validators=[DataRequired(REQUIRED), EqualTo("password", _l("两次输入的密码不一致。"))]
    )
    # an invited colleague opens an account too, and agrees to the same terms as one who registers
    accept_terms = BooleanField(
        _l("我已阅读并同意《用户服务协议》和《个人信息保护说明》"),
        validators=[DataRequired(_l("请阅读并同意用户协议和个人信息保护说明。"))],
    )
    submit = SubmitField(_l("加入企业"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("注册邮箱"), validators=[DataRequired(REQUIRED), Email(_l("请输入有效的邮箱地址。"))]
    )
    submit = SubmitField(_l("发送重置链接"))


class ResendVerificationForm(FlaskForm):
    email = EmailField(
        _l("注册邮箱"), validators=[DataRequired(REQUIRED), Email(_l("请输入有效的邮箱地址。"))]
    )
    submit = SubmitField(_l("重新发送验证邮件"))


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("新密码"), validators=[DataRequired(REQUIRED), password_strength])
    password2 = PasswordField(
        _l("确认新密码"),
        validators=[DataRequired(REQUIRED), EqualTo("password", _l("两次输入的密码不一致。"))],
    )
    submit = SubmitField(_l("设置新密码"))


class ApiTokenForm(FlaskForm):
    name = StringField(_l("用途说明"), validators=[DataRequired(REQUIRED), MaxChars(80)])
    scopes = SelectMultipleField(
        _l("权限范围"),
        choices=[
            ("eligibility", _l("政策条件预检")),
            ("assessments:read", _l("读取本企业评估答案和结果")),
            ("bureau:read", _l("读取辖区统计（主管部门）")),
        ],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[DataRequired(_l("请至少选择一个权限范围。"))],
    )
    days = WholeNumberField(
        _l("有效天数（留空为长期有效，可随时撤销）"), validators=[Optional(), Range(1, 3650)]
    )
    submit = SubmitField(_l("创建令牌"))
