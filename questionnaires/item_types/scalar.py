"""Questions answered with one value: ``number``, ``integer``, ``text``, ``boolean``, ``scenario_level``."""

from __future__ import annotations

import random
from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any, ClassVar

from questionnaires.model import Item
from questionnaires.values import NUL_EN, NUL_ZH, AnswerCheck, bad, check_number, ok, to_decimal

from .base import NO, YES, ZERO, Improvement, ItemKind, Pick, scaled_number

DEFAULT_MAX_TEXT = 2000
_TRUE_STRINGS = frozenset({"true", "1", "yes", "y", "是", "on"})
_FALSE_STRINGS = frozenset({"false", "0", "no", "n", "否", "off"})


def raise_number(current: Any, target: Any) -> Any:
    """The larger of two numeric answers (the current one when they cannot be compared)."""
    try:
        return target if current is None or Decimal(str(target)) > Decimal(str(current)) else current
    except ArithmeticError:
        return current


class Number(ItemKind):
    """A quantity within the item's bounds (defaults by unit: questionnaires.values.numeric_bounds)."""

    name = "number"
    integer = False

    def check(self, item: Item, value: Any) -> AnswerCheck:
        return check_number(value, self.integer, item.min, item.max, item.unit, None)

    def raise_answer(self, item: Item, current: Any, target: Any) -> Any:
        return raise_number(current, target)

    def demo_answer(self, item: Item, rng: random.Random, maturity: float) -> Any:
        low = float(item.min if item.min is not None else 0)
        high = float(item.max if item.max is not None else low + 100)
        return scaled_number(low, high, min(1.0, maturity * rng.uniform(0.5, 1.0)), self.integer)


class Integer(Number):
    name = "integer"
    integer = True


class Text(ItemKind):
    name = "text"
    free_text = True

    def check(self, item: Item, value: Any) -> AnswerCheck:
        if not isinstance(value, str):
            return bad("wrong_type", "请填写文字", "please enter text")
        if "\x00" in value:  # PostgreSQL's jsonb cannot hold it (the save failed there)
            return bad("wrong_type", NUL_ZH, NUL_EN)
        limit = item.max_length or DEFAULT_MAX_TEXT
        if len(value) > limit:
            return bad(
                "too_long", f"文字过长（最多 {limit} 字）", f"text too long (at most {limit} characters)"
            )
        return ok(value.strip())

    def demo_answer(self, item: Item, rng: random.Random, maturity: float) -> Any:
        return "已建立台账，按月更新。"


class Boolean(ItemKind):
    """Yes / no; ``points_true`` when yes. The scoring names the answers "true" / "false"."""

    name = "boolean"
    ANSWER_IDS: ClassVar[Mapping[str, bool]] = MappingProxyType({"true": True, "false": False})

    def check(self, item: Item, value: Any) -> AnswerCheck:
        if isinstance(value, bool):
            return ok(value)
        if isinstance(value, str) and value.strip().lower() in _TRUE_STRINGS | _FALSE_STRINGS:
            return ok(value.strip().lower() in _TRUE_STRINGS)
        return bad("wrong_type", "请选择“是”或“否”", "please answer yes or no")

    def option_text(self, item: Item, option_id: str, pick: Pick) -> str:
        if option_id in self.ANSWER_IDS:
            return pick(*YES) if self.ANSWER_IDS[option_id] else pick(*NO)
        return super().option_text(item, option_id, pick)

    def points(self, item: Item, value: Any) -> Decimal:
        return (item.points_true or ZERO) if value is True else ZERO

    def improvement(self, item: Item, value: Any, current: Decimal, points_short: Decimal) -> Improvement:
        return Improvement(needed=("true",))

    def raise_answer(self, item: Item, current: Any, target: Any) -> Any:
        return True if target is True else current

    def raises(self, item: Item, current: Any) -> tuple[Any, ...]:
        return () if current is True else (True,)

    def generic_target(self, item: Item, current_points: Decimal) -> tuple[Any, int | None] | None:
        return True, None

    def demo_answer(self, item: Item, rng: random.Random, maturity: float) -> Any:
        return rng.random() < maturity + 0.15


class ScenarioLevel(ItemKind):
    """A MIIT 2024 scenario: the level reached, 0 (below L1) to the top of the item's ladder."""

    name = "scenario_level"
    has_ladder = True

    def check(self, item: Item, value: Any) -> AnswerCheck:
        top = len(item.ladder)
        number = to_decimal(value)
        if number is None or number != number.to_integral_value():
            return bad("wrong_type", f"请选择等级 0–{top}", f"please choose a level 0–{top}")
        if not 0 <= number <= top:
            return bad(
                "out_of_range",
                f"等级超出范围，应为 0（未达到L1）到 {top}",
                f"level out of range: must be 0 (below L1) to {top}",
            )
        return ok(int(number))

    def answer_text(self, item: Item, value: Any, pick: Pick) -> str:
        if isinstance(value, bool | str | list):
            return super().answer_text(item, value, pick)
        level = int(value)
        if not level:
            return pick("未达到 L1", "Below L1")
        step = next((s for s in item.ladder if s.level == level), None)
        return f"L{level}：{pick(step.text_zh, step.text_en)}" if step is not None else f"L{level}"

    def describe_comparison(self, op: str, symbol: str, zh_vals: str, en_vals: str) -> tuple[str, str]:
        return (
            f"达到 L{zh_vals} 及以上" if op == "gte" else f"{symbol} L{zh_vals}",
            f"level {symbol} L{en_vals}",
        )

    def raise_answer(self, item: Item, current: Any, target: Any) -> Any:
        return raise_number(current, target)

    def raises(self, item: Item, current: Any) -> tuple[Any, ...]:
        now = int(current) if isinstance(current, int) and not isinstance(current, bool) else 0
        return tuple(range(now + 1, len(item.ladder) + 1))

    def demo_answer(self, item: Item, rng: random.Random, maturity: float) -> Any:
        return max(0, min(4, round(maturity * 4 + rng.uniform(-0.6, 0.6))))
