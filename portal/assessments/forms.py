"""WTForms built at run time from an instrument module (one field per item, plus evidence sub-fields).

WTForms reads what a no-JavaScript save posts (the page itself is rendered by page.py from the same
choices and stored values);
the questionnaires library is the single authority on what a valid answer is, so its zh/en messages are
attached to the fields.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import Field
from wtforms.form import BaseForm

import questionnaires
from portal.assessments.item_fields import evidence_input_of, field_of
from portal.assessments.services import Pick
from portal.errors import PortalError
from portal.i18n import localized
from portal.inputs import database_id
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


# The assignment picker on the overview: one select and one optional date per module.
ASSIGNEE_PREFIX, DUE_PREFIX = "assignee-", "due-"
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def read_plan(form: Mapping[str, str]) -> dict[str, Pick]:
    """{module id: Pick} from the picker's fields; an empty select un-assigns, an empty date clears it.
    Anything that is not a member's id or a calendar date is refused (the service checks membership and
    the date range)."""
    plan = {}
    for name, raw in form.items():
        if not name.startswith(ASSIGNEE_PREFIX):
            continue
        module_id = name.removeprefix(ASSIGNEE_PREFIX)
        user_id = database_id(raw) if raw.strip() else None
        if raw.strip() and user_id is None:  # not an id at all ('²', 2**31, …): no member has it
            raise PortalError(400, _l("只能分配给本企业成员"))
        plan[module_id] = Pick((user_id,) if user_id else (), _due(form.get(DUE_PREFIX + module_id, "")))
    return plan


def _due(raw: str) -> date | None:
    text = raw.strip()
    if not text:
        return None
    try:
        if not _ISO_DATE.fullmatch(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise PortalError(400, _l("截止日期应为“年-月-日”格式的日期"), "due_on") from None
