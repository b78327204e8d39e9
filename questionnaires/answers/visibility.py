"""Skip logic: ``show_if`` / ``requires`` conditions, cluster filters, and which items a company sees."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from typing import Any

from questionnaires.item_types import kind_of
from questionnaires.model import (
    AllOf,
    AnyOf,
    AtLeast,
    Condition,
    Instrument,
    Item,
    ItemCondition,
    Module,
    Not,
)
from questionnaires.values import answer_value, is_answered, to_decimal
from questionnaires.values import same_value as _same

from .compiled import compiled


def _test(
    instrument: Instrument, cond: ItemCondition, answers: Mapping[str, Any], hidden: AbstractSet[str]
) -> bool:
    raw = None if cond.item in hidden else answers.get(cond.item)
    answered = is_answered(raw)
    if cond.op == "answered":
        return answered is bool(cond.operand)
    if not answered or not instrument.has_item(cond.item):
        return False
    value = answer_value(raw)
    item = instrument.item(cond.item)
    if cond.op in ("in", "not_in"):
        wanted = cond.operand if isinstance(cond.operand, tuple) else (cond.operand,)
        chosen = list(value) if isinstance(value, list | tuple) else [value]
        hit = any(_same(v, w) for v in chosen for w in wanted)
        return hit if cond.op == "in" else not hit
    if cond.op == "equals":
        return kind_of(item).equals(item, value, cond.operand, _same)
    number = to_decimal(value)
    target = to_decimal(cond.operand)
    if number is None or target is None:
        return False
    if cond.op == "gte":
        return number >= target
    if cond.op == "gt":
        return number > target
    if cond.op == "lte":
        return number <= target
    return number < target


def evaluate(
    condition: Condition,
    instrument: Instrument,
    answers: Mapping[str, Any],
    *,
    hidden: Iterable[str] = (),
) -> bool:
    """Evaluate a ``show_if`` / ``requires`` condition; answers of *hidden* items count as absent."""
    hidden_set = hidden if isinstance(hidden, frozenset | set) else set(hidden)
    test = compiled(instrument, condition)
    return (
        test(answers, hidden_set) if test is not None else holds(condition, instrument, answers, hidden_set)
    )


def holds(cond: Condition, inst: Instrument, answers: Mapping[str, Any], hidden: AbstractSet[str]) -> bool:
    if isinstance(cond, ItemCondition):
        return _test(inst, cond, answers, hidden)
    if isinstance(cond, AllOf):
        return all(holds(c, inst, answers, hidden) for c in cond.conditions)
    if isinstance(cond, AnyOf):
        return any(holds(c, inst, answers, hidden) for c in cond.conditions)
    if isinstance(cond, Not):
        return not holds(cond.condition, inst, answers, hidden)
    assert isinstance(cond, AtLeast)
    return sum(1 for c in cond.conditions if holds(c, inst, answers, hidden)) >= cond.count


def module_visible(module: Module, cluster: str | None) -> bool:
    """Cluster-specific modules are shown only to companies of one of their clusters."""
    return not module.clusters or (cluster is not None and cluster in module.clusters)


def shown_items(instrument: Instrument, answers: Mapping[str, Any], cluster: str | None) -> dict[str, bool]:
    seen: dict[str, bool] = {}
    hidden: set[str] = set()
    for module in instrument.modules:
        shown_module = module_visible(module, cluster)
        for item in module.items:
            shown = shown_module and (not item.clusters or (cluster is not None and cluster in item.clusters))
            if shown and item.show_if is not None:
                test = compiled(instrument, item.show_if)
                shown = (
                    test(answers, hidden)
                    if test is not None
                    else holds(item.show_if, instrument, answers, hidden)
                )
            seen[item.id] = shown
            if not shown:
                hidden.add(item.id)
    return seen


def visible_items(
    instrument: Instrument, answers: Mapping[str, Any], cluster: str | None = None
) -> list[Item]:
    """Items to show, in order, after cluster filters and ``show_if`` rules.

    A hidden item's stored answer is ignored by later rules (skip logic cascades). With ``cluster=None`` every
    cluster-specific module and item is hidden.
    """
    shown = shown_items(instrument, answers, cluster)
    return [item for item in instrument.items if shown[item.id]]


def is_visible(
    instrument: Instrument, item_id: str, answers: Mapping[str, Any], cluster: str | None = None
) -> bool:
    return shown_items(instrument, answers, cluster).get(item_id, False)


def visible_answers(
    instrument: Instrument, answers: Mapping[str, Any], cluster: str | None = None
) -> dict[str, Any]:
    """The answers of visible items only (what a scoring engine should see)."""
    shown = shown_items(instrument, answers, cluster)
    return {k: v for k, v in answers.items() if shown.get(k, False)}
