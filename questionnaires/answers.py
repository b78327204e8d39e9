"""Pure helpers over an instrument and a company's answers: check one answer, skip logic, progress.

Answer representation (what the web app stores per assessment, JSON-compatible)::

    answers = {
        "base.equipment.network": ["B", "C"],          # multi: list of option ids
        "base.info_systems.coverage": "C",              # single: option id
        "equip.cnc_rate": 35.5,                          # number (int or float)
        "org.it_staff": 3,                               # integer
        "strategy.notes": "…",                           # text
        "net.edge_computing": True,                      # boolean
        "ops.production.quality": 2,                     # scenario_level: 0 = 未达到L1, 1..4 = L1..L4
        "base.equipment.digitization": {                 # any item with evidence fields:
            "value": "C",                                #   the answer itself (may be None while drafting)
            "evidence": {"production_devices_total": 120, "digitized_devices": 40},
        },
    }

An item is *answered* when its value is not ``None``, ``""`` or ``[]`` (``False`` and ``0`` are answers).
None of these functions raise on bad input: :func:`validate_answer` reports problems in its result.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .model import (
    AllOf,
    AnyOf,
    AtLeast,
    Condition,
    EvidenceField,
    Instrument,
    Item,
    ItemCondition,
    Module,
    Not,
)

DEFAULT_MAX_TEXT = 2000
NUL_ZH, NUL_EN = "文字中含有不允许的空字符（NUL）", "text must not contain a NUL character"
_TRUE_STRINGS = frozenset({"true", "1", "yes", "y", "是", "on"})
_FALSE_STRINGS = frozenset({"false", "0", "no", "n", "否", "off"})


@dataclass(frozen=True)
class AnswerCheck:
    """Result of :func:`validate_answer`. ``normalized`` is the value to store when ``ok``."""

    ok: bool
    code: str  # "ok" or the problem: unknown_item, not_visible, wrong_type, out_of_range, unknown_option, …
    message_zh: str
    message_en: str
    normalized: Any = None
    field: str | None = None  # evidence field id the problem is about, if any


@dataclass(frozen=True)
class ModuleProgress:
    module_id: str
    title_zh: str
    title_en: str
    answered: int
    total: int

    @property
    def percent(self) -> float:
        return 100.0 if self.total == 0 else round(100.0 * self.answered / self.total, 1)

    @property
    def complete(self) -> bool:
        return self.answered >= self.total


@dataclass(frozen=True)
class Progress:
    modules: tuple[ModuleProgress, ...]
    answered: int
    total: int
    visible_ids: frozenset[str] = frozenset()  # the visible items counted (so callers need not recompute)

    @property
    def percent(self) -> float:
        return 100.0 if self.total == 0 else round(100.0 * self.answered / self.total, 1)

    @property
    def complete(self) -> bool:
        return self.answered >= self.total


@dataclass(frozen=True)
class MissingItem:
    """A required visible item (or required evidence field, ``field`` set) that has no answer yet."""

    module_id: str
    item_id: str
    text_zh: str
    text_en: str
    field: str | None = None


# ----------------------------------------------------------------------------------------------------
# Reading stored answers
# ----------------------------------------------------------------------------------------------------


def answer_value(raw: Any) -> Any:
    """The answer itself, whether stored plainly or as ``{"value": …, "evidence": {…}}``."""
    if isinstance(raw, Mapping):
        return raw.get("value")
    return raw


def answer_evidence(raw: Any) -> Mapping[str, Any]:
    if isinstance(raw, Mapping):
        evidence = raw.get("evidence")
        if isinstance(evidence, Mapping):
            return evidence
    return {}


def is_answered(raw: Any) -> bool:
    value = answer_value(raw)
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | tuple):
        return bool(value)
    return True


# A number typed as text: ASCII digits in plain notation. Decimal() also takes exponents ("1e200000", which
# int() then spends seconds expanding), NaN, Infinity and non-ASCII digits ("１２"); none of them is an
# answer a person means, so they are refused before any conversion.
_NUMBER_TEXT = re.compile(r"[+-]?(?:[0-9]{1,40}(?:\.[0-9]{0,20})?|\.[0-9]{1,20})")

# Bounds for numeric fields whose definition declares none (published instruments cannot change): values
# beyond any real company. Percentages 0–100, money in 万元 up to 1e9 (10 trillion yuan), counts (integers)
# up to 1e7, other quantities (吨标准煤 …) up to 1e9.
DEFAULT_MAX_MONEY_WAN = Decimal(10**9)
DEFAULT_MAX_COUNT = Decimal(10**7)
DEFAULT_MAX_QUANTITY = Decimal(10**9)


def numeric_bounds(
    kind: str, low: Decimal | None, high: Decimal | None, unit: str | None
) -> tuple[Decimal, Decimal]:
    """The (min, max) an answer of a number/integer item or evidence field is checked against: the declared
    ones, else the defaults above (a missing min is the negative max, except percentages: 0)."""
    if unit is not None and unit.strip() == "%":
        default_high, default_low = Decimal(100), Decimal(0)
    elif unit is not None and "万元" in unit:
        default_high, default_low = DEFAULT_MAX_MONEY_WAN, -DEFAULT_MAX_MONEY_WAN
    elif kind == "integer":
        default_high, default_low = DEFAULT_MAX_COUNT, -DEFAULT_MAX_COUNT
    else:
        default_high, default_low = DEFAULT_MAX_QUANTITY, -DEFAULT_MAX_QUANTITY
    return (default_low if low is None else low), (default_high if high is None else high)


def _to_decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value)) if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, str):
        text = value.strip()
        if not _NUMBER_TEXT.fullmatch(text):
            return None
        return Decimal(text)
    return None


def _plain_number(number: Decimal, integer: bool) -> int | float:
    if integer or number == number.to_integral_value():
        return int(number)
    return float(number)


# ----------------------------------------------------------------------------------------------------
# Conditions and visibility
# ----------------------------------------------------------------------------------------------------


def _test(instrument: Instrument, cond: ItemCondition, answers: Mapping[str, Any], hidden: set[str]) -> bool:
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
        if item.type == "multi":
            return isinstance(value, list | tuple) and list(value) == [cond.operand]
        return _same(value, cond.operand)
    number = _to_decimal(value)
    target = _to_decimal(cond.operand)
    if number is None or target is None:
        return False
    if cond.op == "gte":
        return number >= target
    if cond.op == "gt":
        return number > target
    if cond.op == "lte":
        return number <= target
    return number < target


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    na, nb = _to_decimal(a), _to_decimal(b)
    if na is not None and nb is not None and not (isinstance(a, str) and isinstance(b, str)):
        return na == nb
    return bool(a == b)


def evaluate(
    condition: Condition,
    instrument: Instrument,
    answers: Mapping[str, Any],
    *,
    hidden: Iterable[str] = (),
) -> bool:
    """Evaluate a ``show_if`` / ``requires`` condition; answers of *hidden* items count as absent."""
    hidden_set = set(hidden)
    return _eval(condition, instrument, answers, hidden_set)


def _eval(cond: Condition, inst: Instrument, answers: Mapping[str, Any], hidden: set[str]) -> bool:
    if isinstance(cond, ItemCondition):
        return _test(inst, cond, answers, hidden)
    if isinstance(cond, AllOf):
        return all(_eval(c, inst, answers, hidden) for c in cond.conditions)
    if isinstance(cond, AnyOf):
        return any(_eval(c, inst, answers, hidden) for c in cond.conditions)
    if isinstance(cond, Not):
        return not _eval(cond.condition, inst, answers, hidden)
    assert isinstance(cond, AtLeast)
    return sum(1 for c in cond.conditions if _eval(c, inst, answers, hidden)) >= cond.count


def module_visible(module: Module, cluster: str | None) -> bool:
    """Cluster-specific modules are shown only to companies of one of their clusters."""
    return not module.clusters or (cluster is not None and cluster in module.clusters)


def _visibility(instrument: Instrument, answers: Mapping[str, Any], cluster: str | None) -> dict[str, bool]:
    seen: dict[str, bool] = {}
    hidden: set[str] = set()
    for module in instrument.modules:
        shown_module = module_visible(module, cluster)
        for item in module.items:
            shown = shown_module and (not item.clusters or (cluster is not None and cluster in item.clusters))
            if shown and item.show_if is not None:
                shown = _eval(item.show_if, instrument, answers, hidden)
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
    shown = _visibility(instrument, answers, cluster)
    return [item for item in instrument.items if shown[item.id]]


def is_visible(
    instrument: Instrument, item_id: str, answers: Mapping[str, Any], cluster: str | None = None
) -> bool:
    return _visibility(instrument, answers, cluster).get(item_id, False)


def visible_answers(
    instrument: Instrument, answers: Mapping[str, Any], cluster: str | None = None
) -> dict[str, Any]:
    """The answers of visible items only (what a scoring engine should see)."""
    shown = _visibility(instrument, answers, cluster)
    return {k: v for k, v in answers.items() if shown.get(k, False)}


# ----------------------------------------------------------------------------------------------------
# One answer
# ----------------------------------------------------------------------------------------------------


def _ok(normalized: Any) -> AnswerCheck:
    return AnswerCheck(True, "ok", "已保存", "saved", normalized)


def _bad(code: str, zh: str, en: str, field: str | None = None) -> AnswerCheck:
    return AnswerCheck(False, code, zh, en, None, field)


# The instruments' units are Chinese (data); English messages name them in English where we know them.
UNITS_EN = {
    "万元": "× 10,000 CNY",
    "万元/年": "× 10,000 CNY a year",
    "台": "machines",
    "人": "people",
    "个": "",
    "家": "companies",
    "道": "processes",
    "吨标准煤": "t of standard coal",
    "%": "%",
}


def unit_en(unit: str | None) -> str | None:
    """The English name of an instrument's unit (the unit itself when it has none)."""
    return UNITS_EN.get(unit.strip(), unit) if unit else unit


