"""Conditions in words, and the unmet tests of a level's ``requires`` with what would satisfy them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from questionnaires import (
    AllOf,
    AnyOf,
    AtLeast,
    Condition,
    Instrument,
    Item,
    ItemCondition,
    Not,
    evaluate,
)
from questionnaires.answers import answer_value
from questionnaires.answers.compiled import compiled
from questionnaires.item_types import ItemKind, kind_of
from scoring.maturity.result import (
    RequirementGap,
)


def _operands(cond: ItemCondition) -> tuple[Any, ...]:
    return cond.operand if isinstance(cond.operand, tuple) else (cond.operand,)


def _option_label(item: Item | None, value: Any, lang: str) -> str:
    if item is not None and isinstance(value, str):
        opt = item.option(value)
        if opt is not None:
            return f"{opt.id}（{opt.text_zh}）" if lang == "zh" else f"{opt.id} ({opt.text_en})"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def describe_leaf(instrument: Instrument, cond: ItemCondition) -> tuple[str, str]:
    """The test in words (zh, en); the words of the instrument's own tests are kept with the instrument."""
    if compiled(instrument, cond) is None:  # not one of the instrument's conditions: nothing to keep
        return _describe_leaf(instrument, cond)
    table: dict[int, tuple[ItemCondition, tuple[str, str]]] = instrument.derived.setdefault(
        "scoring.words", {}
    )
    entry = table.get(id(cond))
    if entry is None or entry[0] is not cond:
        entry = table[id(cond)] = (cond, _describe_leaf(instrument, cond))
    return entry[1]


def _describe_leaf(instrument: Instrument, cond: ItemCondition) -> tuple[str, str]:
    item = instrument.item(cond.item) if instrument.has_item(cond.item) else None
    ops = _operands(cond)
    zh_vals = "、".join(_option_label(item, v, "zh") for v in ops)
    en_vals = ", ".join(_option_label(item, v, "en") for v in ops)
    kind = kind_of(item) if item is not None else ItemKind()
    if cond.op == "in":
        verb_zh, verb_en = kind.choose_verb()
        return f"{verb_zh}：{zh_vals}", f"{verb_en}: {en_vals}"
    if cond.op == "not_in":
        return f"不选：{zh_vals}", f"not: {en_vals}"
    if cond.op == "equals":
        return f"等于：{zh_vals}", f"equal to: {en_vals}"
    if cond.op == "answered":
        return ("已作答", "answered") if cond.operand else ("未作答", "not answered")
    symbol = {"gte": "≥", "gt": ">", "lte": "≤", "lt": "<"}[cond.op]
    return kind.describe_comparison(cond.op, symbol, zh_vals, en_vals)


def describe_condition(instrument: Instrument, cond: Condition) -> tuple[str, str]:
    if isinstance(cond, ItemCondition):
        zh, en = describe_leaf(instrument, cond)
        return f"[{cond.item}] {zh}", f"[{cond.item}] {en}"
    if isinstance(cond, Not):
        zh, en = describe_condition(instrument, cond.condition)
        return f"并非（{zh}）", f"not ({en})"
    parts = [describe_condition(instrument, c) for c in cond.conditions]
    if isinstance(cond, AllOf):
        return "；且 ".join(p[0] for p in parts), " AND ".join(p[1] for p in parts)
    if isinstance(cond, AnyOf):
        return "以下任一：" + "；".join(p[0] for p in parts), "any of: " + "; ".join(p[1] for p in parts)
    assert isinstance(cond, AtLeast)
    return (
        f"以下至少 {cond.count} 项：" + "；".join(p[0] for p in parts),
        f"at least {cond.count} of: " + "; ".join(p[1] for p in parts),
    )


def _leaves(cond: Condition) -> Iterable[ItemCondition]:
    if isinstance(cond, ItemCondition):
        yield cond
    elif isinstance(cond, Not):
        yield from _leaves(cond.condition)
    else:
        for c in cond.conditions:
            yield from _leaves(c)


def unmet_requirements(
    instrument: Instrument,
    cond: Condition,
    answers: Mapping[str, Any],
    hidden: frozenset[str],
    context: tuple[str, str] | None = None,
) -> list[RequirementGap]:
    """The unmet leaf tests of *cond* (empty when it holds), each with what would satisfy it."""
    if evaluate(cond, instrument, answers, hidden=hidden):
        return []
    if isinstance(cond, ItemCondition):
        item = instrument.item(cond.item) if instrument.has_item(cond.item) else None
        zh, en = describe_leaf(instrument, cond)
        current = None if cond.item in hidden else answer_value(answers.get(cond.item))
        return [
            RequirementGap(
                item_id=cond.item,
                text_zh=item.text_zh if item else cond.item,
                text_en=item.text_en if item else cond.item,
                current_answer=current,
                needed_zh=zh,
                needed_en=en,
                context_zh=context[0] if context else None,
                context_en=context[1] if context else None,
            )
        ]
    if isinstance(cond, Not):
        zh, en = describe_condition(instrument, cond)
        out = []
        for leaf in _leaves(cond.condition):
            item = instrument.item(leaf.item) if instrument.has_item(leaf.item) else None
            out.append(
                RequirementGap(
                    leaf.item,
                    item.text_zh if item else leaf.item,
                    item.text_en if item else leaf.item,
                    answer_value(answers.get(leaf.item)),
                    zh,
                    en,
                    context[0] if context else None,
                    context[1] if context else None,
                )
            )
        return out
    if isinstance(cond, AllOf):
        gaps: list[RequirementGap] = []
        for c in cond.conditions:
            gaps.extend(unmet_requirements(instrument, c, answers, hidden, context))
        return gaps
    met = sum(1 for c in cond.conditions if evaluate(c, instrument, answers, hidden=hidden))
    if isinstance(cond, AnyOf):
        ctx = ("以下任一即可", "any one of these")
    else:
        assert isinstance(cond, AtLeast)
        ctx = (
            f"以下至少满足 {cond.count} 项（已满足 {met} 项）",
            f"at least {cond.count} of these (now {met})",
        )
    gaps = []
    for c in cond.conditions:
        gaps.extend(unmet_requirements(instrument, c, answers, hidden, ctx))
    return gaps
