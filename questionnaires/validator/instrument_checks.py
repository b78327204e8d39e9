"""Semantic checks across a built instrument: unique ids, levels, flags, groups, totals, sources."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from questionnaires.model import Instrument, Item, Module

from .context import Ctx, join
from .item_checks import check_condition, check_item, fmt

TOTAL_WEIGHT = Decimal(100)


@dataclass
class _Index:
    """Every item of the instrument by id, with its position (conditions may only look back)."""

    items: dict[str, Item] = field(default_factory=dict)
    order: dict[str, int] = field(default_factory=dict)


def check_instrument(ctx: Ctx, inst: Instrument) -> None:
    index = _index_items(ctx, inst)
    doc_ids = {d.id for d in inst.sources}
    flag_ids: set[str] = set()
    for i, module in enumerate(inst.modules):
        mpath = f"modules[{i}]"
        _check_levels(ctx, module, mpath, index)
        _check_flags(ctx, module, mpath, index, flag_ids)
        _check_module_points(ctx, module, mpath)
        if module.source is not None and module.source.document not in doc_ids:
            ctx.err(
                join(mpath, "source.document"),
                "bad_reference",
                f"来源文件 {module.source.document!r} 未在 sources 中登记",
                f"source document {module.source.document!r} is not listed in sources",
            )
        for j, item in enumerate(module.items):
            _check_item_in_module(ctx, inst, module, item, f"{mpath}.items[{j}]", index, doc_ids)
    _check_totals(ctx, inst)
    _check_source_ids(ctx, inst)


def _index_items(ctx: Ctx, inst: Instrument) -> _Index:
    """Index the items, reporting duplicate module and item ids (the first use of an id wins)."""
    index = _Index()
    positions: dict[str, str] = {}
    module_ids: set[str] = set()
    for i, module in enumerate(inst.modules):
        mpath = f"modules[{i}]"
        if module.id in module_ids:
            ctx.err(
                join(mpath, "id"),
                "duplicate_id",
                f"模块编号重复：{module.id}",
                f"duplicate module id {module.id}",
            )
        module_ids.add(module.id)
        for j, item in enumerate(module.items):
            ipath = f"{mpath}.items[{j}]"
            if item.id in index.items:
                ctx.err(
                    join(ipath, "id"),
                    "duplicate_id",
                    f"题目编号重复：{item.id}（首次出现在 {positions[item.id]}）",
                    f"duplicate item id {item.id} (first used at {positions[item.id]})",
                )
                continue
            index.order[item.id] = len(index.items)
            index.items[item.id] = item
            positions[item.id] = ipath
    return index


def _check_levels(ctx: Ctx, module: Module, mpath: str, index: _Index) -> None:
    levels = [lv.level for lv in module.levels]
    if levels != [1, 2, 3, 4, 5]:
        ctx.err(
            join(mpath, "levels"),
            "bad_levels",
            f"每个模块须恰好有 1–5 五个成熟度等级（按顺序），当前为 {levels}",
            f"a module needs exactly the five maturity levels 1..5 in order; got {levels}",
        )
    previous = Decimal(-1)
    for k, lv in enumerate(module.levels):
        lpath = f"{mpath}.levels[{k}]"
        if lv.min_score is not None:
            if not Decimal(0) <= lv.min_score <= Decimal(100) or lv.min_score < previous:
                ctx.err(
                    join(lpath, "min_score"),
                    "bad_levels",
                    "min_score 应在 0–100 之间且随等级不递减",
                    "min_score must be within 0–100 and must not decrease with the level",
                )
            previous = lv.min_score
        if lv.requires is not None:
            check_condition(ctx, lv.requires, join(lpath, "requires"), index.order, index.items, None)


def _check_flags(ctx: Ctx, module: Module, mpath: str, index: _Index, flag_ids: set[str]) -> None:
    """Flag conditions, and flag ids unique across the instrument (*flag_ids*: the ids seen so far)."""
    for k, flag in enumerate(module.flags):
        fpath = f"{mpath}.flags[{k}]"
        if flag.id in flag_ids:
            ctx.err(
                join(fpath, "id"),
                "duplicate_id",
                f"标志编号重复：{flag.id}",
                f"duplicate flag id {flag.id}",
            )
        flag_ids.add(flag.id)
        check_condition(ctx, flag.condition, join(fpath, "condition"), index.order, index.items, None)


def _check_module_points(ctx: Ctx, module: Module, mpath: str) -> None:
    """Declared group and module maxima equal the sum of their items' maxima."""
    for k, grp in enumerate(module.groups):
        members = [it for it in module.items if it.group == grp.id]
        total = sum((it.max_points or Decimal(0) for it in members), Decimal(0))
        if grp.max_points is not None and total != grp.max_points:
            ctx.err(
                f"{mpath}.groups[{k}].max_points",
                "max_points_mismatch",
                f"分组 {grp.id} 题目满分之和为 {fmt(total)}，声明为 {fmt(grp.max_points)}",
                f"items of group {grp.id} add up to {fmt(total)}, declared {fmt(grp.max_points)}",
            )
    if module.max_points is not None and module.points_available != module.max_points:
        ctx.err(
            join(mpath, "max_points"),
            "max_points_mismatch",
            f"模块题目满分之和为 {fmt(module.points_available)}，声明为 {fmt(module.max_points)}",
            f"module items add up to {fmt(module.points_available)}, declared {fmt(module.max_points)}",
        )