def _range_text(low: Decimal | None, high: Decimal | None, unit: str | None) -> tuple[str, str]:
    u = f" {unit}" if unit else ""
    english = unit_en(unit)
    e = f" {english}" if english else ""
    lo = format(low.normalize(), "f") if low is not None else None
    hi = format(high.normalize(), "f") if high is not None else None
    if lo is not None and hi is not None:
        return f"{lo}–{hi}{u}", f"between {lo} and {hi}{e}"
    if lo is not None:
        return f"不小于 {lo}{u}", f"at least {lo}{e}"
    return f"不大于 {hi}{u}", f"at most {hi}{e}"


def _check_number(
    value: Any, integer: bool, low: Decimal | None, high: Decimal | None, unit: str | None, field: str | None
) -> AnswerCheck:
    number = _to_decimal(value)
    if number is None:
        return _bad(
            "wrong_type",
            "请填写数字（半角数字，如 12 或 3.5）",
            "please enter a number (digits, such as 12 or 3.5)",
            field,
        )
    low, high = numeric_bounds("integer" if integer else "number", low, high, unit)
    # the range first: it is cheap on any Decimal, and what passes it converts to int/float quickly
    if number < low or number > high:
        zh, en = _range_text(low, high, unit)
        if number > high:
            return _bad("out_of_range", f"数值过大，应为 {zh}", f"value too large: must be {en}", field)
        return _bad("out_of_range", f"数值过小，应为 {zh}", f"value too small: must be {en}", field)
    if integer and number != number.to_integral_value():
        return _bad("wrong_type", "请填写整数", "please enter a whole number", field)
    return _ok(_plain_number(number, integer))


