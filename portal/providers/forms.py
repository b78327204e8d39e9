"""Forms of the provider feature: organisation profile, recognitions, solutions, consents, moderation."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portal.i18n import localized, pick
from portal.providers.models import (
    CLOUD_KINDS,
    DEPLOYMENTS,
    DURATIONS,
    MODULES,
    PRICE_BANDS,
    RECOGNITION_KINDS,
    SERVICE_TYPES,
    SIZES,
)
from portal.validators import (
    ChoiceField,
    MaxChars,
    Range,
    WholeNumberField,
    credit_code_check,
    date_range,
    phone_number,
)
from scoring.maturity import roadmap
from scoring.reference import industries, regions

REQUIRED = _l("此项为必填项。")
MAX_NAMED_CLUSTERS = 5


def labelled(table: dict[str, tuple[str, str]]) -> list[tuple[str, str]]:
    return [(key, pick(zh, en)) for key, (zh, en) in table.items()]


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes (rendered by templates/providers/_fields.html)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def at_least_one(message: Any) -> Any:
    def check(form: FlaskForm, field: Any) -> None:
        if not field.data:
            raise ValidationError(message)

    return check


class OrgProfileForm(FlaskForm):
    name = StringField(_l("机构名称"), validators=[DataRequired(REQUIRED), MaxChars(120)])
    credit_code = StringField(_l("统一社会信用代码"), validators=[DataRequired(REQUIRED), credit_code_check])
    city = ChoiceField(_l("注册地（地市）"), validators=[Optional()])
    cities_served = MultiCheckboxField(
        _l("服务地市"), validators=[at_least_one(_l("请至少选择一个服务地市。"))]
    )
    service_types = MultiCheckboxField(
        _l("服务类型"), validators=[at_least_one(_l("请至少选择一种服务类型。"))]
    )
    description = TextAreaField(_l("机构简介"), validators=[Optional(), MaxChars(2000)])
    contact_name = StringField(_l("联系人"), validators=[Optional(), MaxChars(80)])
    contact_phone = StringField(_l("联系电话"), validators=[Optional(), MaxChars(30), phone_number])
    contact_email = EmailField(
        _l("联系邮箱"), validators=[Optional(), Email(_l("请输入有效的邮箱地址。")), MaxChars(254)]
    )
    website = StringField(_l("网址"), validators=[Optional(), MaxChars(200)])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        named = [(c, pick(c, regions.CITY_NAMES_EN[c])) for c in regions.CITIES]  # in the page's language
        self.city.choices = [("", _l("请选择地市")), *named]
        self.cities_served.choices = named
        self.service_types.choices = labelled(SERVICE_TYPES)


class RecognitionForm(FlaskForm):
    kind = ChoiceField(_l("资质 / 认定"), validators=[DataRequired(REQUIRED)])
    title = StringField(
        _l("名称或批次"),
        validators=[MaxChars(200)],  # no Optional(): it would skip validate_title
        description=_l("例如：2022 年第一批；“其他认定”请写明名称"),
    )
    year = WholeNumberField(_l("年份"), validators=[Optional(), Range(2000, 2100)])
    evidence = StringField(
        _l("文号或公示网址"), validators=[Optional(), MaxChars(300)], description=_l("便于平台核实")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = [("", _l("请选择")), *labelled(RECOGNITION_KINDS)]

    def validate_title(self, field: Any) -> None:
        if self.kind.data == "other" and not (field.data or "").strip():
            raise ValidationError(_l("选择“其他认定”时请填写认定名称。"))


class SolutionForm(FlaskForm):
    name = StringField(_l("方案名称"), validators=[DataRequired(REQUIRED), MaxChars(120)])
    summary = TextAreaField(
        _l("方案简介"),
        validators=[DataRequired(REQUIRED), MaxChars(2000, _l("简介最多 2000 字。"))],
        description=_l("解决什么问题、主要功能、典型客户"),
    )
    modules = MultiCheckboxField(_l("针对的维度"))
    cloud_kinds = MultiCheckboxField(_l("上云上平台类型（专栏2）"))
    actions = MultiCheckboxField(
        _l("能交付的提升措施"),
        validators=[at_least_one(_l("请至少选择一项方案能交付的提升措施，否则不会推荐给企业。"))],
        description=_l("只在企业的路线图含有所选措施时推荐本方案。"),
    )
    all_clusters = BooleanField(_l("适用于所有产业集群"), default=True)
    clusters = MultiCheckboxField(_l("适用的战略性产业集群（最多 5 个）"))
    sizes = MultiCheckboxField(_l("适用企业规模"), validators=[at_least_one(_l("请至少选择一种企业规模。"))])
    deployments = MultiCheckboxField(
        _l("部署方式"), validators=[at_least_one(_l("请至少选择一种部署方式。"))]
    )
    price_band = ChoiceField(_l("价格区间"), validators=[DataRequired(_l("请选择价格区间。"))])
    duration = ChoiceField(_l("典型实施周期"), validators=[DataRequired(_l("请选择典型实施周期。"))])
    support_listed = BooleanField(_l("已列入“上云上平台”产品目录或可享受省级支持"))
    support_note = StringField(
        _l("目录名称 / 文号"),
        validators=[MaxChars(300)],  # no Optional(): it would skip validate_support_note
        description=_l("声明可享受支持时必填，平台管理员将核实"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.modules.choices = labelled(MODULES)
        self.cloud_kinds.choices = labelled(CLOUD_KINDS)
        self.actions.choices = [(a.id, localized(a, "title")) for a in roadmap.catalogue()]
        self.clusters.choices = [(c.id, localized(c, "name")) for c in industries.clusters()]
        self.sizes.choices = labelled(SIZES)
        self.deployments.choices = labelled(DEPLOYMENTS)
        self.price_band.choices = [("", _l("请选择")), *labelled(PRICE_BANDS)]
        self.duration.choices = [("", _l("请选择")), *labelled(DURATIONS)]

    def validate_clusters(self, field: Any) -> None:
        if self.all_clusters.data:
            return
        if not field.data:
            raise ValidationError(_l("请选择适用的产业集群，或勾选“适用于所有产业集群”。"))
        if len(field.data) > MAX_NAMED_CLUSTERS:
            raise ValidationError(
                _l("最多选择 %(n)s 个集群；适用范围更广时请勾选“适用于所有产业集群”。", n=MAX_NAMED_CLUSTERS)
            )

    def validate_support_note(self, field: Any) -> None:
        if self.support_listed.data and not (field.data or "").strip():
            raise ValidationError(_l("声明可享受省级支持时，请填写产品目录名称或文号。"))


class ModerationForm(FlaskForm):
    reason = StringField(_l("理由"), validators=[DataRequired(_l("请填写理由。")), MaxChars(300)])


class VerifyForm(FlaskForm):
    verified_on = DateField(_l("核实日期"), validators=[DataRequired(_l("请填写核实日期。")), date_range()])


def _choice_id(value: str | int | None) -> int:
    """A select's id; the empty "请选择" option reads as 0, which DataRequired refuses with its message."""
    if value is None or value == "":
        return 0
    return int(value)


