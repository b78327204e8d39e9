"""Semantic checks on one built item: options, points, ladders, evidence, and the conditions' references."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from questionnaires.model import (
    CHOICE_TYPES,
    NUMERIC_TYPES,
    Condition,
    Item,
    condition_items,
)

from .context import Ctx, join


def fmt(d: Decimal) -> str:
    return format(d.normalize(), "f")


def check_item(ctx: Ctx, item: Item, path: str, sum_equals_max: bool) -> None:
    _check_options(ctx, item, path)
    _check_type_fields(ctx, item, path)
    _check_exclusive(ctx, item, path)
    _check_points(ctx, item, path, sum_equals_max)
    _check_unique(ctx, [ev.id for ev in item.evidence], f"{path}.evidence", "佐证字段", "evidence field")


def _check_unique(ctx: Ctx, ids: list[str], path: str, what_zh: str, what_en: str) -> None:
    seen: set[str] = set()
    for k, entry_id in enumerate(ids):
        if entry_id in seen:
            ctx.err(
                f"{path}[{k}].id",
                "duplicate_id",
                f"{what_zh}编号重复：{entry_id}",
                f"duplicate {what_en} id {entry_id}",
            )
        seen.add(entry_id)


def _check_options(ctx: Ctx, item: Item, path: str) -> None:
    """Unique option ids; at least two options on a choice item, none on the others."""
    _check_unique(ctx, [opt.id for opt in item.options], f"{path}.options", "选项", "option")
    is_choice = item.type in CHOICE_TYPES
    if is_choice and len(item.options) < 2:
        ctx.err(
            join(path, "options"),
            "missing",
            "选择题至少需要两个选项",
            "a choice item needs at least two options",
        )
    if not is_choice and item.options:
        ctx.err(
            join(path, "options"),
            "not_allowed",
            f"{item.type} 题型不能有选项",
            f"items of type {item.type} cannot have options",
        )


def _check_type_fields(ctx: Ctx, item: Item, path: str) -> None:
    """Fields that belong to one item type only: min/max, points_true, the scenario ladder."""
    if item.type not in NUMERIC_TYPES and (item.min is not None or item.max is not None):
        ctx.err(path, "not_allowed", "只有数值题可设 min/max", "only number/integer items take min/max")
    if item.type != "boolean" and item.points_true is not None:
        ctx.err(
            join(path, "points_true"),
            "not_allowed",
            "points_true 仅用于判断题",
            "points_true is for boolean items",
        )
    if item.type != "scenario_level" and (item.ladder or item.constraint):
        ctx.err(
            path,
            "not_allowed",
            "ladder/constraint 仅用于场景等级题",
            "ladder/constraint are for scenario_level items",
        )
    if item.type == "scenario_level":
        got = [step.level for step in item.ladder]
        if not got or got != list(range(1, len(got) + 1)):
            ctx.err(
                join(path, "ladder"),
                "bad_level",
                f"场景等级应为从 1 开始的连续等级，当前为 {got}",
                f"scenario ladder must list consecutive levels starting at 1; got {got}",
            )


def _check_exclusive(ctx: Ctx, item: Item, path: str) -> None:
    """An exclusive ("none of these") option: only in multi-choice items, and worth nothing."""
    for k, opt in enumerate(item.options):
        if opt.exclusive and item.type != "multi":
            ctx.err(
                f"{path}.options[{k}].exclusive",
                "not_allowed",
                "exclusive 仅用于多选题",
                "exclusive is only meaningful in multi-choice items",
            )
        if opt.exclusive and opt.points:
            ctx.err(
                f"{path}.options[{k}].points",
                "bad_points",
                "互斥的“无”选项不应计分",
                "an exclusive 'none' option must not carry points",
            )


def _check_points(ctx: Ctx, item: Item, path: str, sum_equals_max: bool) -> None:  # noqa: C901 — one rule per item type
    pointed = [(k, o) for k, o in enumerate(item.options) if o.points is not None]
    if item.max_points is None:
        if pointed or item.points_true is not None:
            ctx.err(
                join(path, "max_points"),
                "missing",
                "有计分选项的题目必须声明 max_points",
                "an item whose answers carry points must declare max_points",
            )
        return
    if item.max_points < 0:
        ctx.err(
            join(path, "max_points"), "bad_points", "max_points 不能为负", "max_points must not be negative"
        )
        return
    for k, opt in pointed:
        assert opt.points is not None
        if opt.points < 0 or opt.points > item.max_points:
            ctx.err(
                f"{path}.options[{k}].points",
                "points_over_max",
                f"选项分值 {fmt(opt.points)} 超出 0–{fmt(item.max_points)} 范围",
                f"option points {fmt(opt.points)} outside 0–{fmt(item.max_points)} (the item's max_points)",
            )
    if item.type == "single" and pointed:
        best = max(o.points for _, o in pointed if o.points is not None)
        if best != item.max_points:
            ctx.err(
                join(path, "max_points"),
                "max_points_mismatch",
                f"单选题最高选项分值 {fmt(best)} 应等于 max_points {fmt(item.max_points)}",
                f"best option of a single-choice item is worth {fmt(best)}, "
                f"max_points is {fmt(item.max_points)}",
            )
    if item.type == "multi" and sum_equals_max:
        total = sum((o.points or Decimal(0) for o in item.options), Decimal(0))
        if total != item.max_points:
            ctx.err(
                join(path, "options"),
                "multi_sum_mismatch",
                f"多选题选项分值之和 {fmt(total)} 不等于 max_points {fmt(item.max_points)}",
                f"multi-choice options add up to {fmt(total)}, not max_points {fmt(item.max_points)}",
            )
    if item.type == "boolean" and item.points_true is not None and item.points_true > item.max_points:
        ctx.err(
            join(path, "points_true"),
            "points_over_max",
            f"points_true {fmt(item.points_true)} 超过 max_points {fmt(item.max_points)}",
            f"points_true {fmt(item.points_true)} exceeds max_points {fmt(item.max_points)}",
        )
    if item.type in ("number", "integer", "text") and item.max_points:
        ctx.err(
            join(path, "max_points"),
            "not_allowed",
            "数值题和文本题不计分（请用分档单选题）",
            "number and text items carry no points (use a single-choice item with bands)",
        )


def check_condition(  # noqa: PLR0913, PLR0917 — the condition, where it sits, and the item index it is checked against
    ctx: Ctx,
    cond: Condition,
    path: str,
    order: Mapping[str, int],
    items: Mapping[str, Item],
    before: int | None,
) -> None:
    """Check references of *cond*; when *before* is given each referenced item must come earlier."""
    for ic in condition_items(cond):
        target = items.get(ic.item)
        if target is None:
            ctx.err(
                path,
                "bad_reference",
                f"条件引用了不存在的题目 {ic.item!r}",
                f"condition refers to unknown item {ic.item!r}",
            )
            continue
        if before is not None and order[ic.item] >= before:
            ctx.err(
                path,
                "forward_reference",
                f"显示条件只能引用前面的题目，{ic.item!r} 在本题之后（或就是本题）",
                f"show_if may only refer to earlier items; {ic.item!r} comes at or after this one",
            )
        if ic.op in ("in", "not_in", "equals") and target.type in CHOICE_TYPES:
            values = ic.operand if isinstance(ic.operand, tuple) else (ic.operand,)
            for value in values:
                if not isinstance(value, str) or target.option(value) is None:
                    ctx.err(
                        path,
                        "bad_option_reference",
                        f"题目 {ic.item!r} 没有选项 {value!r}（可选：{', '.join(target.option_ids)}）",
                        f"item {ic.item!r} has no option {value!r} (options: {', '.join(target.option_ids)})",
                    )
        elif ic.op in ("gte", "gt", "lte", "lt") and target.type not in (
            "number",
            "integer",
            "scenario_level",
        ):
            ctx.err(
                path,
                "bad_condition",
                f"{ic.op} 只能用于数值题或场景等级题，{ic.item!r} 为 {target.type}",
                f"{ic.op} only applies to number/integer/scenario_level items; {ic.item!r} is {target.type}",
            )
        elif ic.op == "equals" and target.type == "boolean" and not isinstance(ic.operand, bool):
            ctx.err(
                path,
                "bad_condition",
                "判断题只能与 true/false 比较",
                "a boolean item compares with true/false",
            )