def _check_value(item: Item, value: Any) -> AnswerCheck:
    if item.type == "single":
        if not isinstance(value, str):
            return _bad("wrong_type", "请选择一个选项", "please choose one option")
        if item.option(value) is None:
            allowed = "、".join(item.option_ids)
            return _bad(
                "unknown_option", f"没有选项 {value!r}（可选：{allowed}）", f"unknown option {value!r}"
            )
        return _ok(value)
    if item.type == "multi":
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            return _bad("wrong_type", "请勾选选项", "please tick options")
        unknown = [v for v in value if item.option(v) is None]
        if unknown:
            return _bad("unknown_option", f"没有选项 {unknown[0]!r}", f"unknown option {unknown[0]!r}")
        chosen = set(value)
        exclusive = [o for o in item.options if o.exclusive and o.id in chosen]
        if exclusive and len(chosen) > 1:
            opt = exclusive[0]
            return _bad(
                "exclusive_conflict",
                f"选项“{opt.text_zh}”不能与其他选项同时勾选",
                f"option '{opt.text_en}' cannot be combined with other options",
            )
        return _ok([o.id for o in item.options if o.id in chosen])
    if item.type in ("number", "integer"):
        return _check_number(value, item.type == "integer", item.min, item.max, item.unit, None)
    if item.type == "text":
        if not isinstance(value, str):
            return _bad("wrong_type", "请填写文字", "please enter text")
        if "\x00" in value:  # PostgreSQL's jsonb cannot hold it (the save failed there)
            return _bad("wrong_type", NUL_ZH, NUL_EN)
        limit = item.max_length or DEFAULT_MAX_TEXT
        if len(value) > limit:
            return _bad(
                "too_long", f"文字过长（最多 {limit} 字）", f"text too long (at most {limit} characters)"
            )
        return _ok(value.strip())
    if item.type == "boolean":
        if isinstance(value, bool):
            return _ok(value)
        if isinstance(value, str) and value.strip().lower() in _TRUE_STRINGS | _FALSE_STRINGS:
            return _ok(value.strip().lower() in _TRUE_STRINGS)
        return _bad("wrong_type", "请选择“是”或“否”", "please answer yes or no")
    # scenario_level
    top = len(item.ladder)
    number = _to_decimal(value)
    if number is None or number != number.to_integral_value():
        return _bad("wrong_type", f"请选择等级 0–{top}", f"please choose a level 0–{top}")
    if not 0 <= number <= top:
        return _bad(
            "out_of_range",
            f"等级超出范围，应为 0（未达到L1）到 {top}",
            f"level out of range: must be 0 (below L1) to {top}",
        )
    return _ok(int(number))