class ConsentForm(FlaskForm):
    assessment_id = SelectField(_l("评估"), coerce=_choice_id, validators=[DataRequired(_l("请选择评估。"))])
    provider_org_id = SelectField(
        _l("服务商"), coerce=_choice_id, validators=[DataRequired(_l("请选择服务商。"))]
    )
    mode = RadioField(
        _l("授权方式"),
        choices=[
            ("share", _l("共享查看：服务商可查看本次评估的答案、结果和报告")),
            ("assist", _l("协助填报 / 复核：服务商还可以代为修改答案，每次修改都会记录")),
        ],
        default="share",
        validators=[DataRequired(_l("请选择授权方式。"))],
    )
    ends_on = DateField(
        _l("授权截止日期（含当天）"), validators=[DataRequired(_l("请填写有效的截止日期。")), date_range()]
    )
    note = StringField(
        _l("给服务商的留言"),
        validators=[Optional(), MaxChars(300)],
        description=_l(
            "例如：请帮我们看看设备上云方案。服务商会看到这段留言、评估结果以及企业资料中的联系人和电话。"
        ),
    )


class RecommendForm(FlaskForm):
    solution_id = SelectField(_l("推荐方案"), coerce=int, validators=[DataRequired(_l("请选择方案。"))])
    action_id = StringField(validators=[Optional(), MaxChars(60)])
    message = TextAreaField(_l("给企业的说明"), validators=[Optional(), MaxChars(500)])
