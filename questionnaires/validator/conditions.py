"""Conditions (`show_if`, level `requires`, flags) from YAML into condition objects."""

from __future__ import annotations

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


def read_condition(ctx: Ctx, raw: Any, path: str) -> Condition | None:  # noqa: C901, PLR0911, PLR0912, PLR0915 — one branch per condition form and operator, each with its own message
    mapping = read_mapping(ctx, raw, path)
    if mapping is None:
        return None
    keys = set(mapping)
    if keys in ({"all"}, {"any"}):
        key = "all" if "all" in keys else "any"
        parts = mapping[key]
        if not isinstance(parts, list) or not parts:
            ctx.err(
                join(path, key),
                "bad_condition",
                "应为非空条件列表",
                "expected a non-empty list of conditions",
            )
            return None
        subs = [read_condition(ctx, p, join(join(path, key), i)) for i, p in enumerate(parts)]
        if any(s is None for s in subs):
            return None
        conds = tuple(s for s in subs if s is not None)
        return AllOf(conds) if key == "all" else AnyOf(conds)
    if keys == {"not"}:
        sub = read_condition(ctx, mapping["not"], join(path, "not"))
        return Not(sub) if sub is not None else None
    if keys == {"at_least", "of"}:
        count = read_int(ctx, mapping, "at_least", path, required=True)
        parts = mapping["of"]
        if not isinstance(parts, list) or not parts:
            ctx.err(
                join(path, "of"),
                "bad_condition",
                "应为非空条件列表",
                "expected a non-empty list of conditions",
            )
            return None
        subs = [read_condition(ctx, p, join(join(path, "of"), i)) for i, p in enumerate(parts)]
        if count is None or any(s is None for s in subs):
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
    if "item" in keys:
        ops = [k for k in keys if k != "item"]
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
        operand_raw = mapping[op]
        operand: Scalar | tuple[Scalar, ...]
        if op in ("in", "not_in"):
            if not isinstance(operand_raw, list) or not operand_raw:
                ctx.err(
                    join(path, op),
                    "bad_condition",
                    "应为非空取值列表",
                    "expected a non-empty list of values",
                )
                return None
            values = [_scalar(v) for v in operand_raw]
            if any(v is None for v in values):
                ctx.err(join(path, op), "bad_condition", "取值须为标量", "values must be scalars")
                return None
            operand = tuple(v for v in values if v is not None)
        elif op == "answered":
            if not isinstance(operand_raw, bool):
                ctx.err(
                    join(path, op),
                    "bad_condition",
                    "answered 应为 true 或 false",
                    "answered takes true or false",
                )
                return None
            operand = operand_raw
        elif op == "equals":
            scalar = _scalar(operand_raw)
            if scalar is None:
                ctx.err(join(path, op), "bad_condition", "取值须为标量", "value must be a scalar")
                return None
            operand = scalar
        else:
            if isinstance(operand_raw, bool) or not isinstance(operand_raw, int | float):
                ctx.err(join(path, op), "bad_condition", f"{op} 需要数值", f"{op} takes a number")
                return None
            operand = Decimal(str(operand_raw))
        return ItemCondition(item_id, op, operand)
    ctx.err(
        path,
        "bad_condition",
        "无法识别的条件：应为 {item, <运算符>}、{all}、{any}、{not} 或 {at_least, of}",
        "unrecognised condition: expected {item, <op>}, {all}, {any}, {not} or {at_least, of}",
    )
    return None
