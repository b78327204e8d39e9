"""Every answer of a round by module, as the review page shows it before the 真实性承诺 is signed: the
question and the answer in words in the reader's language (an option's text, a number with its unit, 是 / 否),
the questions still open marked, each with the way back to its question."""

from __future__ import annotations

from dataclasses import dataclass

import questionnaires
from portal.i18n import is_english
from portal.instruments import instrument_of
from portal.models import Assessment
from portal.results.answers import AnswerText
from portal.results.format import Picker


@dataclass(frozen=True)
class SummaryRow:
    no: int
    item_id: str
    question: str
    answer: str | None  # None: not answered yet


@dataclass(frozen=True)
class SummaryModule:
    id: str
    title: str
    rows: tuple[SummaryRow, ...]

    @property
    def answered(self) -> int:
        return sum(1 for row in self.rows if row.answer is not None)


def answer_summary(assessment: Assessment) -> tuple[SummaryModule, ...]:
    """The questions shown to the company (skip rules applied), module by module, with their answers."""
    instrument = instrument_of(assessment)
    answers = assessment.answer_map()
    pick = Picker("en" if is_english() else "zh")
    text = AnswerText(instrument, pick)
    shown = {i.id for i in questionnaires.visible_items(instrument, answers, assessment.company.cluster)}
    modules = []
    for module in instrument.modules:
        rows: list[SummaryRow] = []
        for item in module.items:
            if item.id not in shown:
                continue
            raw = answers.get(item.id)
            rows.append(
                SummaryRow(
                    no=len(rows) + 1,
                    item_id=item.id,
                    question=pick(item.text_zh, item.text_en),
                    answer=None if raw is None else text(item.id, raw),
                )
            )
        if rows:
            modules.append(SummaryModule(module.id, pick(module.title_zh, module.title_en), tuple(rows)))
    return tuple(modules)