def _check_item_in_module(  # noqa: PLR0913, PLR0917 — the item, where it sits, and what it may refer to
    ctx: Ctx, inst: Instrument, module: Module, item: Item, ipath: str, index: _Index, doc_ids: set[str]
) -> None:
    """The item's own rules, then how it fits its module and instrument (group, clusters, source, show_if)."""
    check_item(ctx, item, ipath, inst.scoring.multi_choice_sum_equals_max)
    if item.group is not None and item.group not in {g.id for g in module.groups}:
        ctx.err(
            join(ipath, "group"),
            "bad_reference",
            f"分组 {item.group!r} 未在模块 groups 中定义",
            f"group {item.group!r} is not defined in the module's groups",
        )
    if module.clusters and item.clusters and not set(item.clusters) <= set(module.clusters):
        ctx.err(
            join(ipath, "clusters"),
            "bad_cluster",
            "题目的产业集群须为所在模块产业集群的子集，否则永远不会显示",
            "item clusters must be a subset of the module's clusters, or the item never shows",
        )
    if item.source is None:
        if inst.origin == "own":
            ctx.err(
                join(ipath, "source"),
                "missing_source",
                "自有问卷的每道题都必须注明来源（文件、章节、行号）",
                "every item of an own instrument must cite its source (document, section, lines)",
            )
    elif item.source.document not in doc_ids:
        ctx.err(
            join(ipath, "source.document"),
            "bad_reference",
            f"来源文件 {item.source.document!r} 未在 sources 中登记",
            f"source document {item.source.document!r} is not listed in sources",
        )
    if item.show_if is not None and item.id in index.order:
        before = index.order[item.id]
        check_condition(ctx, item.show_if, join(ipath, "show_if"), index.order, index.items, before)


def _check_totals(ctx: Ctx, inst: Instrument) -> None:
    """The modules every company sees: weights add up to 100, points to the declared total."""
    general = [m for m in inst.modules if not m.clusters]
    weight = sum((m.weight for m in general), Decimal(0))
    if general and weight != TOTAL_WEIGHT:
        ctx.err(
            "modules",
            "bad_weight",
            f"不限产业集群的模块权重之和应为 100，当前为 {fmt(weight)}",
            f"weights of the modules shown to every company must add up to 100; got {fmt(weight)}",
        )
    if inst.scoring.total_points is not None:
        total = sum((m.points_available for m in general), Decimal(0))
        if total != inst.scoring.total_points:
            ctx.err(
                "scoring.total_points",
                "max_points_mismatch",
                f"通用模块满分之和为 {fmt(total)}，声明为 {fmt(inst.scoring.total_points)}",
                f"modules shown to every company add up to {fmt(total)}, "
                f"declared {fmt(inst.scoring.total_points)}",
            )


def _check_source_ids(ctx: Ctx, inst: Instrument) -> None:
    seen_docs: set[str] = set()
    for k, doc in enumerate(inst.sources):
        if doc.id in seen_docs:
            ctx.err(
                f"sources[{k}].id", "duplicate_id", f"来源编号重复：{doc.id}", f"duplicate source id {doc.id}"
            )
        seen_docs.add(doc.id)
