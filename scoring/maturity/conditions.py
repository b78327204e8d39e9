"""Parse the questionnaire condition syntax (questionnaires/SCHEMA.md "Conditions") in our YAML data.

Used by the 上云上平台 / 5G definitions and the roadmap catalogue so that they speak the same language as the
instrument definitions and are evaluated by ``questionnaires.evaluate``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from questionnaires import AllOf, AnyOf, AtLeast, Condition, ItemCondition, Not
from questionnaires.model import COMPARISON_OPS


def _scalar(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(str(value))
    return value


def parse_condition(raw: Any) -> Condition:
    if not isinstance(raw, Mapping):
        raise ValueError(f"condition must be a mapping, got {raw!r}")
    if "all" in raw:
        return AllOf(tuple(parse_condition(c) for c in raw["all"]))
    if "any" in raw:
        return AnyOf(tuple(parse_condition(c) for c in raw["any"]))
    if "not" in raw:
        return Not(parse_condition(raw["not"]))
    if "at_least" in raw:
        return AtLeast(int(raw["at_least"]), tuple(parse_condition(c) for c in raw["of"]))
    ops = [k for k in raw if k != "item"]
    if "item" not in raw or len(ops) != 1 or ops[0] not in COMPARISON_OPS:
        raise ValueError(f"bad condition {dict(raw)!r}")
    op = ops[0]
    operand = raw[op]
    value: Any = tuple(_scalar(v) for v in operand) if isinstance(operand, list) else _scalar(operand)
    return ItemCondition(str(raw["item"]), op, value)


def referenced_items(cond: Condition) -> Iterator[str]:
    if isinstance(cond, ItemCondition):
        yield cond.item
    elif isinstance(cond, Not):
        yield from referenced_items(cond.condition)
    else:
        for c in cond.conditions:
            yield from referenced_items(c)
