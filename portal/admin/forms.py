"""Platform-administration forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, EmailField, PasswordField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, Optional, ValidationError

from portal.choices import city_choices, district_choices
from portal.validators import (
    ChoiceField,
    MaxChars,
    credit_code_check,
    date_range,
    district_in_city,
    password_strength,
)

REQUIRED = _l("此项为必填项。")


def _level_needs_places(form: FlaskForm, field: object) -> None:
    level = form.level.data
    if level in ("city", "district") and not form.city.data:
        raise ValidationError(_l("市级、区县级主管部门须选择地市。"))
    if level == "district" and not form.district.data:
        raise ValidationError(_l("区县级主管部门须选择区县。"))


class BureauOfficerForm(FlaskForm):
    name = StringField(_l("姓名"), validators=[DataRequired(REQUIRED), MaxChars(80)])
    email = EmailField(
        _l("邮箱（登录账号）"), validators=[DataRequired(REQUIRED), Email(_l("请输入有效的邮箱地址。"))]
    )
    password = PasswordField(_l("初始密码"), validators=[DataRequired(REQUIRED), password_strength])
    level = ChoiceField(
        _l("管辖层级"),
        # a required select starts with an empty option: nothing is chosen for the administrator
        choices=[
            ("", _l("请选择")),
            ("province", _l("省级")),
            ("city", _l("地市级")),
            ("district", _l("区县级")),
        ],
        validators=[DataRequired(REQUIRED), _level_needs_places],
    )
    city = ChoiceField(_l("地市"), choices=city_choices, validators=[Optional()])
    district = ChoiceField(
        _l("区县"), choices=district_choices, validators=[Optional(), district_in_city("city")]
    )
    submit = SubmitField(_l("创建主管部门账号"))


class RuleUploadForm(FlaskForm):
    file = FileField(
        _l("规则文件（YAML）"),
        description=_l("一个文件对应一个政策；写法见 docs/rules.md。上传后先预览影响，确认后再发布。"),
    )
    submit = SubmitField(_l("校验并预览"))


class PublishForm(FlaskForm):
    valid_from = DateField(
        _l("生效日期（含当天，北京时间）"),
        validators=[DataRequired(_l("请填写生效日期。")), date_range()],
    )
    valid_until = DateField(_l("失效日期（含当天，可不填）"), validators=[Optional(), date_range()])
    submit = SubmitField(_l("发布"))


class CreditCodeForm(FlaskForm):
    credit_code = StringField(
        _l("正确的统一社会信用代码"), validators=[DataRequired(REQUIRED), credit_code_check]
    )
    reason = TextAreaField(
        _l("更正理由"),
        description=_l("例如：注册时录入错误，已核对营业执照。理由记入审计日志。"),
        validators=[DataRequired(REQUIRED), MaxChars(200)],
    )
    submit = SubmitField(_l("更正"))
