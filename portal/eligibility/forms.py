"""Forms built from the contract's field registry: company conditions, one project form per program.

Every contract field is optional (empty = not known). WTForms only reads the raw text; the engine's
``parse_input`` checks types, ranges and cross-field rules (services), and its zh/en messages are shown
next to the fields, so the page and the API refuse the same values with the same words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.widgets import CheckboxInput, DateInput, ListWidget, NumberInput

from portal.eligibility import catalog
from portal.i18n import localized
from scoring.eligibility.fields import FieldSpec, FieldType
from scoring.eligibility.rules import Program

NOT_A_CHOICE = "请从列表中选择 / choose a value from the list"
NONE_OF_THEM = "__none__"  # list fields: "none of the above" (an empty, known list)
YEARS_SUFFIX = "__years"  # years_since_* fields: the number next to the "never / happened" choice


def _tri_state() -> list[tuple[str, str]]:
    return [("", _("未填写")), ("yes", _("是")), ("no", _("否"))]


def _field_for(spec: FieldSpec, hint: str) -> dict[str, Any]:
    """The WTForms field(s) for one contract field (name → unbound field), in the current language."""
    label = catalog.label(spec)
    unknown = _("未填写")
    if spec.null_means_never:
        return {
            spec.name: SelectField(
                label,
                choices=[
                    ("", unknown),
                    ("never", _("从未发生")),
                    ("years", _("发生过，距今年数：")),
                ],
                description=hint,
                validate_choice=False,
            ),
            spec.name + YEARS_SUFFIX: StringField(
                _("距今年数"),
                widget=NumberInput(step="any", min=0),
            ),
        }
    if spec.type is FieldType.BOOLEAN:
        return {spec.name: SelectField(label, choices=_tri_state(), description=hint, validate_choice=False)}
    if spec.type is FieldType.ENUM:
        choices = [("", unknown)] + [(c, catalog.choice_label(c)) for c in spec.choices]
        return {spec.name: SelectField(label, choices=choices, description=hint, validate_choice=False)}
    if spec.type is FieldType.ENUM_LIST:
        choices = [(c, catalog.choice_label(c)) for c in spec.choices]
        choices.append((NONE_OF_THEM, _("以上均无")))
        unticked = _("不勾选表示未填写。")  # outside the f-string, where message extraction finds it
        return {
            spec.name: SelectMultipleField(
                label,
                choices=choices,
                widget=ListWidget(prefix_label=False),
                option_widget=CheckboxInput(),
                validate_choice=False,
                description=f"{hint} {unticked}",
            )
        }
    if spec.type is FieldType.DATE:
        return {spec.name: StringField(label, widget=DateInput(), description=hint)}
    if spec.numeric:
        step = "1" if spec.type is FieldType.INTEGER else "any"
        widget = NumberInput(step=step, min=spec.minimum, max=spec.maximum)
        return {spec.name: StringField(label, widget=widget, description=hint)}
    return {spec.name: StringField(label, description=hint)}


def _build(name: str, specs: Iterable[FieldSpec], hints: Mapping[str, str], extra: dict[str, Any]) -> type:
    attrs: dict[str, Any] = dict(extra)
    for spec in specs:
        attrs.update(_field_for(spec, hints.get(spec.name, "")))
    attrs["submit"] = SubmitField(_l("保存"))
    return type(name, (FlaskForm,), attrs)


def conditions_form_class(specs: list[FieldSpec], hints: Mapping[str, str]) -> type:
    return _build("ConditionsForm", specs, hints, {})


def project_form_class(program: Program, specs: list[FieldSpec], hints: Mapping[str, str]) -> type:
    extra: dict[str, Any] = {
        "name": StringField(
            _l("项目名称"),
            description=_l("在本企业内唯一，例如“2024年智能产线改造”。报告中以此名称指代项目。"),
        )
    }
    if program.directions:
        choices = [("", _("— 请选择 —"))] + [(d.id, localized(d, "name")) for d in program.directions]
        extra["direction"] = SelectField(_l("申报方向"), choices=choices, validate_choice=False)
    return _build("ProjectForm", specs, hints, extra)


# ------------------------------------------------------------------------- form text ↔ contract values


# Plain notation with ASCII digits. Decimal() also takes exponents ("1e200000" then took seconds to become
# an int), NaN, Infinity and full-width digits; the contract checks the range of what passes.
_NUMBER_TEXT = re.compile(r"[+-]?(?:[0-9]{1,40}(?:\.[0-9]{0,20})?|\.[0-9]{1,20})")


def _number(spec: FieldSpec, text: str) -> tuple[int | float | None, str | None]:
    cleaned = text.strip().replace(",", "").replace("，", "")
    if not _NUMBER_TEXT.fullmatch(cleaned):
        return None, "应为数字（半角，如 1234.5） / must be a number (digits, such as 1234.5)"
    value = Decimal(cleaned)
    if spec.type is FieldType.INTEGER and value != value.to_integral_value():
        return None, "应为整数 / must be an integer"
    return (int(value) if value == value.to_integral_value() else float(value)), None


def read_values(form: FlaskForm, specs: Iterable[FieldSpec]) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """Contract values from the form (empty = absent) and text-level errors (contract error dicts)."""
    values: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for spec in specs:
        raw = form[spec.name].data
        if isinstance(raw, str):
            raw = raw.strip()  # whitespace only = not filled in
        if spec.null_means_never or spec.type is FieldType.BOOLEAN:
            allowed = ("never", "years") if spec.null_means_never else ("yes", "no")
            if raw not in ("", None, *allowed):  # a forged value: refused, not read as "not known"
                problems[spec.name] = NOT_A_CHOICE
                continue
        if spec.null_means_never:
            if raw == "never":
                values[spec.name] = None
            elif raw == "years":
                text = (form[spec.name + YEARS_SUFFIX].data or "").strip()
                if not text:
                    problems[spec.name] = "请填写距今年数 / enter the number of years"
                    continue
                number, problem = _number(spec, text)
                if problem:
                    problems[spec.name] = problem
                else:
                    values[spec.name] = number
            continue
        if spec.type is FieldType.BOOLEAN:
            if raw in ("yes", "no"):
                values[spec.name] = raw == "yes"
        elif spec.type is FieldType.ENUM_LIST:
            picked = list(raw or [])
            if picked:
                values[spec.name] = [v for v in picked if v != NONE_OF_THEM]
        elif spec.numeric:
            text = (raw or "").strip()
            if text:
                number, problem = _number(spec, text)
                if problem:
                    problems[spec.name] = problem
                else:
                    values[spec.name] = number
        elif raw not in (None, ""):
            values[spec.name] = raw.strip() if isinstance(raw, str) else raw
    errors = []
    for name, text in problems.items():
        zh, en = text.split(" / ", 1)
        errors.append({"field": name, "message_zh": zh, "message_en": en})
    return values, errors


def form_data(values: Mapping[str, Any], specs: Iterable[FieldSpec]) -> dict[str, Any]:
    """Stored contract values → the form's initial data."""
    data: dict[str, Any] = {}
    for spec in specs:
        if spec.name not in values:
            continue
        value = values[spec.name]
        if spec.null_means_never:
            data[spec.name] = "never" if value is None else "years"
            if value is not None:
                data[spec.name + YEARS_SUFFIX] = str(value)
        elif spec.type is FieldType.BOOLEAN:
            data[spec.name] = "yes" if value else "no"
        elif spec.type is FieldType.ENUM_LIST:
            data[spec.name] = list(value) if value else [NONE_OF_THEM]
        elif spec.numeric:
            data[spec.name] = str(value)
        else:
            data[spec.name] = value
    return data
