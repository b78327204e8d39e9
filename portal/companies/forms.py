"""Company profile and invitation forms."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Optional, ValidationError

from portal.choices import city_choices, cluster_choices, district_choices, division_choices, section_choices
from portal.validators import (
    AmountField,
    ChoiceField,
    MaxChars,
    Range,
    WholeNumberField,
    district_in_city,
    phone_number,
)
from scoring.reference import industries

REQUIRED = _l("此项为必填项。")
MAX_WAN = 1_000_000_000  # 万元: 10 trillion yuan, beyond any company (the column holds 1e14)
MAX_EMPLOYEES = 10_000_000


def division_in_section(form: FlaskForm, field: object) -> None:
    code = form.industry_division.data
    section = form.industry_section.data
    if code and section and industries.section_of(code) != section:
        raise ValidationError(_l("所选行业大类不属于所选门类。"))


class ProfileForm(FlaskForm):
    name = StringField(_l("企业名称"), validators=[DataRequired(REQUIRED), MaxChars(120)])
    city = ChoiceField(_l("所在地市"), choices=city_choices, validators=[DataRequired(REQUIRED)])
    district = ChoiceField(
        _l("所在区县"), choices=district_choices, validators=[Optional(), district_in_city("city")]
    )
    industry_section = ChoiceField(
        _l("行业门类（GB/T 4754-2017）"), choices=section_choices, validators=[Optional()]
    )
    industry_division = ChoiceField(
        _l("行业大类"), choices=division_choices, validators=[Optional(), division_in_section]
    )
    cluster = ChoiceField(_l("所属战略性产业集群"), choices=cluster_choices, validators=[Optional()])
    founded_year = WholeNumberField(
        _l("成立年份"),
        validators=[Optional(), Range(1949, lambda: date.today().year)],
    )
    employees = WholeNumberField(
        _l("从业人员（人）"),
        validators=[Optional(), Range(0, MAX_EMPLOYEES)],
        description=_l("上年末从业人员数"),
    )
    revenue_wan = AmountField(
        _l("营业收入（万元）"),
        places=2,
        validators=[Optional(), Range(0, MAX_WAN)],
        description=_l("上年度营业收入"),
    )
    total_assets_wan = AmountField(
        _l("资产总额（万元）"),
        places=2,
        validators=[Optional(), Range(0, MAX_WAN)],
        description=_l("上年末资产总额"),
    )
    contact_name = StringField(_l("联系人"), validators=[Optional(), MaxChars(80)])
    contact_phone = StringField(_l("联系电话"), validators=[Optional(), MaxChars(30), phone_number])
    bureau_sharing = BooleanField(_l("同意向所在地工业和信息化主管部门共享本企业名称及评估结果"))
    submit = SubmitField(_l("保存企业信息"))


class InviteForm(FlaskForm):
    email = EmailField(
        _l("同事的邮箱"), validators=[DataRequired(REQUIRED), Email(_l("请输入有效的邮箱地址。"))]
    )
    submit = SubmitField(_l("生成邀请链接"))
