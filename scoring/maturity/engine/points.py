"""Item points (step 1 of the method)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from questionnaires import Instrument, Item, is_answered, visible_items
from questionnaires.answers import answer_value
from questionnaires.item_types import kind_of
from questionnaires.model import condition_items

ZERO = Decimal(0)
HUNDRED = Decimal(100)


def item_points(item: Item, value: Any) -> Decimal:
    """Points of one (normalized) answer; 0 for unanswered or unscored items."""
    if not item.scored or value is None:
        return ZERO
    return kind_of(item).points(item, value)


def hidden_ids(instrument: Instrument, visible: Iterable[Item]) -> frozenset[str]:
    shown = {i.id for i in visible}
    return frozenset(i.id for i in instrument.items if i.id not in shown)


@dataclass(frozen=True)
class Visibility:
    """Which items a company sees with given answers, worked out once per scoring run and passed on."""

    items: tuple[Item, ...]  # visible, in instrument order
    ids: frozenset[str]
    hidden: frozenset[str]


def visibility(instrument: Instrument, answers: Mapping[str, Any], cluster: str | None) -> Visibility:
    visible = visible_items(instrument, answers, cluster)
    return Visibility(tuple(visible), frozenset(i.id for i in visible), hidden_ids(instrument, visible))


def show_if_items(instrument: Instrument) -> frozenset[str]:
    """The items some ``show_if`` rule tests: changing any other answer leaves every item's visibility as it
    was."""
    return frozenset(
        leaf.item
        for item in instrument.items
        if item.show_if is not None
        for leaf in condition_items(item.show_if)
    )


@dataclass(frozen=True)
class ReadAnswers:
    """The answers of a dimension's visible items, each read once: value, answered or not, points."""

    values: dict[str, Any]
    answered: dict[str, bool]
    points: dict[str, Decimal]  # scored items only

    @property
    def earned(self) -> Decimal:
        return sum(self.points.values(), ZERO)


def read_answers(items: list[Item], answers: Mapping[str, Any]) -> ReadAnswers:
    values: dict[str, Any] = {}
    answered: dict[str, bool] = {}
    points: dict[str, Decimal] = {}
    for i in items:
        values[i.id] = value = answer_value(answers.get(i.id))
        answered[i.id] = is_answered(value)
        if i.scored:
            points[i.id] = item_points(i, value)
    return ReadAnswers(values, answered, points)
