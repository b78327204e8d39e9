"""Conditions (`show_if`, level `requires`, flags) from YAML into condition objects."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from questionnaires.model import (
    COMPARISON_OPS,
    AllOf,
    AnyOf,
    AtLeast,
    ComparisonOp,
    Condition,
    ItemCondition,
    Not,
    Scalar,
)

from .context import Ctx, join
from .readers import read_int, read_mapping


def _scalar(value: Any) -> Scalar | None:
    if isinstance(value, bool | str | int):
        return value
    if isinstance(value, float):
        return Decimal(str(value))
    return None


def read_condition(ctx: Ctx, raw: Any, path: str) -> Condition | None:
    mapping = read_mapping(ctx, raw, path)
    if mapping is None:
        return None
    keys = set(mapping)
    if keys in ({"all"}, {"any"}):
        return _all_or_any(ctx, mapping, path, "all" if "all" in keys else "any")
    if keys == {"not"}:
        sub = read_condition(ctx, mapping["not"], join(path, "not"))
        return Not(sub) if sub is not None else None
    if keys == {"at_least", "of"}:
        return _at_least(ctx, mapping, path)
    if "item" in keys:
        return _item_condition(ctx, mapping, path)
    ctx.err(
        path,
        "bad_condition",
        "无法识别的条件：应为 {item, <运算符>}、{all}、{any}、{not} 或 {at_least, of}",
        "unrecognised condition: expected {item, <op>}, {all}, {any}, {not} or {at_least, of}",
    )
    return None


def _parts(ctx: Ctx, parts: Any, path: str) -> list[Condition | None] | None:
    """The conditions of a non-empty list (``None`` for each broken one); ``None`` if it is no such list."""
    if not isinstance(parts, list) or not parts:
        ctx.err(path, "bad_condition", "应为非空条件列表", "expected a non-empty list of conditions")
        return None
    return [read_condition(ctx, p, join(path, i)) for i, p in enumerate(parts)]


def _all_or_any(ctx: Ctx, mapping: Mapping[str, Any], path: str, key: str) -> Condition | None:
    subs = _parts(ctx, mapping[key], join(path, key))
    if subs is None or any(s is None for s in subs):
        return None
    conds = tuple(s for s in subs if s is not None)
    return AllOf(conds) if key == "all" else AnyOf(conds)


def _at_least(ctx: Ctx, mapping: Mapping[str, Any], path: str) -> Condition | None:
    count = read_int(ctx, mapping, "at_least", path, required=True)
    subs = _parts(ctx, mapping["of"], join(path, "of"))
    if subs is None or count is None or any(s is None for s in subs):
        return None
    if not 1 <= count <= len(subs):
        ctx.err(
            join(path, "at_least"),
            "bad_condition",
            f"at_least 应在 1 到 {len(subs)} 之间",
            f"at_least must be between 1 and {len(subs)}",
        )
        return None
    return AtLeast(count, tuple(s for s in subs if s is not None))


def _item_condition(ctx: Ctx, mapping: Mapping[str, Any], path: str) -> Condition | None:
    ops = [k for k in mapping if k != "item"]
    item_id = mapping["item"]
    if not isinstance(item_id, str):
        ctx.err(join(path, "item"), "wrong_type", "应为题目编号字符串", "expected an item id string")
        return None
    if len(ops) != 1 or ops[0] not in COMPARISON_OPS:
        allowed = ", ".join(COMPARISON_OPS)
        ctx.err(
            path,
            "bad_condition",
            f"题目条件须恰好含一个运算符（{allowed}），当前为 {sorted(ops)}",
            f"an item condition needs exactly one operator ({allowed}); got {sorted(ops)}",
        )
        return None
    op: ComparisonOp = ops[0]
    operand = _operand(ctx, op, mapping[op], join(path, op))
    return ItemCondition(item_id, op, operand) if operand is not None else None


def _operand(ctx: Ctx, op: ComparisonOp, raw: Any, path: str) -> Scalar | tuple[Scalar, ...] | None:
    """The value an operator compares with, or ``None`` (reported) when it does not suit the operator."""
    if op in ("in", "not_in"):
        return _values(ctx, raw, path)
    if op == "answered":
        if not isinstance(raw, bool):
            ctx.err(path, "bad_condition", "answered 应为 true 或 false", "answered takes true or false")
            return None
        return raw
    if op == "equals":
        scalar = _scalar(raw)
        if scalar is None:
            ctx.err(path, "bad_condition", "取值须为标量", "value must be a scalar")
        return scalar
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        ctx.err(path, "bad_condition", f"{op} 需要数值", f"{op} takes a number")
        return None
    return Decimal(str(raw))


def _values(ctx: Ctx, raw: Any, path: str) -> tuple[Scalar, ...] | None:
    if not isinstance(raw, list) or not raw:
        ctx.err(path, "bad_condition", "应为非空取值列表", "expected a non-empty list of values")
        return None
    values = [_scalar(v) for v in raw]
    if any(v is None for v in values):
        ctx.err(path, "bad_condition", "取值须为标量", "values must be scalars")
        return None
    return tuple(v for v in values if v is not None)