def _check_evidence(item: Item, evidence: Any) -> tuple[AnswerCheck | None, dict[str, Any]]:
    if not isinstance(evidence, Mapping):
        return _bad("wrong_type", "佐证数据格式错误", "evidence must be a mapping of field id to value"), {}
    fields: dict[str, EvidenceField] = {f.id: f for f in item.evidence}
    cleaned: dict[str, Any] = {}
    for key, val in evidence.items():
        spec = fields.get(key) if isinstance(key, str) else None
        if spec is None:
            return _bad(
                "unknown_field", f"没有佐证字段 {key!r}", f"unknown evidence field {key!r}", str(key)
            ), {}
        if val is None or (isinstance(val, str) and not val.strip()):
            continue
        if spec.type == "text":
            if not isinstance(val, str):
                return _bad(
                    "wrong_type", f"“{spec.label_zh}”应为文字", f"'{spec.label_en}' must be text", key
                ), {}
            if "\x00" in val:
                return _bad("wrong_type", f"{spec.label_zh}：{NUL_ZH}", f"{spec.label_en}: {NUL_EN}", key), {}
            cleaned[key] = val.strip()
            continue
        check = _check_number(val, spec.type == "integer", spec.min, spec.max, spec.unit, key)
        if not check.ok:
            return (
                AnswerCheck(
                    False,
                    check.code,
                    f"{spec.label_zh}：{check.message_zh}",
                    f"{spec.label_en}: {check.message_en}",
                    None,
                    key,
                ),
                {},
            )
        cleaned[key] = check.normalized
    return None, {f.id: cleaned[f.id] for f in item.evidence if f.id in cleaned}


