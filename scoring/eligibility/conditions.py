"""The tests of a clause: leaf comparisons and their ``all`` / ``any`` / ``cases`` combinations.

Three-valued logic: a test is passed (True), failed (False) or unknown (None, because an input field is
absent). ``all`` fails if any part fails; ``any`` passes if any part passes; ``cases`` applies the first
branch whose ``when`` holds.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Final

from scoring.eligibility.fields import FIELDS, FieldSpec, FieldType
from scoring.eligibility.model import (
    Gap,
    ProjectInput,
    number,
)
from scoring.eligibility.rule_types import resolve
from scoring.eligibility.special import SPECIAL_EVALUATORS, SpecialContext
from scoring.reference.regions import (
    CITY_NAMES_EN,
    REGION_GROUP_NAMES_EN,
    REGION_GROUP_NAMES_ZH,
    ZONE_NAMES_EN,
    ZONE_NAMES_ZH,
    RegionGroup,
    Zone,
)

_OP_SYMBOL: Final = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "=", "!=": "≠"}
_ABSENT: Final = object()


@dataclass
class Outcome:
    passed: bool | None
    detail_zh: str
    detail_en: str
    missing: list[str] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    actual: str = ""
    required: str = ""
    relaxed: bool = False  # passed only under a discretionary relaxation (to be confirmed by the bureau)


@dataclass(frozen=True)
class Context:
    as_of: date
    city: str
    company: Mapping[str, Any]
    project: ProjectInput | None
    all_projects: Sequence[ProjectInput]
    program: str
    clause: str = ""

    def lookup(self, path: str) -> object:
        scope, name = path.split(".", 1)
        values = self.company if scope == "company" else (self.project.values if self.project else {})
        return values.get(name, _ABSENT)


# ------------------------------------------------------------------------------------------- formatting


def _fmt(value: object, lang: str) -> str:
    if isinstance(value, bool):
        return ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
    if isinstance(value, Decimal | int | float):
        return str(number(value))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "、".join(map(str, value)) if lang == "zh" else ", ".join(map(str, value))
    return str(value)


def _unit(spec: FieldSpec, lang: str) -> str:
    unit = spec.unit_zh if lang == "zh" else spec.unit_en
    if not unit:
        return ""
    return unit if lang == "zh" or unit == "%" else " " + unit


def region_name(token: str, lang: str) -> str:
    for g in RegionGroup:
        if token == g.value:
            return (REGION_GROUP_NAMES_ZH if lang == "zh" else REGION_GROUP_NAMES_EN)[g]
    for z in Zone:
        if token == z.value:
            return (ZONE_NAMES_ZH if lang == "zh" else ZONE_NAMES_EN)[z]
    return token if lang == "zh" else CITY_NAMES_EN.get(token, token)


def _label(node: Mapping[str, Any], spec: FieldSpec, lang: str) -> str:
    return str(node.get(f"label_{lang}") or (spec.label_zh if lang == "zh" else spec.label_en))


# ------------------------------------------------------------------------------------------- tests


def _add_years(d: date, years: Decimal) -> date:
    whole = int(years)
    year = d.year + whole
    day = min(d.day, calendar.monthrange(year, d.month)[1])
    shifted = d.replace(year=year, day=day)
    return shifted + timedelta(days=round(float(years - whole) * 365.25))


def _compare(actual: Any, op: str, required: Any) -> bool:
    if op == ">=":
        return bool(actual >= required)
    if op == ">":
        return bool(actual > required)
    if op == "<=":
        return bool(actual <= required)
    if op == "<":
        return bool(actual < required)
    if op == "==":
        return bool(actual == required)
    return bool(actual != required)


def _threshold(node: Mapping[str, Any], ctx: Context, factor: Decimal) -> tuple[Decimal | None, list[str]]:
    value = resolve(_raw_region(node["value"]), ctx.city)
    if value is None:
        return None, []
    value = value * factor
    if "percent_of" in node:
        base = ctx.lookup(node["percent_of"])
        name = FIELDS[node["percent_of"]].name
        if base is _ABSENT or base is None:
            return None, [name]
        assert isinstance(base, Decimal)
        return value / Decimal(100) * base, []
    return value, []


def _raw_region(raw: object) -> Decimal | dict[str, Decimal]:
    if isinstance(raw, dict):
        return {str(k): Decimal(str(v)) for k, v in raw.items()}
    return Decimal(str(raw))


def _leaf(node: Mapping[str, Any], ctx: Context) -> Outcome:  # noqa: PLR0911 — one branch per leaf operator; due for the operator table of issue 17
    spec = FIELDS[node["field"]]
    op = str(node["op"])
    label_zh, label_en = _label(node, spec, "zh"), _label(node, spec, "en")
    value = ctx.lookup(spec.path)
    if value is None and spec.null_means_never:
        ok = node.get("null_means", "pass") == "pass"
        return Outcome(ok, f"{label_zh}：从未发生", f"{label_en}: never", actual="null")
    if value is _ABSENT or value is None:
        return Outcome(
            None, f"{label_zh}未提供（{spec.name}）", f"{label_en} not provided ({spec.name})", [spec.name]
        )

    if spec.numeric:
        assert isinstance(value, Decimal)
        return _numeric_leaf(node, ctx, spec, value, (label_zh, label_en))

    if spec.type is FieldType.DATE:
        assert isinstance(value, date)
        if "years_after" in node:
            other = ctx.lookup(node["years_after"])
            if other is _ABSENT or other is None:
                other_name = FIELDS[node["years_after"]].name
                return Outcome(
                    None, f"{label_zh}：缺少起算日期", f"{label_en}: reference date missing", [other_name]
                )
            assert isinstance(other, date)
            required_date = _add_years(other, Decimal(str(node["value"])))
        else:
            required_date = (
                node["value"] if isinstance(node["value"], date) else date.fromisoformat(node["value"])
            )
        ok = _compare(value, op, required_date)
        sym = _OP_SYMBOL[op]
        return Outcome(
            ok,
            f"{label_zh} {value.isoformat()}，要求 {sym} {required_date.isoformat()}",
            f"{label_en} {value.isoformat()}, required {sym} {required_date.isoformat()}",
            actual=value.isoformat(),
            required=required_date.isoformat(),
        )

    if spec.type is FieldType.ENUM_LIST:
        assert isinstance(value, tuple)
        if op == "min_items":
            ok = len(value) >= int(node["value"])
            req_zh, req_en = f"至少 {node['value']} 项", f"at least {node['value']}"
        else:
            ok = bool(set(value) & set(node["value"]))
            req_zh, req_en = f"含其一：{_fmt(node['value'], 'zh')}", f"any of {_fmt(node['value'], 'en')}"
        shown_zh, shown_en = _fmt(list(value), "zh") or "无", _fmt(list(value), "en") or "none"
        return Outcome(
            ok, f"{label_zh}：{shown_zh}（要求{req_zh}）", f"{label_en}: {shown_en} (required {req_en})"
        )

    # boolean, enum, string
    required_value = node["value"]
    if op in ("in", "not_in"):
        ok = (value in required_value) == (op == "in")
        sym_zh, sym_en = ("属于" if op == "in" else "不属于"), ("in" if op == "in" else "not in")
    else:
        ok = _compare(value, op, required_value)
        sym_zh = sym_en = _OP_SYMBOL[op]
    return Outcome(
        ok,
        f"{label_zh}：{_fmt(value, 'zh')}（要求 {sym_zh} {_fmt(required_value, 'zh')}）",
        f"{label_en}: {_fmt(value, 'en')} (required {sym_en} {_fmt(required_value, 'en')})",
        actual=_fmt(value, "zh"),
        required=_fmt(required_value, "zh"),
    )


def _shown(value: Decimal, required: Decimal) -> str:
    """A value for display, to 2 decimals (a derived share is unrounded: 91.666…), but never rounded onto
    the threshold it is compared with (69.996 is shown as such against "70%以上", not as 70)."""
    rounded = value.quantize(Decimal("0.01"))
    if rounded == required and value != required:
        return _fmt(value, "zh")
    return _fmt(rounded, "zh")


def _numeric_leaf(
    node: Mapping[str, Any], ctx: Context, spec: FieldSpec, value: Decimal, labels: tuple[str, str]
) -> Outcome:
    """A number against its threshold. With ``relax`` (a discretionary lowering such as 粤工信规字〔2020〕3号
    L1979 "可适当降低不超过20%"), the unrelaxed threshold is tried first: a value that passes only the relaxed
    one passes with ``relaxed`` set, so the result says it depends on the bureau granting the relaxation."""
    label_zh, label_en = labels
    op = str(node["op"])
    factors = [Decimal(1)]
    missing: list[str] = []
    relax_known = True
    if "relax" in node:
        when = check(node["relax"]["when"], ctx)
        if when.passed is not False:
            factors.append(Decimal(str(node["relax"]["factor"])))
            relax_known = when.passed is True
            missing = when.missing
    outcomes = []
    for factor in factors:
        required, miss = _threshold(node, ctx, factor)
        if required is None:
            return Outcome(
                None, f"{label_zh}：门槛无法计算", f"{label_en}: threshold unknown", miss or missing
            )
        outcomes.append((required, _compare(value, op, required)))
    if not relax_known and len({ok for _, ok in outcomes}) > 1:  # relaxation decides, applicability unknown
        return Outcome(
            None,
            f"{label_zh} {_fmt(value, 'zh')}：是否适用放宽条件未知",
            f"{label_en} {_fmt(value, 'en')}: depends on whether the relaxation applies",
            missing,
        )
    relaxed = not outcomes[0][1] and outcomes[-1][1]
    required, ok = outcomes[-1] if relaxed or not outcomes[0][1] else outcomes[0]
    sym = _OP_SYMBOL[op]
    uz, ue = _unit(spec, "zh"), _unit(spec, "en")
    note_zh = "（仅在适用优先领域放宽时达到，须经主管部门确认）" if relaxed else ""
    note_en = (
        " (met only with the priority-field relaxation, to be confirmed by the bureau)" if relaxed else ""
    )
    shown = _shown(value, required)
    out = Outcome(
        ok,
        f"{label_zh} {shown}{uz}，要求 {sym} {_fmt(required, 'zh')}{uz}{note_zh}",
        f"{label_en} {shown}{ue}, required {sym} {_fmt(required, 'en')}{ue}{note_en}",
        actual=shown,
        required=_fmt(required, "zh"),
        relaxed=relaxed,
    )
    if not ok and op in (">=", ">", "<=", "<"):
        shortfall = required - value if op in (">=", ">") else value - required
        out.gaps.append(Gap(spec.name, required, value, shortfall, ctx.clause))
    return out


def _combine(parts: list[Outcome], mode: str) -> tuple[bool | None, list[str], list[Gap]]:
    states = [p.passed for p in parts]
    if mode == "all":
        passed: bool | None = False if False in states else (None if None in states else True)
    else:
        passed = True if True in states else (None if None in states else False)
    missing = [m for p in parts if p.passed is None for m in p.missing] if passed is None else []
    gaps: list[Gap] = []
    if passed is False:
        for p in parts:
            if p.passed is False:
                gaps.extend(
                    Gap(g.field, g.required, g.actual, g.shortfall, g.clause, g.alternative or mode == "any")
                    for g in p.gaps
                )
    return passed, missing, gaps


def _relaxed(parts: list[Outcome], mode: str, passed: bool | None) -> bool:
    """Whether a passed combination holds only thanks to a relaxation: ``all`` needs every part, so one
    relaxed part is enough; ``any`` holds without relaxation if one passing part needs none."""
    if passed is not True:
        return False
    if mode == "all":
        return any(p.relaxed for p in parts)
    return all(p.relaxed for p in parts if p.passed)


def check(node: Mapping[str, Any], ctx: Context) -> Outcome:
    if "all" in node or "any" in node:
        mode = "all" if "all" in node else "any"
        parts = [check(sub, ctx) for sub in node[mode]]
        passed, missing, gaps = _combine(parts, mode)
        if mode == "all":
            zh, en = "；".join(p.detail_zh for p in parts), "; ".join(p.detail_en for p in parts)
        else:
            shown = [p for p in parts if p.passed] if passed else parts
            zh = "满足其一：" + " 或 ".join(f"[{p.detail_zh}]" for p in shown)
            en = "any of: " + " or ".join(f"[{p.detail_en}]" for p in shown)
        if node.get("label_zh"):
            zh, en = f"{node['label_zh']}（{zh}）", f"{node.get('label_en', node['label_zh'])} ({en})"
        return Outcome(passed, zh, en, missing, gaps, relaxed=_relaxed(parts, mode, passed))
    if "cases" in node:
        for case in node["cases"]:
            when = check(case["when"], ctx)
            if when.passed is None:
                return Outcome(
                    None,
                    f"适用档次无法确定：{when.detail_zh}",
                    f"tier unknown: {when.detail_en}",
                    when.missing,
                )
            if when.passed:
                then = check(case["then"], ctx)
                lz, le = case.get("label_zh", ""), case.get("label_en", case.get("label_zh", ""))
                return Outcome(
                    then.passed,
                    f"{lz}：{then.detail_zh}",
                    f"{le}: {then.detail_en}",
                    then.missing,
                    then.gaps,
                    relaxed=then.relaxed,
                )
        ok = node.get("else", "fail") == "pass"
        return Outcome(ok, "无适用档次", "no tier applies")
    if "special" in node:
        special = SPECIAL_EVALUATORS[node["special"]]
        passed_s, zh, en = special(SpecialContext(ctx.program, ctx.project, ctx.all_projects))
        return Outcome(passed_s, zh, en)
    return _leaf(node, ctx)
