"""Structure → dataclasses: one builder per mapping of a definition, checking keys and types as it goes."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from questionnaires.model import (
    ITEM_TYPES,
    NUMERIC_TYPES,
    EvidenceField,
    EvidenceType,
    Flag,
    Group,
    Item,
    ItemType,
    LadderStep,
    MaturityLevel,
    Module,
    Option,
    ScoringSpec,
    SourceDocument,
    SourceRef,
)

from .conditions import read_condition
from .context import Ctx, check_keys, join
from .keys import (
    EVIDENCE_KEYS,
    FLAG_KEYS,
    GROUP_KEYS,
    ITEM_KEYS,
    LADDER_KEYS,
    LEVEL_KEYS,
    MODULE_KEYS,
    OPTION_KEYS,
    SCORING_KEYS,
    SOURCE_DOC_KEYS,
    SOURCE_REF_KEYS,
)
from .readers import (
    each,
    read_bool,
    read_clusters,
    read_decimal,
    read_int,
    read_mapping,
    read_str,
    read_str_tuple,
    req_str,
)

ID_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")
OPTION_ID_RE = re.compile(r"^[A-Za-z0-9_]{1,16}$")


def build_source_doc(ctx: Ctx, raw: Mapping[str, Any], path: str) -> SourceDocument | None:
    check_keys(ctx, raw, SOURCE_DOC_KEYS, path)
    return SourceDocument(
        id=req_str(ctx, raw, "id", path),
        title=req_str(ctx, raw, "title", path),
        reference=read_str(ctx, raw, "reference", path, required=False),
        file=read_str(ctx, raw, "file", path, required=False),
        digest=read_str(ctx, raw, "digest", path, required=False),
        url=read_str(ctx, raw, "url", path, required=False),
    )


def _source_ref(ctx: Ctx, raw: Mapping[str, Any], path: str) -> SourceRef | None:
    value = raw.get("source")
    if value is None:
        return None
    sub = join(path, "source")
    mapping = read_mapping(ctx, value, sub)
    if mapping is None:
        return None
    check_keys(ctx, mapping, SOURCE_REF_KEYS, sub)
    return SourceRef(
        document=req_str(ctx, mapping, "document", sub),
        section=read_str(ctx, mapping, "section", sub, required=False),
        lines=read_str(ctx, mapping, "lines", sub, required=False),
        note=read_str(ctx, mapping, "note", sub, required=False),
    )


def build_scoring(ctx: Ctx, raw: Mapping[str, Any], path: str) -> ScoringSpec:
    value = raw.get("scoring")
    sub = join(path, "scoring")
    mapping = read_mapping(ctx, value, sub) if value is not None else None
    if mapping is None:
        if value is None:
            ctx.err(sub, "missing", "缺少必填字段 'scoring'", "missing required key 'scoring'")
        return ScoringSpec(method="")
    check_keys(ctx, mapping, SCORING_KEYS, sub)
    return ScoringSpec(
        method=req_str(ctx, mapping, "method", sub),
        total_points=read_decimal(ctx, mapping, "total_points", sub),
        multi_choice_sum_equals_max=read_bool(ctx, mapping, "multi_choice_sum_equals_max", sub, False),
        notes_zh=read_str(ctx, mapping, "notes_zh", sub, required=False),
        notes_en=read_str(ctx, mapping, "notes_en", sub, required=False),
    )


def _option(ctx: Ctx, raw: Mapping[str, Any], path: str) -> Option | None:
    check_keys(ctx, raw, OPTION_KEYS, path)
    option_id = req_str(ctx, raw, "id", path)
    if option_id and not OPTION_ID_RE.match(option_id):
        ctx.err(
            join(path, "id"),
            "bad_id",
            f"选项编号格式错误：{option_id!r}",
            f"malformed option id {option_id!r}",
        )
    level = read_int(ctx, raw, "level", path)
    if level is not None and not 1 <= level <= 5:
        ctx.err(
            join(path, "level"),
            "bad_level",
            "选项的成熟度等级应在 1–5 之间",
            "option level must be within 1–5",
        )
    return Option(
        id=option_id,
        text_zh=req_str(ctx, raw, "text_zh", path),
        text_en=req_str(ctx, raw, "text_en", path),
        points=read_decimal(ctx, raw, "points", path),
        level=level,
        exclusive=read_bool(ctx, raw, "exclusive", path, False),
    )


def _evidence(ctx: Ctx, raw: Mapping[str, Any], path: str) -> EvidenceField | None:
    check_keys(ctx, raw, EVIDENCE_KEYS, path)
    etype = raw.get("type", "number")
    if etype not in ("number", "integer", "text"):
        ctx.err(
            join(path, "type"),
            "unknown_type",
            f"未知的佐证字段类型 {etype!r}（应为 number、integer 或 text）",
            f"unknown evidence field type {etype!r} (expected number, integer or text)",
        )
        etype = "number"
    evidence_type: EvidenceType = etype
    low, high = read_decimal(ctx, raw, "min", path), read_decimal(ctx, raw, "max", path)
    _check_range(ctx, low, high, path, evidence_type != "text")
    return EvidenceField(
        id=req_str(ctx, raw, "id", path),
        label_zh=req_str(ctx, raw, "label_zh", path),
        label_en=req_str(ctx, raw, "label_en", path),
        type=evidence_type,
        unit=read_str(ctx, raw, "unit", path, required=False),
        min=low,
        max=high,
        required=read_bool(ctx, raw, "required", path, False),
        help_zh=read_str(ctx, raw, "help_zh", path, required=False),
        help_en=read_str(ctx, raw, "help_en", path, required=False),
    )


def _check_range(ctx: Ctx, low: Decimal | None, high: Decimal | None, path: str, numeric: bool) -> None:
    if numeric and ctx.require_bounds and (low is None or high is None):
        ctx.err(
            join(path, "max" if high is None else "min"),
            "missing_bound",
            "数值题和数值佐证字段须声明 min 和 max（超出范围的答案会被拒绝）",
            "number items and number evidence fields must declare min and max (answers outside are refused)",
        )
    if low is not None and high is not None and low > high:
        ctx.err(
            join(path, "min"),
            "min_gt_max",
            f"最小值 {low} 大于最大值 {high}",
            f"min {low} is greater than max {high}",
        )


def _ladder_step(ctx: Ctx, raw: Mapping[str, Any], path: str) -> LadderStep | None:
    check_keys(ctx, raw, LADDER_KEYS, path)
    level = read_int(ctx, raw, "level", path, required=True)
    return LadderStep(
        level=level or 0,
        text_zh=req_str(ctx, raw, "text_zh", path),
        text_en=read_str(ctx, raw, "text_en", path, required=False),
    )


def _item(ctx: Ctx, raw: Mapping[str, Any], path: str, module_id: str) -> Item | None:
    check_keys(ctx, raw, ITEM_KEYS, path)
    item_id = req_str(ctx, raw, "id", path)
    if item_id and not ID_RE.match(item_id):
        ctx.err(
            join(path, "id"),
            "bad_id",
            f"题目编号格式错误：{item_id!r}（小写字母、数字、下划线，用点分隔）",
            f"malformed item id {item_id!r} (lower-case words separated by dots)",
        )
    raw_type = raw.get("type")
    if raw_type not in ITEM_TYPES:
        ctx.err(
            join(path, "type"),
            "unknown_type",
            f"未知的题型 {raw_type!r}（应为 {'、'.join(ITEM_TYPES)}）",
            f"unknown item type {raw_type!r} (expected one of {', '.join(ITEM_TYPES)})",
        )
        return None
    item_type: ItemType = raw_type
    low, high = read_decimal(ctx, raw, "min", path), read_decimal(ctx, raw, "max", path)
    _check_range(ctx, low, high, path, item_type in NUMERIC_TYPES)
    show_if = read_condition(ctx, raw["show_if"], join(path, "show_if")) if "show_if" in raw else None
    max_length = read_int(ctx, raw, "max_length", path)
    return Item(
        id=item_id,
        module_id=module_id,
        type=item_type,
        text_zh=req_str(ctx, raw, "text_zh", path),
        text_en=req_str(ctx, raw, "text_en", path),
        help_zh=read_str(ctx, raw, "help_zh", path, required=False),
        help_en=read_str(ctx, raw, "help_en", path, required=False),
        required=read_bool(ctx, raw, "required", path, True),
        options=each(ctx, raw, "options", path, lambda r, p: _option(ctx, r, p)),
        min=low,
        max=high,
        unit=read_str(ctx, raw, "unit", path, required=False),
        max_length=max_length,
        evidence=each(ctx, raw, "evidence", path, lambda r, p: _evidence(ctx, r, p)),
        show_if=show_if,
        clusters=read_clusters(ctx, raw, path),
        source=_source_ref(ctx, raw, path),
        source_id=read_str(ctx, raw, "source_id", path, required=False),
        group=read_str(ctx, raw, "group", path, required=False),
        max_points=read_decimal(ctx, raw, "max_points", path),
        points_true=read_decimal(ctx, raw, "points_true", path),
        ladder=each(ctx, raw, "ladder", path, lambda r, p: _ladder_step(ctx, r, p)),
        constraint=read_bool(ctx, raw, "constraint", path, False),
        tags=read_str_tuple(ctx, raw, "tags", path),
    )


def _level(ctx: Ctx, raw: Mapping[str, Any], path: str) -> MaturityLevel | None:
    check_keys(ctx, raw, LEVEL_KEYS, path)
    requires = read_condition(ctx, raw["requires"], join(path, "requires")) if "requires" in raw else None
    return MaturityLevel(
        level=read_int(ctx, raw, "level", path, required=True) or 0,
        name_zh=req_str(ctx, raw, "name_zh", path),
        name_en=req_str(ctx, raw, "name_en", path),
        description_zh=req_str(ctx, raw, "description_zh", path),
        description_en=req_str(ctx, raw, "description_en", path),
        min_score=read_decimal(ctx, raw, "min_score", path),
        requires=requires,
    )


def _flag(ctx: Ctx, raw: Mapping[str, Any], path: str) -> Flag | None:
    check_keys(ctx, raw, FLAG_KEYS, path)
    if "condition" not in raw:
        ctx.err(
            join(path, "condition"),
            "missing",
            "缺少必填字段 'condition'",
            "missing required key 'condition'",
        )
        return None
    condition = read_condition(ctx, raw["condition"], join(path, "condition"))
    if condition is None:
        return None
    return Flag(
        id=req_str(ctx, raw, "id", path),
        name_zh=req_str(ctx, raw, "name_zh", path),
        name_en=req_str(ctx, raw, "name_en", path),
        condition=condition,
        description_zh=read_str(ctx, raw, "description_zh", path, required=False),
        description_en=read_str(ctx, raw, "description_en", path, required=False),
    )


def _group(ctx: Ctx, raw: Mapping[str, Any], path: str) -> Group | None:
    check_keys(ctx, raw, GROUP_KEYS, path)
    return Group(
        id=req_str(ctx, raw, "id", path),
        title_zh=req_str(ctx, raw, "title_zh", path),
        title_en=req_str(ctx, raw, "title_en", path),
        max_points=read_decimal(ctx, raw, "max_points", path),
        weight_pct=read_decimal(ctx, raw, "weight_pct", path),
    )


def build_module(ctx: Ctx, raw: Mapping[str, Any], path: str) -> Module | None:
    check_keys(ctx, raw, MODULE_KEYS, path)
    module_id = req_str(ctx, raw, "id", path)
    if module_id and not ID_RE.match(module_id):
        ctx.err(
            join(path, "id"),
            "bad_id",
            f"模块编号格式错误：{module_id!r}",
            f"malformed module id {module_id!r}",
        )
    weight = read_decimal(ctx, raw, "weight", path, required=True)
    if weight is not None and weight < 0:
        ctx.err(join(path, "weight"), "bad_weight", "权重不能为负", "weight must not be negative")
    items = each(ctx, raw, "items", path, lambda r, p: _item(ctx, r, p, module_id))
    if not raw.get("items"):
        ctx.err(join(path, "items"), "missing", "模块至少需要一道题", "a module needs at least one item")
    return Module(
        id=module_id,
        title_zh=req_str(ctx, raw, "title_zh", path),
        title_en=req_str(ctx, raw, "title_en", path),
        description_zh=read_str(ctx, raw, "description_zh", path, required=False),
        description_en=read_str(ctx, raw, "description_en", path, required=False),
        weight=weight if weight is not None else Decimal(0),
        levels=each(ctx, raw, "levels", path, lambda r, p: _level(ctx, r, p)),
        items=items,
        clusters=read_clusters(ctx, raw, path),
        groups=each(ctx, raw, "groups", path, lambda r, p: _group(ctx, r, p)),
        max_points=read_decimal(ctx, raw, "max_points", path),
        source=_source_ref(ctx, raw, path),
        flags=each(ctx, raw, "flags", path, lambda r, p: _flag(ctx, r, p)),
    )