def validate_answer(
    instrument: Instrument,
    item_id: str,
    value: Any,
    *,
    answers: Mapping[str, Any] | None = None,
    cluster: str | None = None,
) -> AnswerCheck:
    """Check one answer (for autosave) and return it normalized; never raises.

    Pass the company's other *answers* to also check the ``show_if`` rules, and *cluster* to check cluster
    filters. ``None`` (or ``""`` / ``[]``) clears an answer and is always accepted; required answers are
    reported by :func:`missing_required` at review time.
    """
    if not isinstance(item_id, str) or not instrument.has_item(item_id):
        return _bad("unknown_item", f"没有题目 {item_id!r}", f"unknown item {item_id!r}")
    item = instrument.item(item_id)
    module = instrument.module(item.module_id)
    cluster_ok = module_visible(module, cluster) and (
        not item.clusters or (cluster is not None and cluster in item.clusters)
    )
    if (cluster is not None or answers is not None) and not cluster_ok:
        return _bad(
            "not_visible",
            "本题不适用于贵企业所属产业集群",
            "this item does not apply to your industry cluster",
        )
    if answers is not None and not is_visible(instrument, item_id, answers, cluster):
        return _bad(
            "not_visible", "根据前面的回答，本题无需作答", "this item is skipped given your earlier answers"
        )
    plain = value
    evidence: Any = None
    if isinstance(value, Mapping):
        extra = set(value) - {"value", "evidence"}
        if extra or "value" not in value:
            return _bad(
                "wrong_type",
                "带佐证的答案应为 {value, evidence}",
                "an answer with evidence must be {value, evidence}",
            )
        plain, evidence = value.get("value"), value.get("evidence")
        if evidence is not None and not item.evidence:
            return _bad("unknown_field", "本题没有佐证字段", "this item has no evidence fields")
    cleaned_evidence: dict[str, Any] = {}
    if evidence is not None:
        problem, cleaned_evidence = _check_evidence(item, evidence)
        if problem is not None:
            return problem
    if is_answered(plain):
        check = _check_value(item, plain)
        if not check.ok:
            return check
        normalized: Any = check.normalized
    else:
        normalized = None
    if item.evidence and (evidence is not None or isinstance(value, Mapping)):
        return _ok({"value": normalized, "evidence": cleaned_evidence})
    return _ok(normalized)


# ----------------------------------------------------------------------------------------------------
# Progress and review
# ----------------------------------------------------------------------------------------------------


def flags(instrument: Instrument, answers: Mapping[str, Any], cluster: str | None = None) -> dict[str, bool]:
    """Every flag of the modules visible to the company, evaluated on its (visible) answers."""
    shown = _visibility(instrument, answers, cluster)
    hidden = {k for k, v in shown.items() if not v}
    return {
        flag.id: _eval(flag.condition, instrument, answers, hidden)
        for module in instrument.modules
        if module_visible(module, cluster)
        for flag in module.flags
    }


def progress(instrument: Instrument, answers: Mapping[str, Any], cluster: str | None = None) -> Progress:
    """Answered / total visible items per module (modules with no visible item are left out) and overall."""
    shown = _visibility(instrument, answers, cluster)
    rows: list[ModuleProgress] = []
    for module in instrument.modules:
        items = [i for i in module.items if shown[i.id]]
        if not items:
            continue
        done = sum(1 for i in items if is_answered(answers.get(i.id)))
        rows.append(ModuleProgress(module.id, module.title_zh, module.title_en, done, len(items)))
    visible = frozenset(item_id for item_id, on in shown.items() if on)
    return Progress(tuple(rows), sum(r.answered for r in rows), sum(r.total for r in rows), visible)


def missing_required(
    instrument: Instrument, answers: Mapping[str, Any], cluster: str | None = None
) -> list[MissingItem]:
    """Required visible items without an answer, and required evidence fields left empty, in order."""
    out: list[MissingItem] = []
    for item in visible_items(instrument, answers, cluster):
        raw = answers.get(item.id)
        if item.required and not is_answered(raw):
            out.append(MissingItem(item.module_id, item.id, item.text_zh, item.text_en))
        evidence = answer_evidence(raw)
        for spec in item.evidence:
            if spec.required and not is_answered(evidence.get(spec.id)):
                out.append(
                    MissingItem(
                        item.module_id,
                        item.id,
                        f"{item.text_zh} — {spec.label_zh}",
                        f"{item.text_en} — {spec.label_en}",
                        spec.id,
                    )
                )
    return out
