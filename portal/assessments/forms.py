"""WTForms built at run time from an instrument module (one field per item, plus evidence sub-fields).

WTForms renders the controls and carries what the user typed back into the page after a failed save;
the questionnaires library is the single authority on what a valid answer is, so its zh/en messages are
attached to the fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import get_locale
from wtforms import Field, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.form import BaseForm
from wtforms.widgets import CheckboxInput, ListWidget

import questionnaires
from questionnaires import Instrument, Item, Module

EVIDENCE_SEP = "::"
VERSION_PREFIX = "__v__"


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form: Any) -> None:  # the questionnaires library validates choices
        return None


class LooseRadioField(RadioField):
    def pre_validate(self, form: Any) -> None:
        return None


def english() -> bool:
    return str(get_locale() or "zh_CN").startswith("en")


def text(zh: str | None, en: str | None) -> str:
    return (en or zh or "") if english() else (zh or en or "")


def _number_attrs(item_min: Any, item_max: Any, integer: bool) -> dict[str, Any]:
    attrs: dict[str, Any] = {"type": "number", "step": "1" if integer else "any", "inputmode": "decimal"}
    if item_min is not None:
        attrs["min"] = str(item_min)
    if item_max is not None:
        attrs["max"] = str(item_max)
    return attrs


def field_for(item: Item) -> Field:
    label = text(item.text_zh, item.text_en)
    if item.type == "single":
        return LooseRadioField(label, choices=[(o.id, text(o.text_zh, o.text_en)) for o in item.options])
    if item.type == "multi":
        return CheckboxListField(label, choices=[(o.id, text(o.text_zh, o.text_en)) for o in item.options])
    if item.type == "boolean":
        return LooseRadioField(
            label,
            choices=[("true", "是" if not english() else "Yes"), ("false", "否" if not english() else "No")],
        )
    if item.type == "scenario_level":
        below = "未达到 L1" if not english() else "Below L1"
        choices = [("0", below)] + [
            (str(step.level), f"L{step.level}：{text(step.text_zh, step.text_en)}") for step in item.ladder
        ]
        return LooseRadioField(label, choices=choices)
    if item.type in ("number", "integer"):
        return StringField(label, render_kw=_number_attrs(item.min, item.max, item.type == "integer"))
    return TextAreaField(label, render_kw={"rows": 3, "maxlength": str(item.max_length or 2000)})


def _stored_to_form(item: Item, stored: Any) -> Any:
    value = questionnaires.answer_value(stored)
    if value is None:
        return None
    if item.type == "boolean":
        return "true" if value else "false"
    if item.type in ("scenario_level", "number", "integer"):
        return str(value)
    return value


@dataclass
class ModuleForm:
    """The built form plus what the template needs to lay items out."""

    form: BaseForm
    items: list[Item]
    evidence_fields: dict[str, list[str]]  # item id -> field names of its evidence inputs


def build_module_form(
    instrument: Instrument,
    module: Module,
    answers: Mapping[str, Any],
    cluster: str | None,
    formdata: Any = None,
) -> ModuleForm:
    """One field per item of the module that applies to the company's cluster (skip rules are applied
    in the page so that items can appear as soon as an earlier answer makes them relevant)."""
    items = [i for i in module.items if not i.clusters or (cluster is not None and cluster in i.clusters)]
    fields: dict[str, Field] = {}
    evidence: dict[str, list[str]] = {}
    for item in items:
        fields[item.id] = field_for(item)
        names = []
        for ev in item.evidence:
            name = f"{item.id}{EVIDENCE_SEP}{ev.id}"
            label = text(ev.label_zh, ev.label_en) + (f"（{ev.unit}）" if ev.unit else "")
            if ev.type in ("number", "integer"):
                fields[name] = StringField(label, render_kw=_number_attrs(ev.min, ev.max, False))
            else:
                fields[name] = StringField(label)
            names.append(name)
        evidence[item.id] = names
    form = BaseForm(fields)
    data: dict[str, Any] = {}
    for item in items:
        stored = answers.get(item.id)
        data[item.id] = _stored_to_form(item, stored)
        for ev in item.evidence:
            ev_value = questionnaires.answer_evidence(stored).get(ev.id)
            data[f"{item.id}{EVIDENCE_SEP}{ev.id}"] = None if ev_value is None else str(ev_value)
    form.process(formdata, data=data)
    return ModuleForm(form, items, evidence)


def submitted_value(item: Item, form: BaseForm) -> Any:
    """The answer (in the questionnaires representation) the user typed for one item."""
    field = form[item.id]
    raw: Any = field.data
    if item.type == "multi":
        raw = list(raw or []) or None
    elif isinstance(raw, str):
        raw = raw.strip() or None
    if not item.evidence:
        return raw
    evidence: dict[str, Any] = {}
    for ev in item.evidence:
        value = form[f"{item.id}{EVIDENCE_SEP}{ev.id}"].data
        if isinstance(value, str) and value.strip():
            evidence[ev.id] = value.strip()
    if raw is None and not evidence:
        return None
    return {"value": raw, "evidence": evidence}
