"""An answer as a company reads it, the same on the result page and in the PDF report.

Choices read as their option text; yes/no as 是 / 否; numbers with their unit; a scenario level as
"L2：<what the level means>" (a bare "2" tells the reader nothing); an empty multiple choice as 未勾选.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

import questionnaires
from questionnaires import Instrument

# The scoring engine names the answer a yes/no item needs "true" / "false" (scoring/maturity/engine.py).
BOOLEAN_IDS = {"true": True, "false": False}


class AnswerText:
    def __init__(self, instrument: Instrument, pick: Callable[[str | None, str | None], str]) -> None:
        self.instrument = instrument
        self.pick = pick

    def __call__(self, item_id: str, raw: Any) -> str:  # noqa: PLR0911 — one answer form per item type
        if not self.instrument.has_item(item_id):
            return "—"
        item = self.instrument.item(item_id)
        value = questionnaires.answers.answer_value(raw)
        if value is None:
            return _("未作答")
        if isinstance(value, bool):
            return _("是") if value else _("否")
        if isinstance(value, str):
            return self.option(item_id, value)
        if isinstance(value, list):
            return "；".join(self.option(item_id, str(x)) for x in value) if value else _("未勾选")
        if item.type == "scenario_level":
            return self._ladder(item, int(value))
        unit = f" {item.unit}" if item.unit else ""
        return f"{self.number(value)}{unit}"

    def option(self, item_id: str, option_id: str) -> str:
        """The text of one option; "true" / "false" of a yes/no item read 是 / 否."""
        item = self.instrument.item(item_id) if self.instrument.has_item(item_id) else None
        if item is not None and item.type == "boolean" and option_id in BOOLEAN_IDS:
            return _("是") if BOOLEAN_IDS[option_id] else _("否")
        if item is not None:
            for option in item.options:
                if option.id == option_id:
                    return self.pick(option.text_zh, option.text_en)
        return option_id

    def options(self, item_id: str, option_ids: Iterable[str]) -> str:
        """Alternatives, any of which would do ("A / B")."""
        return " / ".join(self.option(item_id, str(x)) for x in option_ids)

    def _ladder(self, item: questionnaires.Item, level: int) -> str:
        if not level:
            return _("未达到 L1")
        step = next((s for s in item.ladder if s.level == level), None)
        return f"L{level}：{self.pick(step.text_zh, step.text_en)}" if step is not None else f"L{level}"

    @staticmethod
    def number(value: Any) -> str:
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            number = float(value)
            return str(int(number)) if number.is_integer() else f"{number:.2f}".rstrip("0").rstrip(".")
        return str(value)
