"""Facts the company already gave, offered in the questionnaire instead of asked again.

Two sources (questionnaires/help/shared_items.yaml says which items): the company profile (从业人员,
营业收入 …) and, for items of the two instruments that ask exactly the same thing, the company's latest
answer in the other instrument. Decision: a pre-fill is a *suggestion*, never a write. The module page
shows the figure in the empty field with its source ("来自企业资料，2026-03-01 更新") and a 采用 button;
accepting (or saving the module without JavaScript) saves it through the one save path
(portal/assessments/saving.save) like any typed answer, and only then does the item count as answered.
So an answer is always made by a person who saw it, and a profile figure changed later never silently
changes a round's answers. Only empty fields get a suggestion, and only a value the item accepts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

import questionnaires
from portal.assessments.forms import EVIDENCE_SEP
from portal.extensions import db
from portal.i18n import localized
from portal.models import Answer, Assessment, Company
from portal.templating import local_dt
from questionnaires import Instrument, Item
from questionnaires import help as qhelp


@dataclass(frozen=True)
class Suggestion:
    item_id: str
    field: str  # the form field it fills: the item id, or item id + EVIDENCE_SEP + evidence field id
    value: str  # as the field shows it
    source: str  # where it comes from, for the user


def _field(target: qhelp.Target) -> str:
    return target.item if target.evidence is None else f"{target.item}{EVIDENCE_SEP}{target.evidence}"


def _empty(target: qhelp.Target, answers: Mapping[str, Any]) -> bool:
    stored = answers.get(target.item)
    if target.evidence is None:
        return not questionnaires.is_answered(stored)
    return questionnaires.answer_evidence(stored).get(target.evidence) is None


def _shown(instrument: Instrument, target: qhelp.Target, value: Any) -> str | None:
    """The value as the field shows it, or None when the item would refuse it (a range, a type)."""
    if isinstance(value, Decimal):
        value = int(value) if value == value.to_integral_value() else float(value)
    candidate = value if target.evidence is None else {"value": None, "evidence": {target.evidence: value}}
    if not questionnaires.validate_answer(instrument, target.item, candidate).ok:
        return None
    return str(value)


def _other_answer(company_id: int, target: qhelp.Target) -> tuple[Any, datetime, str] | None:
    """The company's latest answer to `target` in the other instrument: (value, when, instrument title)."""
    row = db.session.execute(
        sa.select(Answer.value, Answer.updated_at, Assessment.instrument_id, Assessment.instrument_version)
        .join(Assessment, Assessment.id == Answer.assessment_id)
        .where(
            Assessment.company_id == company_id,
            Assessment.instrument_id == target.instrument,
            Assessment.instrument_version.in_(target.versions),
            Answer.item_id == target.item,
        )
        .order_by(Answer.updated_at.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    raw = row.value
    value = questionnaires.answer_evidence(raw).get(target.evidence) if target.evidence else raw
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    title = localized(questionnaires.load(row.instrument_id, row.instrument_version), "title")
    return value, row.updated_at, title


def suggestions(
    instrument: Instrument, company_id: int, items: Sequence[Item], answers: Mapping[str, Any]
) -> dict[str, Suggestion]:
    """{field name: suggestion} for the empty fields of `items` that a profile figure or a same-meaning
    answer in the other instrument can fill. No query when the items ask for none of them."""
    item_ids = {i.id for i in items}
    wanted = [
        (f, t) for f, t in qhelp.profile_targets(instrument) if t.item in item_ids and _empty(t, answers)
    ]
    shared = [
        (t, o) for t, o in qhelp.shared_sources(instrument) if t.item in item_ids and _empty(t, answers)
    ]
    out: dict[str, Suggestion] = {}
    if wanted:
        company = db.session.get(Company, company_id)
        for name, target in wanted:
            shown = _shown(instrument, target, getattr(company, name, None))
            if company is not None and shown is not None and _field(target) not in out:
                source = _("来自企业资料，%(date)s 更新", date=local_dt(company.updated_at, "%Y-%m-%d"))
                out[_field(target)] = Suggestion(target.item, _field(target), shown, source)
    for target, others in shared:
        if _field(target) in out:
            continue  # the profile comes first: it is the company's own record of the figure
        for other in others:
            found = _other_answer(company_id, other)
            shown = _shown(instrument, target, found[0]) if found else None
            if found and shown is not None:
                source = _(
                    "来自本企业的《%(title)s》问卷，%(date)s 填写",
                    title=found[2],
                    date=local_dt(found[1], "%Y-%m-%d"),
                )
                out[_field(target)] = Suggestion(target.item, _field(target), shown, source)
                break
    return out
