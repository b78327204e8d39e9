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
from wtforms import Field
from wtforms.form import BaseForm

import questionnaires
from portal.assessments.item_fields import evidence_input_of, field_of
from portal.i18n import localized
from questionnaires import Instrument, Item, Module

EVIDENCE_SEP = "::"
VERSION_PREFIX = "__v__"


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
        values[item.id] = None if value is None else field_of(item).form_value(value)
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
        fields[item.id] = field_of(item).field(item)
        names = []
        for ev in item.evidence:
            name = f"{item.id}{EVIDENCE_SEP}{ev.id}"
            label = localized(ev, "label")
            if ev.unit:
                label = _("%(label)s（%(unit)s）", label=label, unit=ev.unit)
            fields[name] = evidence_input_of(ev).field(ev, label)
            names.append(name)
        evidence[item.id] = names
    form = BaseForm(fields)
    form.process(formdata, data=stored_form_values(items, answers))
    return ModuleForm(form, items, evidence)


def submitted_value(item: Item, form: BaseForm) -> Any:
    """The answer (in the questionnaires representation) the user typed for one item."""
    raw = field_of(item).submitted(form[item.id].data)
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
