"""An answer as a company reads it, the same on the result page and in the PDF report.

Each item type reads its own answers (questionnaires/item_types, ``answer_text``): choices as their option
text; yes/no as 是 / 否; numbers with their unit; a scenario level as "L2：<what the level means>" (a bare
"2" tells the reader nothing); an empty multiple choice as 未勾选.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import questionnaires
from questionnaires import Instrument
from questionnaires.item_types import answer_text, kind_of, number_text


class AnswerText:
    def __init__(self, instrument: Instrument, pick: Callable[[str | None, str | None], str]) -> None:
        self.instrument = instrument
        self.pick = pick

    def __call__(self, item_id: str, raw: Any) -> str:
        if not self.instrument.has_item(item_id):
            return "—"
        item = self.instrument.item(item_id)
        return answer_text(item, questionnaires.answer_value(raw), self.pick)

    def option(self, item_id: str, option_id: str) -> str:
        """The text of one option; "true" / "false" of a yes/no item read 是 / 否."""
        if not self.instrument.has_item(item_id):
            return option_id
        item = self.instrument.item(item_id)
        return kind_of(item).option_text(item, option_id, self.pick)

    def options(self, item_id: str, option_ids: Iterable[str]) -> str:
        """Alternatives, any of which would do ("A / B")."""
        return " / ".join(self.option(item_id, str(x)) for x in option_ids)

    @staticmethod
    def number(value: Any) -> str:
        return number_text(value)
