"""Validate definition files and build :class:`~questionnaires.model.Instrument` objects from them.

:func:`parse_definition` is the single place where YAML data becomes dataclasses: it checks the structure
(types, required and unknown keys) while building, then the cross-references and scoring rules on the built
objects. Every problem is reported as a :class:`ValidationError` with a path such as
``modules[3].items[2].options[1].points`` and a reason in Chinese and English.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar, cast

from .model import (
    CHOICE_TYPES,
    COMPARISON_OPS,
    ITEM_TYPES,
    NUMERIC_TYPES,
    AllOf,
    AnyOf,
    AtLeast,
    ComparisonOp,
    Condition,
    EvidenceField,
    EvidenceType,
    Flag,
    Group,
    Instrument,
    Item,
    ItemCondition,
    ItemType,
    LadderStep,
    MaturityLevel,
    Module,
    Not,
    Option,
    Origin,
    Scalar,
    ScoringSpec,
    SourceDocument,
    SourceRef,
    Status,
    condition_items,
)
from .storage import (
    DEFINITIONS_DIR,
    INSTRUMENT_ID_RE,
    VERSION_RE,
    content_hash,
    definition_files,
    read_lock,
    read_yaml,
)
from .strict_yaml import YamlError

ID_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")
OPTION_ID_RE = re.compile(r"^[A-Za-z0-9_]{1,16}$")
CLUSTER_RE = re.compile(r"^c(0[1-9]|1[0-9]|20)$")
TOTAL_WEIGHT = Decimal(100)

T = TypeVar("T")


@dataclass(frozen=True)
class ValidationError:
    """One problem in one definition file."""

    file: str
    path: str  # e.g. "modules[3].items[2].options[1].points" ("" = the whole file)
    code: str  # stable rule id, e.g. "unknown_key", "duplicate_id", "hash_mismatch"
    reason_zh: str
    reason_en: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.path}" if self.path else self.file
        return f"{where}: [{self.code}] {self.reason_zh} / {self.reason_en}"


class _Ctx:
    def __init__(self, file: str) -> None:
        self.file = file
        self.errors: list[ValidationError] = []
        # Numbers need both bounds in new (draft) definitions. Published ones cannot change; for their
        # fields without a max, answers.numeric_bounds supplies one.
        self.require_bounds = False

    def err(self, path: str, code: str, zh: str, en: str) -> None:
        self.errors.append(ValidationError(self.file, path, code, zh, en))


# ----------------------------------------------------------------------------------------------------
# Allowed keys per mapping (anything else is reported as a probable typo)
# ----------------------------------------------------------------------------------------------------

INSTRUMENT_KEYS = frozenset(
    {
        "id",
        "version",
        "status",
        "origin",
        "title_zh",
        "title_en",
        "description_zh",
        "description_en",
        "sources",
        "scoring",
        "modules",
    }
)
SOURCE_DOC_KEYS = frozenset({"id", "title", "reference", "file", "digest", "url"})
SOURCE_REF_KEYS = frozenset({"document", "section", "lines", "note"})
SCORING_KEYS = frozenset({"method", "total_points", "multi_choice_sum_equals_max", "notes_zh", "notes_en"})
MODULE_KEYS = frozenset(
    {
        "id",
        "title_zh",
        "title_en",
        "description_zh",
        "description_en",
        "weight",
        "max_points",
        "levels",
        "clusters",
        "groups",
        "items",
        "source",
        "flags",
    }
)
FLAG_KEYS = frozenset({"id", "name_zh", "name_en", "condition", "description_zh", "description_en"})
GROUP_KEYS = frozenset({"id", "title_zh", "title_en", "max_points", "weight_pct"})
LEVEL_KEYS = frozenset(
    {"level", "name_zh", "name_en", "description_zh", "description_en", "min_score", "requires"}
)
ITEM_KEYS = frozenset(
    {
        "id",
        "type",
        "text_zh",
        "text_en",
        "help_zh",
        "help_en",
        "required",
        "options",
        "min",
        "max",
        "unit",
        "max_length",
        "evidence",
        "show_if",
        "clusters",
        "source",
        "source_id",
        "group",
        "max_points",
        "points_true",
        "ladder",
        "constraint",
        "tags",
    }
)
OPTION_KEYS = frozenset({"id", "text_zh", "text_en", "points", "level", "exclusive"})
EVIDENCE_KEYS = frozenset(
    {"id", "label_zh", "label_en", "type", "unit", "min", "max", "required", "help_zh", "help_en"}
)
LADDER_KEYS = frozenset({"level", "text_zh", "text_en"})


def _check_keys(ctx: _Ctx, raw: Mapping[str, Any], allowed: frozenset[str], path: str) -> None:
    for key in raw:
        if key not in allowed:
            hint = difflib.get_close_matches(str(key), sorted(allowed), n=1)
            zh_hint = f"（是否应为 '{hint[0]}'？）" if hint else ""
            en_hint = f" (did you mean '{hint[0]}'?)" if hint else ""
            ctx.err(
                _join(path, str(key)),
                "unknown_key",
                f"未知字段 '{key}'{zh_hint}",
                f"unknown key '{key}'{en_hint}",
            )


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


# ----------------------------------------------------------------------------------------------------
# Typed field readers: each reports a problem and returns None (or a default) instead of raising
# ----------------------------------------------------------------------------------------------------


def _mapping(ctx: _Ctx, raw: Any, path: str) -> Mapping[str, Any] | None:
    if not isinstance(raw, Mapping):
        ctx.err(path, "wrong_type", "应为映射（键: 值）", "expected a mapping")
        return None
    return raw


def _list(ctx: _Ctx, raw: Mapping[str, Any], key: str, path: str, *, required: bool = False) -> list[Any]:
    value = raw.get(key)
    if value is None:
        if required:
            ctx.err(_join(path, key), "missing", f"缺少必填字段 '{key}'", f"missing required key '{key}'")
        return []
    if not isinstance(value, list):
        ctx.err(_join(path, key), "wrong_type", "应为列表", "expected a list")
        return []
    return value


def _str(ctx: _Ctx, raw: Mapping[str, Any], key: str, path: str, *, required: bool = True) -> str | None:
    value = raw.get(key)
    if value is None:
        if required:
            ctx.err(_join(path, key), "missing", f"缺少必填字段 '{key}'", f"missing required key '{key}'")
        return None
    if not isinstance(value, str):
        ctx.err(
            _join(path, key),
            "wrong_type",
            f"应为字符串（当前为 {type(value).__name__}，请加引号）",
            f"expected a string (got {type(value).__name__}; quote it)",
        )
        return None
    if required and not value.strip():
        ctx.err(_join(path, key), "missing", f"字段 '{key}' 不能为空", f"'{key}' must not be empty")
        return None
    return value


def _req_str(ctx: _Ctx, raw: Mapping[str, Any], key: str, path: str) -> str:
    return _str(ctx, raw, key, path) or ""


def _bool(ctx: _Ctx, raw: Mapping[str, Any], key: str, path: str, default: bool) -> bool:
    value = raw.get(key, default)
    if not isinstance(value, bool):
        ctx.err(_join(path, key), "wrong_type", "应为 true 或 false", "expected true or false")
        return default
    return value


def _decimal(
    ctx: _Ctx, raw: Mapping[str, Any], key: str, path: str, *, required: bool = False
) -> Decimal | None:
    value = raw.get(key)
    if value is None:
        if required:
            ctx.err(_join(path, key), "missing", f"缺少必填字段 '{key}'", f"missing required key '{key}'")
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        ctx.err(_join(path, key), "wrong_type", "应为数值", "expected a number")
        return None
    number = Decimal(str(value))
    if not number.is_finite():
        ctx.err(_join(path, key), "wrong_type", "数值必须有限", "number must be finite")
        return None
    return number


def _int(ctx: _Ctx, raw: Mapping[str, Any], key: str, path: str, *, required: bool = False) -> int | None:
    value = raw.get(key)
    if value is None:
        if required:
            ctx.err(_join(path, key), "missing", f"缺少必填字段 '{key}'", f"missing required key '{key}'")
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        ctx.err(_join(path, key), "wrong_type", "应为整数", "expected an integer")
        return None
    return value


def _clusters(ctx: _Ctx, raw: Mapping[str, Any], path: str) -> tuple[str, ...]:
    result: list[str] = []
    for i, value in enumerate(_list(ctx, raw, "clusters", path)):
        if not isinstance(value, str) or not CLUSTER_RE.match(value):
            ctx.err(
                _join(_join(path, "clusters"), i),
                "bad_cluster",
                f"无效的产业集群编号 {value!r}（应为 c01–c20）",
                f"invalid cluster id {value!r} (expected c01–c20)",
            )
        else:
            result.append(value)
    return tuple(result)


def _str_tuple(ctx: _Ctx, raw: Mapping[str, Any], key: str, path: str) -> tuple[str, ...]:
    values = _list(ctx, raw, key, path)
    out: list[str] = []
    for i, value in enumerate(values):
        if isinstance(value, str):
            out.append(value)
        else:
            ctx.err(_join(_join(path, key), i), "wrong_type", "应为字符串", "expected a string")
    return tuple(out)


def _each(
    ctx: _Ctx,
    raw: Mapping[str, Any],
    key: str,
    path: str,
    build: Callable[[Mapping[str, Any], str], T | None],
) -> tuple[T, ...]:
    out: list[T] = []
    for i, entry in enumerate(_list(ctx, raw, key, path)):
        sub = _join(_join(path, key), i)
        mapping = _mapping(ctx, entry, sub)
        if mapping is not None:
            built = build(mapping, sub)
            if built is not None:
                out.append(built)
    return tuple(out)


# ----------------------------------------------------------------------------------------------------
# Conditions
# ----------------------------------------------------------------------------------------------------


def _scalar(value: Any) -> Scalar | None:
    if isinstance(value, bool | str | int):
        return value
    if isinstance(value, float):
        return Decimal(str(value))
    return None


def _condition(ctx: _Ctx, raw: Any, path: str) -> Condition | None:
    mapping = _mapping(ctx, raw, path)
    if mapping is None:
        return None
    keys = set(mapping)
    if keys == {"all"} or keys == {"any"}:
        key = "all" if "all" in keys else "any"
        parts = mapping[key]
        if not isinstance(parts, list) or not parts:
            ctx.err(
                _join(path, key),
                "bad_condition",
                "应为非空条件列表",
                "expected a non-empty list of conditions",
            )
            return None
        subs = [_condition(ctx, p, _join(_join(path, key), i)) for i, p in enumerate(parts)]
        if any(s is None for s in subs):
            return None
        conds = tuple(s for s in subs if s is not None)
        return AllOf(conds) if key == "all" else AnyOf(conds)
    if keys == {"not"}:
        sub = _condition(ctx, mapping["not"], _join(path, "not"))
        return Not(sub) if sub is not None else None
    if keys == {"at_least", "of"}:
        count = _int(ctx, mapping, "at_least", path, required=True)
        parts = mapping["of"]
        if not isinstance(parts, list) or not parts:
            ctx.err(
                _join(path, "of"),
                "bad_condition",
                "应为非空条件列表",
                "expected a non-empty list of conditions",
            )
            return None
        subs = [_condition(ctx, p, _join(_join(path, "of"), i)) for i, p in enumerate(parts)]
        if count is None or any(s is None for s in subs):
            return None
        if not 1 <= count <= len(subs):
            ctx.err(
                _join(path, "at_least"),
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
            ctx.err(_join(path, "item"), "wrong_type", "应为题目编号字符串", "expected an item id string")
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
                    _join(path, op),
                    "bad_condition",
                    "应为非空取值列表",
                    "expected a non-empty list of values",
                )
                return None
            values = [_scalar(v) for v in operand_raw]
            if any(v is None for v in values):
                ctx.err(_join(path, op), "bad_condition", "取值须为标量", "values must be scalars")
                return None
            operand = tuple(v for v in values if v is not None)
        elif op == "answered":
            if not isinstance(operand_raw, bool):
                ctx.err(
                    _join(path, op),
                    "bad_condition",
                    "answered 应为 true 或 false",
                    "answered takes true or false",
                )
                return None
            operand = operand_raw
        elif op == "equals":
            scalar = _scalar(operand_raw)
            if scalar is None:
                ctx.err(_join(path, op), "bad_condition", "取值须为标量", "value must be a scalar")
                return None
            operand = scalar
        else:
            if isinstance(operand_raw, bool) or not isinstance(operand_raw, int | float):
                ctx.err(_join(path, op), "bad_condition", f"{op} 需要数值", f"{op} takes a number")
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


# ----------------------------------------------------------------------------------------------------
# Structure → dataclasses
# ----------------------------------------------------------------------------------------------------


def _source_doc(ctx: _Ctx, raw: Mapping[str, Any], path: str) -> SourceDocument | None:
    _check_keys(ctx, raw, SOURCE_DOC_KEYS, path)
    return SourceDocument(
        id=_req_str(ctx, raw, "id", path),
        title=_req_str(ctx, raw, "title", path),
        reference=_str(ctx, raw, "reference", path, required=False),
        file=_str(ctx, raw, "file", path, required=False),
        digest=_str(ctx, raw, "digest", path, required=False),
        url=_str(ctx, raw, "url", path, required=False),
    )


def _source_ref(ctx: _Ctx, raw: Mapping[str, Any], path: str) -> SourceRef | None:
    value = raw.get("source")
    if value is None:
        return None
    sub = _join(path, "source")
    mapping = _mapping(ctx, value, sub)
    if mapping is None:
        return None
    _check_keys(ctx, mapping, SOURCE_REF_KEYS, sub)
    return SourceRef(
        document=_req_str(ctx, mapping, "document", sub),
        section=_str(ctx, mapping, "section", sub, required=False),
        lines=_str(ctx, mapping, "lines", sub, required=False),
        note=_str(ctx, mapping, "note", sub, required=False),
    )


def _scoring(ctx: _Ctx, raw: Mapping[str, Any], path: str) -> ScoringSpec:
    value = raw.get("scoring")
    sub = _join(path, "scoring")
    mapping = _mapping(ctx, value, sub) if value is not None else None
    if mapping is None:
        if value is None:
            ctx.err(sub, "missing", "缺少必填字段 'scoring'", "missing required key 'scoring'")
        return ScoringSpec(method="")
    _check_keys(ctx, mapping, SCORING_KEYS, sub)
    return ScoringSpec(
        method=_req_str(ctx, mapping, "method", sub),
        total_points=_decimal(ctx, mapping, "total_points", sub),
        multi_choice_sum_equals_max=_bool(ctx, mapping, "multi_choice_sum_equals_max", sub, False),
        notes_zh=_str(ctx, mapping, "notes_zh", sub, required=False),
        notes_en=_str(ctx, mapping, "notes_en", sub, required=False),
    )


def _option(ctx: _Ctx, raw: Mapping[str, Any], path: str) -> Option | None:
    _check_keys(ctx, raw, OPTION_KEYS, path)
    option_id = _req_str(ctx, raw, "id", path)
    if option_id and not OPTION_ID_RE.match(option_id):
        ctx.err(
            _join(path, "id"),
            "bad_id",
            f"选项编号格式错误：{option_id!r}",
            f"malformed option id {option_id!r}",
        )
    level = _int(ctx, raw, "level", path)
    if level is not None and not 1 <= level <= 5:
        ctx.err(
            _join(path, "level"),
            "bad_level",
            "选项的成熟度等级应在 1–5 之间",
            "option level must be within 1–5",
        )
    return Option(
        id=option_id,
        text_zh=_req_str(ctx, raw, "text_zh", path),
        text_en=_req_str(ctx, raw, "text_en", path),
        points=_decimal(ctx, raw, "points", path),
        level=level,
        exclusive=_bool(ctx, raw, "exclusive", path, False),
    )


def _evidence(ctx: _Ctx, raw: Mapping[str, Any], path: str) -> EvidenceField | None:
    _check_keys(ctx, raw, EVIDENCE_KEYS, path)
    etype = raw.get("type", "number")
    if etype not in ("number", "integer", "text"):
        ctx.err(
            _join(path, "type"),
            "unknown_type",
            f"未知的佐证字段类型 {etype!r}（应为 number、integer 或 text）",
            f"unknown evidence field type {etype!r} (expected number, integer or text)",
        )
        etype = "number"
    evidence_type: EvidenceType = etype
    low, high = _decimal(ctx, raw, "min", path), _decimal(ctx, raw, "max", path)
    _check_range(ctx, low, high, path, evidence_type != "text")
    return EvidenceField(
        id=_req_str(ctx, raw, "id", path),
        label_zh=_req_str(ctx, raw, "label_zh", path),
        label_en=_req_str(ctx, raw, "label_en", path),
        type=evidence_type,
        unit=_str(ctx, raw, "unit", path, required=False),
        min=low,
        max=high,
        required=_bool(ctx, raw, "required", path, False),
        help_zh=_str(ctx, raw, "help_zh", path, required=False),
        help_en=_str(ctx, raw, "help_en", path, required=False),
    )


def _check_range(ctx: _Ctx, low: Decimal | None, high: Decimal | None, path: str, numeric: bool) -> None:
    if numeric and ctx.require_bounds and (low is None or high is None):
        ctx.err(
            _join(path, "max" if high is None else "min"),
            "missing_bound",
            "数值题和数值佐证字段须声明 min 和 max（超出范围的答案会被拒绝）",
            "number items and number evidence fields must declare min and max (answers outside are refused)",
        )
    if low is not None and high is not None and low > high:
        ctx.err(
            _join(path, "min"),
            "min_gt_max",
            f"最小值 {low} 大于最大值 {high}",
            f"min {low} is greater than max {high}",
        )


def _ladder_step(ctx: _Ctx, raw: Mapping[str, Any], path: str) -> LadderStep | None:
    _check_keys(ctx, raw, LADDER_KEYS, path)
    level = _int(ctx, raw, "level", path, required=True)
    return LadderStep(
        level=level or 0,
        text_zh=_req_str(ctx, raw, "text_zh", path),
        text_en=_str(ctx, raw, "text_en", path, required=False),
    )


def _item(ctx: _Ctx, raw: Mapping[str, Any], path: str, module_id: str) -> Item | None:
    _check_keys(ctx, raw, ITEM_KEYS, path)
    item_id = _req_str(ctx, raw, "id", path)
    if item_id and not ID_RE.match(item_id):
        ctx.err(
            _join(path, "id"),
            "bad_id",
            f"题目编号格式错误：{item_id!r}（小写字母、数字、下划线，用点分隔）",
            f"malformed item id {item_id!r} (lower-case words separated by dots)",
        )
    raw_type = raw.get("type")
    if raw_type not in ITEM_TYPES:
        ctx.err(
            _join(path, "type"),
            "unknown_type",
            f"未知的题型 {raw_type!r}（应为 {'、'.join(ITEM_TYPES)}）",
            f"unknown item type {raw_type!r} (expected one of {', '.join(ITEM_TYPES)})",
        )
        return None
    item_type: ItemType = raw_type
    low, high = _decimal(ctx, raw, "min", path), _decimal(ctx, raw, "max", path)
    _check_range(ctx, low, high, path, item_type in NUMERIC_TYPES)
    show_if = _condition(ctx, raw["show_if"], _join(path, "show_if")) if "show_if" in raw else None
    max_length = _int(ctx, raw, "max_length", path)
    return Item(
        id=item_id,
        module_id=module_id,
        type=item_type,
        text_zh=_req_str(ctx, raw, "text_zh", path),
        text_en=_req_str(ctx, raw, "text_en", path),
        help_zh=_str(ctx, raw, "help_zh", path, required=False),
        help_en=_str(ctx, raw, "help_en", path, required=False),
        required=_bool(ctx, raw, "required", path, True),
        options=_each(ctx, raw, "options", path, lambda r, p: _option(ctx, r, p)),
        min=low,
        max=high,
        unit=_str(ctx, raw, "unit", path, required=False),
        max_length=max_length,
        evidence=_each(ctx, raw, "evidence", path, lambda r, p: _evidence(ctx, r, p)),
        show_if=show_if,
        clusters=_clusters(ctx, raw, path),
        source=_source_ref(ctx, raw, path),
        source_id=_str(ctx, raw, "source_id", path, required=False),
        group=_str(ctx, raw, "group", path, required=False),
        max_points=_decimal(ctx, raw, "max_points", path),
        points_true=_decimal(ctx, raw, "points_true", path),
        ladder=_each(ctx, raw, "ladder", path, lambda r, p: _ladder_step(ctx, r, p)),
        constraint=_bool(ctx, raw, "constraint", path, False),
        tags=_str_tuple(ctx, raw, "tags", path),
    )


def _level(ctx: _Ctx, raw: Mapping[str, Any], path: str) -> MaturityLevel | None:
    _check_keys(ctx, raw, LEVEL_KEYS, path)
    requires = _condition(ctx, raw["requires"], _join(path, "requires")) if "requires" in raw else None
    return MaturityLevel(
        level=_int(ctx, raw, "level", path, required=True) or 0,
        name_zh=_req_str(ctx, raw, "name_zh", path),
        name_en=_req_str(ctx, raw, "name_en", path),
        description_zh=_req_str(ctx, raw, "description_zh", path),
        description_en=_req_str(ctx, raw, "description_en", path),
        min_score=_decimal(ctx, raw, "min_score", path),
        requires=requires,
    )


def _flag(ctx: _Ctx, raw: Mapping[str, Any], path: str) -> Flag | None:
    _check_keys(ctx, raw, FLAG_KEYS, path)
    if "condition" not in raw:
        ctx.err(
            _join(path, "condition"),
            "missing",
            "缺少必填字段 'condition'",
            "missing required key 'condition'",
        )
        return None
    condition = _condition(ctx, raw["condition"], _join(path, "condition"))
    if condition is None:
        return None
    return Flag(
        id=_req_str(ctx, raw, "id", path),
        name_zh=_req_str(ctx, raw, "name_zh", path),
        name_en=_req_str(ctx, raw, "name_en", path),
        condition=condition,
        description_zh=_str(ctx, raw, "description_zh", path, required=False),
        description_en=_str(ctx, raw, "description_en", path, required=False),
    )


def _group(ctx: _Ctx, raw: Mapping[str, Any], path: str) -> Group | None:
    _check_keys(ctx, raw, GROUP_KEYS, path)
    return Group(
        id=_req_str(ctx, raw, "id", path),
        title_zh=_req_str(ctx, raw, "title_zh", path),
        title_en=_req_str(ctx, raw, "title_en", path),
        max_points=_decimal(ctx, raw, "max_points", path),
        weight_pct=_decimal(ctx, raw, "weight_pct", path),
    )


def _module(ctx: _Ctx, raw: Mapping[str, Any], path: str) -> Module | None:
    _check_keys(ctx, raw, MODULE_KEYS, path)
    module_id = _req_str(ctx, raw, "id", path)
    if module_id and not ID_RE.match(module_id):
        ctx.err(
            _join(path, "id"),
            "bad_id",
            f"模块编号格式错误：{module_id!r}",
            f"malformed module id {module_id!r}",
        )
    weight = _decimal(ctx, raw, "weight", path, required=True)
    if weight is not None and weight < 0:
        ctx.err(_join(path, "weight"), "bad_weight", "权重不能为负", "weight must not be negative")
    items = _each(ctx, raw, "items", path, lambda r, p: _item(ctx, r, p, module_id))
    if not raw.get("items"):
        ctx.err(_join(path, "items"), "missing", "模块至少需要一道题", "a module needs at least one item")
    return Module(
        id=module_id,
        title_zh=_req_str(ctx, raw, "title_zh", path),
        title_en=_req_str(ctx, raw, "title_en", path),
        description_zh=_str(ctx, raw, "description_zh", path, required=False),
        description_en=_str(ctx, raw, "description_en", path, required=False),
        weight=weight if weight is not None else Decimal(0),
        levels=_each(ctx, raw, "levels", path, lambda r, p: _level(ctx, r, p)),
        items=items,
        clusters=_clusters(ctx, raw, path),
        groups=_each(ctx, raw, "groups", path, lambda r, p: _group(ctx, r, p)),
        max_points=_decimal(ctx, raw, "max_points", path),
        source=_source_ref(ctx, raw, path),
        flags=_each(ctx, raw, "flags", path, lambda r, p: _flag(ctx, r, p)),
    )


# ----------------------------------------------------------------------------------------------------
# Semantic checks on the built objects
# ----------------------------------------------------------------------------------------------------


def _fmt(d: Decimal) -> str:
    return format(d.normalize(), "f")


def _check_item(ctx: _Ctx, item: Item, path: str, sum_equals_max: bool) -> None:
    is_choice = item.type in CHOICE_TYPES
    seen: set[str] = set()
    for k, opt in enumerate(item.options):
        if opt.id in seen:
            ctx.err(
                f"{path}.options[{k}].id",
                "duplicate_id",
                f"选项编号重复：{opt.id}",
                f"duplicate option id {opt.id}",
            )
        seen.add(opt.id)
    if is_choice and len(item.options) < 2:
        ctx.err(
            _join(path, "options"),
            "missing",
            "选择题至少需要两个选项",
            "a choice item needs at least two options",
        )
    if not is_choice and item.options:
        ctx.err(
            _join(path, "options"),
            "not_allowed",
            f"{item.type} 题型不能有选项",
            f"items of type {item.type} cannot have options",
        )
    if item.type not in NUMERIC_TYPES and (item.min is not None or item.max is not None):
        ctx.err(path, "not_allowed", "只有数值题可设 min/max", "only number/integer items take min/max")
    if item.type != "boolean" and item.points_true is not None:
        ctx.err(
            _join(path, "points_true"),
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
                _join(path, "ladder"),
                "bad_level",
                f"场景等级应为从 1 开始的连续等级，当前为 {got}",
                f"scenario ladder must list consecutive levels starting at 1; got {got}",
            )
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
    _check_points(ctx, item, path, sum_equals_max)
    seen = set()
    for k, ev in enumerate(item.evidence):
        if ev.id in seen:
            ctx.err(
                f"{path}.evidence[{k}].id",
                "duplicate_id",
                f"佐证字段编号重复：{ev.id}",
                f"duplicate evidence field id {ev.id}",
            )
        seen.add(ev.id)


def _check_points(ctx: _Ctx, item: Item, path: str, sum_equals_max: bool) -> None:
    pointed = [(k, o) for k, o in enumerate(item.options) if o.points is not None]
    if item.max_points is None:
        if pointed or item.points_true is not None:
            ctx.err(
                _join(path, "max_points"),
                "missing",
                "有计分选项的题目必须声明 max_points",
                "an item whose answers carry points must declare max_points",
            )
        return
    if item.max_points < 0:
        ctx.err(
            _join(path, "max_points"), "bad_points", "max_points 不能为负", "max_points must not be negative"
        )
        return
    for k, opt in pointed:
        assert opt.points is not None
        if opt.points < 0 or opt.points > item.max_points:
            ctx.err(
                f"{path}.options[{k}].points",
                "points_over_max",
                f"选项分值 {_fmt(opt.points)} 超出 0–{_fmt(item.max_points)} 范围",
                f"option points {_fmt(opt.points)} outside 0–{_fmt(item.max_points)} (the item's max_points)",
            )
    if item.type == "single" and pointed:
        best = max(o.points for _, o in pointed if o.points is not None)
        if best != item.max_points:
            ctx.err(
                _join(path, "max_points"),
                "max_points_mismatch",
                f"单选题最高选项分值 {_fmt(best)} 应等于 max_points {_fmt(item.max_points)}",
                f"best option of a single-choice item is worth {_fmt(best)}, "
                f"max_points is {_fmt(item.max_points)}",
            )
    if item.type == "multi" and sum_equals_max:
        total = sum((o.points or Decimal(0) for o in item.options), Decimal(0))
        if total != item.max_points:
            ctx.err(
                _join(path, "options"),
                "multi_sum_mismatch",
                f"多选题选项分值之和 {_fmt(total)} 不等于 max_points {_fmt(item.max_points)}",
                f"multi-choice options add up to {_fmt(total)}, not max_points {_fmt(item.max_points)}",
            )
    if item.type == "boolean" and item.points_true is not None and item.points_true > item.max_points:
        ctx.err(
            _join(path, "points_true"),
            "points_over_max",
            f"points_true {_fmt(item.points_true)} 超过 max_points {_fmt(item.max_points)}",
            f"points_true {_fmt(item.points_true)} exceeds max_points {_fmt(item.max_points)}",
        )
    if item.type in ("number", "integer", "text") and item.max_points:
        ctx.err(
            _join(path, "max_points"),
            "not_allowed",
            "数值题和文本题不计分（请用分档单选题）",
            "number and text items carry no points (use a single-choice item with bands)",
        )


def _check_condition(
    ctx: _Ctx,
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


def _check_instrument(ctx: _Ctx, inst: Instrument) -> None:
    sum_equals_max = inst.scoring.multi_choice_sum_equals_max
    doc_ids = {d.id for d in inst.sources}
    items: dict[str, Item] = {}
    order: dict[str, int] = {}
    positions: dict[str, str] = {}
    module_ids: set[str] = set()
    n = 0
    for i, module in enumerate(inst.modules):
        mpath = f"modules[{i}]"
        if module.id in module_ids:
            ctx.err(
                _join(mpath, "id"),
                "duplicate_id",
                f"模块编号重复：{module.id}",
                f"duplicate module id {module.id}",
            )
        module_ids.add(module.id)
        for j, item in enumerate(module.items):
            ipath = f"{mpath}.items[{j}]"
            if item.id in items:
                ctx.err(
                    _join(ipath, "id"),
                    "duplicate_id",
                    f"题目编号重复：{item.id}（首次出现在 {positions[item.id]}）",
                    f"duplicate item id {item.id} (first used at {positions[item.id]})",
                )
                continue
            items[item.id] = item
            order[item.id] = n
            positions[item.id] = ipath
            n += 1

    flag_ids: set[str] = set()
    for i, module in enumerate(inst.modules):
        mpath = f"modules[{i}]"
        levels = [lv.level for lv in module.levels]
        if levels != [1, 2, 3, 4, 5]:
            ctx.err(
                _join(mpath, "levels"),
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
                        _join(lpath, "min_score"),
                        "bad_levels",
                        "min_score 应在 0–100 之间且随等级不递减",
                        "min_score must be within 0–100 and must not decrease with the level",
                    )
                previous = lv.min_score
            if lv.requires is not None:
                _check_condition(ctx, lv.requires, _join(lpath, "requires"), order, items, None)
        for k, flag in enumerate(module.flags):
            fpath = f"{mpath}.flags[{k}]"
            if flag.id in flag_ids:
                ctx.err(
                    _join(fpath, "id"),
                    "duplicate_id",
                    f"标志编号重复：{flag.id}",
                    f"duplicate flag id {flag.id}",
                )
            flag_ids.add(flag.id)
            _check_condition(ctx, flag.condition, _join(fpath, "condition"), order, items, None)
        group_ids = {g.id for g in module.groups}
        for k, grp in enumerate(module.groups):
            members = [it for it in module.items if it.group == grp.id]
            total = sum((it.max_points or Decimal(0) for it in members), Decimal(0))
            if grp.max_points is not None and total != grp.max_points:
                ctx.err(
                    f"{mpath}.groups[{k}].max_points",
                    "max_points_mismatch",
                    f"分组 {grp.id} 题目满分之和为 {_fmt(total)}，声明为 {_fmt(grp.max_points)}",
                    f"items of group {grp.id} add up to {_fmt(total)}, declared {_fmt(grp.max_points)}",
                )
        if module.max_points is not None and module.points_available != module.max_points:
            ctx.err(
                _join(mpath, "max_points"),
                "max_points_mismatch",
                f"模块题目满分之和为 {_fmt(module.points_available)}，声明为 {_fmt(module.max_points)}",
                f"module items add up to {_fmt(module.points_available)}, declared {_fmt(module.max_points)}",
            )
        if module.source is not None and module.source.document not in doc_ids:
            ctx.err(
                _join(mpath, "source.document"),
                "bad_reference",
                f"来源文件 {module.source.document!r} 未在 sources 中登记",
                f"source document {module.source.document!r} is not listed in sources",
            )
        for j, item in enumerate(module.items):
            ipath = f"{mpath}.items[{j}]"
            _check_item(ctx, item, ipath, sum_equals_max)
            if item.group is not None and item.group not in group_ids:
                ctx.err(
                    _join(ipath, "group"),
                    "bad_reference",
                    f"分组 {item.group!r} 未在模块 groups 中定义",
                    f"group {item.group!r} is not defined in the module's groups",
                )
            if module.clusters and item.clusters and not set(item.clusters) <= set(module.clusters):
                ctx.err(
                    _join(ipath, "clusters"),
                    "bad_cluster",
                    "题目的产业集群须为所在模块产业集群的子集，否则永远不会显示",
                    "item clusters must be a subset of the module's clusters, or the item never shows",
                )
            if item.source is None:
                if inst.origin == "own":
                    ctx.err(
                        _join(ipath, "source"),
                        "missing_source",
                        "自有问卷的每道题都必须注明来源（文件、章节、行号）",
                        "every item of an own instrument must cite its source (document, section, lines)",
                    )
            elif item.source.document not in doc_ids:
                ctx.err(
                    _join(ipath, "source.document"),
                    "bad_reference",
                    f"来源文件 {item.source.document!r} 未在 sources 中登记",
                    f"source document {item.source.document!r} is not listed in sources",
                )
            if item.show_if is not None and item.id in order:
                _check_condition(ctx, item.show_if, _join(ipath, "show_if"), order, items, order[item.id])

    general = [m for m in inst.modules if not m.clusters]
    weight = sum((m.weight for m in general), Decimal(0))
    if general and weight != TOTAL_WEIGHT:
        ctx.err(
            "modules",
            "bad_weight",
            f"不限产业集群的模块权重之和应为 100，当前为 {_fmt(weight)}",
            f"weights of the modules shown to every company must add up to 100; got {_fmt(weight)}",
        )
    if inst.scoring.total_points is not None:
        total = sum((m.points_available for m in general), Decimal(0))
        if total != inst.scoring.total_points:
            ctx.err(
                "scoring.total_points",
                "max_points_mismatch",
                f"通用模块满分之和为 {_fmt(total)}，声明为 {_fmt(inst.scoring.total_points)}",
                f"modules shown to every company add up to {_fmt(total)}, "
                f"declared {_fmt(inst.scoring.total_points)}",
            )
    seen_docs: set[str] = set()
    for k, doc in enumerate(inst.sources):
        if doc.id in seen_docs:
            ctx.err(
                f"sources[{k}].id", "duplicate_id", f"来源编号重复：{doc.id}", f"duplicate source id {doc.id}"
            )
        seen_docs.add(doc.id)


# ----------------------------------------------------------------------------------------------------
# Public API
# ----------------------------------------------------------------------------------------------------


def parse_definition(
    raw: Any,
    *,
    file: str = "<memory>",
    lock: Mapping[str, str] | None = None,
    expected_location: tuple[str, str] | None = None,
) -> tuple[Instrument | None, list[ValidationError]]:
    """Build an :class:`Instrument` from parsed YAML; return it (or ``None``) with every problem found.

    *lock* is the ``published.lock.json`` map to check published versions against (``None`` skips the check).
    *expected_location* is the ``(instrument_id, version)`` implied by the file's path.
    """
    ctx = _Ctx(file)
    root = _mapping(ctx, raw, "")
    if root is None:
        return None, ctx.errors
    _check_keys(ctx, root, INSTRUMENT_KEYS, "")
    inst_id = _req_str(ctx, root, "id", "")
    if inst_id and not INSTRUMENT_ID_RE.match(inst_id):
        ctx.err("id", "bad_id", f"问卷编号格式错误：{inst_id!r}", f"malformed instrument id {inst_id!r}")
    version = _str(ctx, root, "version", "")
    if version is not None and not VERSION_RE.match(version):
        ctx.err(
            "version",
            "bad_version",
            f"版本号格式错误：{version!r}（应为 YYYY 或 YYYY.N，并加引号）",
            f"malformed version {version!r} (expected YYYY or YYYY.N, quoted)",
        )
    elif "version" in root and version is None:
        ctx.errors[-1] = ValidationError(
            file,
            "version",
            "bad_version",
            '版本号必须是带引号的字符串，如 "2025.1"',
            'version must be a quoted string such as "2025.1"',
        )
    status = root.get("status")
    if status not in ("draft", "published"):
        ctx.err("status", "bad_status", "status 应为 draft 或 published", "status must be draft or published")
        status = "draft"
    origin = root.get("origin")
    if origin not in ("own", "external"):
        ctx.err("origin", "bad_origin", "origin 应为 own 或 external", "origin must be own or external")
        origin = "own"
    st = cast(Status, status)
    org = cast(Origin, origin)
    ctx.require_bounds = st == "draft"
    if expected_location is not None and inst_id and version:
        want_id, want_version = expected_location
        if (inst_id, version) != (want_id, want_version):
            ctx.err(
                "",
                "bad_location",
                f"文件位置 {want_id}/{want_version}.yaml 与内容 id={inst_id} version={version} 不符",
                f"file location {want_id}/{want_version}.yaml does not match id={inst_id} version={version}",
            )
    sources = _each(ctx, root, "sources", "", lambda r, p: _source_doc(ctx, r, p))
    scoring = _scoring(ctx, root, "")
    modules = _each(ctx, root, "modules", "", lambda r, p: _module(ctx, r, p))
    if not root.get("modules"):
        ctx.err("modules", "missing", "至少需要一个模块", "at least one module is required")
    digest = content_hash(raw)
    inst = Instrument(
        id=inst_id,
        version=version or "",
        status=st,
        origin=org,
        title_zh=_req_str(ctx, root, "title_zh", ""),
        title_en=_req_str(ctx, root, "title_en", ""),
        description_zh=_str(ctx, root, "description_zh", "", required=False),
        description_en=_str(ctx, root, "description_en", "", required=False),
        sources=sources,
        scoring=scoring,
        modules=modules,
        content_hash=digest,
    )
    _check_instrument(ctx, inst)
    if lock is not None and inst_id and version:
        key = f"{inst_id}@{version}"
        locked = lock.get(key)
        if st == "published" and locked is None:
            ctx.err(
                "status",
                "not_locked",
                f"已发布版本 {key} 在 published.lock.json 中没有哈希记录（请用 publish 发布）",
                f"published version {key} has no entry in published.lock.json (publish it with `publish`)",
            )
        elif st == "published" and locked is not None and locked != digest:
            ctx.err(
                "",
                "hash_mismatch",
                f"已发布版本 {key} 的内容被修改：哈希 {digest[:12]}… 与锁定的 {locked[:12]}… 不符；"
                "已发布版本不可修改，请另建新版本",
                f"published version {key} was modified: hash {digest[:12]}… "
                f"differs from locked {locked[:12]}…; "
                "published versions are immutable, create a new version instead",
            )
        elif st == "draft" and locked is not None:
            ctx.err(
                "status",
                "unpublished",
                f"{key} 已发布（见 published.lock.json），不能改回 draft",
                f"{key} was published (see published.lock.json) and cannot return to draft",
            )
    return (inst if not ctx.errors else None), ctx.errors


def _location(path: Path) -> tuple[str, str]:
    return path.parent.name, path.stem


def parse_file(
    path: str | Path, *, lock: Mapping[str, str] | None = None
) -> tuple[Instrument | None, list[ValidationError]]:
    """Read and validate one definition file; *lock* defaults to the lock file of its definitions root."""
    path = Path(path)
    file = str(path)
    if not path.is_file():
        return None, [ValidationError(file, "", "not_found", "文件不存在", "file not found")]
    try:
        raw = read_yaml(path)
    except YamlError as exc:
        return None, [
            ValidationError(
                file, "", "yaml_error", f"YAML 解析失败：{exc.message}", f"YAML parse error: {exc.message}"
            )
        ]
    if lock is None:
        try:
            lock = read_lock(path.parent.parent)
        except ValueError as exc:
            return None, [
                ValidationError(file, "", "bad_lock", f"锁文件无效：{exc}", f"invalid lock file: {exc}")
            ]
    return parse_definition(raw, file=file, lock=lock, expected_location=_location(path))


def validate_file(path: str | Path, *, lock: Mapping[str, str] | None = None) -> list[ValidationError]:
    """All problems in one definition file (empty list = valid)."""
    return parse_file(path, lock=lock)[1]


def validate_all(root: str | Path | None = None) -> list[ValidationError]:
    """Validate every definition below *root* (default: the shipped definitions) and the lock file itself."""
    base = Path(root) if root is not None else DEFINITIONS_DIR
    try:
        lock = read_lock(base)
    except ValueError as exc:
        return [ValidationError(str(base), "", "bad_lock", f"锁文件无效：{exc}", f"invalid lock file: {exc}")]
    errors: list[ValidationError] = []
    files = definition_files(base)
    for path in files:
        errors.extend(validate_file(path, lock=lock))
    present = {f"{p.parent.name}@{p.stem}" for p in files}
    for key in sorted(set(lock) - present):
        errors.append(
            ValidationError(
                str(base / "published.lock.json"),
                key,
                "missing_definition",
                f"已发布版本 {key} 的定义文件不见了（已发布版本不可删除）",
                f"the definition of published version {key} is missing "
                "(published versions must not be deleted)",
            )
        )
    return errors


def format_errors(errors: Sequence[ValidationError]) -> str:
    return "\n".join(str(e) for e in errors)
