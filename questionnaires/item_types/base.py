"""What every item type answers: how an answer is checked and stored, read out, scored and raised.

One subclass per question type (``single``, ``multi``, …) lives in this package and is registered in
``questionnaires.item_types.ITEM_KINDS``; callers look the class up (:func:`kind_of`) instead of testing
``item.type``. The defaults here are those of an unscored item.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from questionnaires.model import Item, Option
from questionnaires.values import AnswerCheck, unit_en

ZERO = Decimal(0)

# pick(zh, en): the text of a Chinese/English pair in the reader's language
Pick = Callable[[str | None, str | None], str]

YES = ("是", "Yes")
NO = ("否", "No")


@dataclass(frozen=True)
class Improvement:
    """How an answer could earn more points: the better options with what each adds, and the answer needed
    (option ids, or "true") to close *points_short* (the most one item can do when it cannot alone)."""

    better: tuple[tuple[Option, Decimal], ...] = ()
    needed: tuple[str, ...] = ()


class ItemKind:
    """The behaviour of one question type. Methods take the item (its options, bounds, ladder) and a value
    in the stored representation (already normalised by :meth:`check`)."""

    name: ClassVar[str]
    has_ladder: ClassVar[bool] = False  # a scenario whose answer is a level (MIIT 2024)
    free_text: ClassVar[bool] = False  # the company writes its own words (may name people)

    # --- answers -------------------------------------------------------------------------------------

    def check(self, item: Item, value: Any) -> AnswerCheck:
        """Parse and validate an answered value; ``normalized`` is what is stored."""
        raise NotImplementedError

    def equals(self, item: Item, value: Any, operand: Any, same: Callable[[Any, Any], bool]) -> bool:
        """The ``equals`` test of a ``show_if`` / ``requires`` condition."""
        return same(value, operand)

    def answer_text(self, item: Item, value: Any, pick: Pick) -> str:
        """An answered value as the company reads it on the result page and in the report."""
        return read_by_shape(self, item, value, pick)

    def option_text(self, item: Item, option_id: str, pick: Pick) -> str:
        """The text of one answer choice the scoring names (an option id, or "true" / "false")."""
        return option_by_id(item, option_id, pick)

    # --- describing conditions -----------------------------------------------------------------------

    def choose_verb(self) -> tuple[str, str]:
        """How ``in: [...]`` reads: "choose: A、B"."""
        return "选择", "choose"

    def describe_comparison(self, op: str, symbol: str, zh_vals: str, en_vals: str) -> tuple[str, str]:
        """How ``gte`` / ``gt`` / ``lte`` / ``lt`` read."""
        return f"{symbol} {zh_vals}", f"{symbol} {en_vals}"

    # --- scoring -------------------------------------------------------------------------------------

    def points(self, item: Item, value: Any) -> Decimal:
        """Points of an answered value of a scored item."""
        return ZERO

    def improvement(self, item: Item, value: Any, current: Decimal, points_short: Decimal) -> Improvement:
        """What would raise the item's points from *current* (for the next-level gaps)."""
        return Improvement()

    def raise_answer(self, item: Item, current: Any, target: Any) -> Any:
        """The answer after a roadmap action that sets *target*: never lower than *current*."""
        return target if current is None else current

    def raises(self, item: Item, current: Any) -> tuple[Any, ...]:
        """The answers an upgrade plan may move *current* to, each worth more (points or level), in rising
        order; what :meth:`raise_answer` gives for each is the stored answer after the step. For ``multi``
        each is one more option to tick (steps on one item combine). Empty when nothing would raise it."""
        return ()

    def generic_target(self, item: Item, current_points: Decimal) -> tuple[Any, int | None] | None:
        """The answer (and the maturity level it is typical of) a generic "raise this answer" roadmap
        action aims at, for a scored item short of its maximum; None when the type has no such answer."""
        return None

    # --- demo data -----------------------------------------------------------------------------------

    def demo_answer(self, item: Item, rng: random.Random, maturity: float) -> Any:
        """A plausible answer of a company of *maturity* (0–1), for the demo seed and the benchmarks."""
        raise NotImplementedError


def scaled_number(low: float, high: float, share: float, integer: bool) -> int | float:
    number = low + (high - low) * share
    return int(number) if integer else round(number, 1)


def number_text(value: Any) -> str:
    """A number as people write it: no trailing zeros, at most two decimals."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        number = float(value)
        return str(int(number)) if number.is_integer() else f"{number:.2f}".rstrip("0").rstrip(".")
    return str(value)


def read_by_shape(kind: ItemKind, item: Item, value: Any, pick: Pick) -> str:
    """An answer read by the shape of its value (what a stored answer of any type falls back to)."""
    if isinstance(value, bool):
        return pick(*YES) if value else pick(*NO)
    if isinstance(value, str):
        return kind.option_text(item, value, pick)
    if isinstance(value, list):
        return (
            "；".join(kind.option_text(item, str(x), pick) for x in value)
            if value
            else pick("未勾选", "Not ticked")
        )
    # " " for a unit English leaves unsaid (个): an empty English text would fall back to the Chinese
    unit = pick(item.unit, unit_en(item.unit) or " ").strip() if item.unit else ""
    return f"{number_text(value)} {unit}".rstrip()


def option_by_id(item: Item, option_id: str, pick: Pick) -> str:
    for option in item.options:
        if option.id == option_id:
            return pick(option.text_zh, option.text_en)
    return option_id
