"""WTForms built at run time from an instrument module (one field per item, plus evidence sub-fields).

WTForms reads what a no-JavaScript save posts (the page itself is rendered by page.py from the same
choices and stored values);
the questionnaires library is the single authority on what a valid answer is, so its zh/en messages are
attached to the fields.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from wtforms import Field, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.form import BaseForm
from wtforms.widgets import CheckboxInput, ListWidget

import questionnaires
from portal.i18n import localized
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


def _number_attrs(item_min: Any, item_max: Any, integer: bool) -> dict[str, Any]:
    attrs: dict[str, Any] = {"type": "number", "step": "1" if integer else "any", "inputmode": "decimal"}
    if item_min is not None:
        attrs["min"] = str(item_min)
    if item_max is not None:
        attrs["max"] = str(item_max)
    return attrs


def choices_of(item: Item) -> list[tuple[str, str, bool]]:
    """(value, label, exclusive) of a choice item, as the form posts them; [] for typed items."""
    if item.type in ("single", "multi"):
        return [(o.id, localized(o, "text"), bool(o.exclusive)) for o in item.options]
    if item.type == "boolean":
        return [("true", _("是"), False), ("false", _("否"), False)]
    if item.type == "scenario_level":
        below = _("未达到 L1")
        steps = [
            (str(s.level), _("L%(level)s：%(text)s", level=s.level, text=localized(s, "text")), False)
            for s in item.ladder
        ]
        return [("0", below, False), *steps]
    return []


def field_for(item: Item) -> Field:
    label = localized(item, "text")
    choices = [(value, option_label) for value, option_label, _exclusive in choices_of(item)]
    if item.type == "multi":
        return CheckboxListField(label, choices=choices)
    if choices:
        return LooseRadioField(label, choices=choices)
    if item.type in ("number", "integer"):
        return StringField(label, render_kw=_number_attrs(item.min, item.max, item.type == "integer"))
    return TextAreaField(label, render_kw={"rows": 3, "maxlength": str(item.max_length or 2000)})


def module_items(module: Module, cluster: str | None) -> list[Item]:
    """The module's items that apply to the company's cluster (skip rules are applied in the page, so items
    appear as soon as an earlier answer makes them relevant)."""
    return [i for i in module.items if not i.clusters or (cluster is not None and cluster in i.clusters)]


def stored_form_values(items: Iterable[Item], answers: Mapping[str, Any]) -> dict[str, Any]:
    """Stored answers as the form shows them: {field name: str | list[str] | None}."""
    values: dict[str, Any] = {}
    for item in items:
        stored = answers.get(item.id)
        value = questionnaires.answer_value(stored)
        if value is None:
            values[item.id] = None
        elif item.type == "boolean":
            values[item.id] = "true" if value else "false"
        elif item.type in ("scenario_level", "number", "integer"):
            values[item.id] = str(value)
        else:
            values[item.id] = value
        evidence = questionnaires.answer_evidence(stored)
        for ev in item.evidence:
            ev_value = evidence.get(ev.id)
            values[f"{item.id}{EVIDENCE_SEP}{ev.id}"] = None if ev_value is None else str(ev_value)
    return values


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
    """One field per item of the module that applies to the company's cluster."""
    items = module_items(module, cluster)
    fields: dict[str, Field] = {}
    evidence: dict[str, list[str]] = {}
    for item in items:
        fields[item.id] = field_for(item)
        names = []
        for ev in item.evidence:
            name = f"{item.id}{EVIDENCE_SEP}{ev.id}"
            label = localized(ev, "label")
            if ev.unit:
                label = _("%(label)s（%(unit)s）", label=label, unit=ev.unit)
            if ev.type in ("number", "integer"):
                fields[name] = StringField(label, render_kw=_number_attrs(ev.min, ev.max, False))
            else:
                fields[name] = StringField(label)
            names.append(name)
        evidence[item.id] = names
    form = BaseForm(fields)
    form.process(formdata, data=stored_form_values(items, answers))
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
