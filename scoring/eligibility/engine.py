"""The generic interpreter: evaluates the clauses of loaded rule files against a parsed profile.

Three-valued logic: a test is passed (True), failed (False) or unknown (None, because an input field is
absent). ``all`` fails if any part fails; ``any`` passes if any part passes; ``cases`` applies the first
branch whose ``when`` holds. Status precedence: expired, not_covered, ineligible, needs_info, eligible.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Final

from scoring.eligibility.fields import COMPANY, FIELDS, FieldSpec, FieldType
from scoring.eligibility.model import (
    EligibilityInput,
    EligibilityReport,
    Gap,
    ProgramResult,
    ProjectInput,
    Reason,
    Status,
    number,
)
from scoring.eligibility.rule_types import Award, Clause, Program, RuleSet, in_scope, resolve
from scoring.eligibility.rules import default_rules
from scoring.eligibility.special import SPECIAL_EVALUATORS, SpecialContext
from scoring.reference.regions import (
    CITY_NAMES_EN,
    REGION_GROUP_NAMES_EN,
    REGION_GROUP_NAMES_ZH,
    ZONE_NAMES_EN,
    ZONE_NAMES_ZH,
    RegionGroup,
    Zone,
    region_group,
    zone,
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


def _region_name(token: str, lang: str) -> str:
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


def _leaf(node: Mapping[str, Any], ctx: Context) -> Outcome:  # noqa: C901, PLR0911, PLR0912, PLR0915 — one branch per leaf operator; due for the operator table of issue 17
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
        factors: list[tuple[Decimal, bool | None]] = [(Decimal(1), None)]
        missing: list[str] = []
        if "relax" in node:
            when = _test(node["relax"]["when"], ctx)
            relaxed = Decimal(str(node["relax"]["factor"]))
            if when.passed is True:
                factors = [(relaxed, True)]
            elif when.passed is None:
                factors = [(Decimal(1), None), (relaxed, None)]
                missing = when.missing
        outcomes = []
        for factor, _ in factors:
            required, miss = _threshold(node, ctx, factor)
            if required is None:
                return Outcome(
                    None, f"{label_zh}：门槛无法计算", f"{label_en}: threshold unknown", miss or missing
                )
            outcomes.append((required, _compare(value, op, required)))
        if len({ok for _, ok in outcomes}) > 1:  # relaxation decides, but we do not know whether it applies
            return Outcome(
                None,
                f"{label_zh} {_fmt(value, 'zh')}：是否适用放宽条件未知",
                f"{label_en} {_fmt(value, 'en')}: depends on whether the relaxation applies",
                missing,
            )
        required, ok = outcomes[0]
        sym = _OP_SYMBOL[op]
        uz, ue = _unit(spec, "zh"), _unit(spec, "en")
        relaxed_note_zh = "（已按优先领域放宽）" if factors[0][1] else ""
        relaxed_note_en = " (relaxed for priority field)" if factors[0][1] else ""
        out = Outcome(
            ok,
            f"{label_zh} {_fmt(value, 'zh')}{uz}，要求 {sym} {_fmt(required, 'zh')}{uz}{relaxed_note_zh}",
            f"{label_en} {_fmt(value, 'en')}{ue}, required {sym} {_fmt(required, 'en')}{ue}{relaxed_note_en}",
            actual=_fmt(value, "zh"),
            required=_fmt(required, "zh"),
        )
        if not ok and op in (">=", ">", "<=", "<"):
            shortfall = required - value if op in (">=", ">") else value - required
            out.gaps.append(Gap(spec.name, required, value, shortfall, ctx.clause))
        return out

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


def _test(node: Mapping[str, Any], ctx: Context) -> Outcome:
    if "all" in node or "any" in node:
        mode = "all" if "all" in node else "any"
        parts = [_test(sub, ctx) for sub in node[mode]]
        passed, missing, gaps = _combine(parts, mode)
        if mode == "all":
            zh, en = "；".join(p.detail_zh for p in parts), "; ".join(p.detail_en for p in parts)
        else:
            shown = [p for p in parts if p.passed] if passed else parts
            zh = "满足其一：" + " 或 ".join(f"[{p.detail_zh}]" for p in shown)
            en = "any of: " + " or ".join(f"[{p.detail_en}]" for p in shown)
        if node.get("label_zh"):
            zh, en = f"{node['label_zh']}（{zh}）", f"{node.get('label_en', node['label_zh'])} ({en})"
        return Outcome(passed, zh, en, missing, gaps)
    if "cases" in node:
        for case in node["cases"]:
            when = _test(case["when"], ctx)
            if when.passed is None:
                return Outcome(
                    None,
                    f"适用档次无法确定：{when.detail_zh}",
                    f"tier unknown: {when.detail_en}",
                    when.missing,
                )
            if when.passed:
                then = _test(case["then"], ctx)
                lz, le = case.get("label_zh", ""), case.get("label_en", case.get("label_zh", ""))
                return Outcome(
                    then.passed, f"{lz}：{then.detail_zh}", f"{le}: {then.detail_en}", then.missing, then.gaps
                )
        ok = node.get("else", "fail") == "pass"
        return Outcome(ok, "无适用档次", "no tier applies")
    if "special" in node:
        special = SPECIAL_EVALUATORS[node["special"]]
        passed_s, zh, en = special(SpecialContext(ctx.program, ctx.project, ctx.all_projects))
        return Outcome(passed_s, zh, en)
    return _leaf(node, ctx)


# ------------------------------------------------------------------------------------------- clauses


class _SafeDict(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


_STATE_ZH: Final = {True: "符合", False: "不符合", None: "待补充信息"}
_STATE_EN: Final = {True: "met", False: "not met", None: "information needed"}


def _reason(clause: Clause, outcome: Outcome | None) -> Reason:
    amb = clause.ambiguity.to_dict() if clause.ambiguity else None
    if outcome is None:  # to_confirm
        zh = clause.messages.get("confirm_zh") or f"{clause.title_zh}：待核实（需材料审查）"
        en = clause.messages.get("confirm_en") or f"{clause.title_en}: to be confirmed by document review"
        return Reason(clause.id, None, zh, en, clause.source, to_confirm=True, ambiguity=amb)
    key = {True: "pass", False: "fail", None: "unknown"}[outcome.passed]
    values = _SafeDict(detail=outcome.detail_zh, actual=outcome.actual, required=outcome.required)
    zh_t = clause.messages.get(f"{key}_zh")
    en_t = clause.messages.get(f"{key}_en")
    zh = (
        zh_t.format_map(values)
        if zh_t
        else f"{clause.title_zh}：{_STATE_ZH[outcome.passed]}（{outcome.detail_zh}）"
    )
    values["detail"] = outcome.detail_en
    en = (
        en_t.format_map(values)
        if en_t
        else f"{clause.title_en}: {_STATE_EN[outcome.passed]} ({outcome.detail_en})"
    )
    return Reason(
        clause.id,
        outcome.passed,
        zh,
        en,
        clause.source,
        missing_fields=tuple(dict.fromkeys(outcome.missing)),
        ambiguity=amb,
    )


def _in_window(day: date, start: date, end: date | None) -> bool:
    return start <= day and (end is None or day <= end)


def _evaluate_clauses(
    program: Program, ctx: Context, direction: str | None
) -> tuple[list[Reason], list[Gap]]:
    reasons: list[Reason] = []
    gaps: list[Gap] = []
    for clause in program.clauses:
        if clause.directions is not None and direction not in clause.directions:
            continue
        if not _in_window(ctx.as_of, clause.valid_from, clause.valid_to) or not in_scope(
            ctx.city, clause.region_scope
        ):
            continue
        cctx = Context(
            ctx.as_of, ctx.city, ctx.company, ctx.project, ctx.all_projects, ctx.program, clause.id
        )
        if clause.applies_when is not None and _test(clause.applies_when, cctx).passed is False:
            continue
        if clause.to_confirm or clause.test is None:
            reasons.append(_reason(clause, None))
            continue
        outcome = _test(clause.test, cctx)
        reasons.append(_reason(clause, outcome))
        if outcome.passed is False:
            gaps.extend(outcome.gaps)
    return reasons, gaps


def _status(reasons: Sequence[Reason]) -> Status:
    decisive = [r for r in reasons if not r.to_confirm]
    if any(r.passed is False for r in decisive):
        return Status.INELIGIBLE
    if any(r.passed is None for r in decisive):
        return Status.NEEDS_INFO
    return Status.ELIGIBLE


def _validity_reason(program: Program, as_of: date, in_force: bool) -> Reason:
    start = program.valid_from.isoformat()
    end = program.valid_to.isoformat() if program.valid_to else "长期"
    end_en = program.valid_to.isoformat() if program.valid_to else "open-ended"
    if in_force:
        zh, en = (
            f"评估日 {as_of} 在规则有效期（{start} 至 {end}）内",
            f"{as_of} is within the rules' validity ({start} to {end_en})",
        )
    elif as_of < program.valid_from:
        zh = f"评估日 {as_of} 规则尚未生效（有效期 {start} 至 {end}）；以下按该规则评估供参考"
        en = (
            f"on {as_of} these rules were not yet in force (valid {start} to {end_en}); "
            "evaluated under them for reference"
        )
    else:
        zh = f"评估日 {as_of} 规则已失效（有效期 {start} 至 {end}）；以下按最后一版规则评估供参考"
        en = (
            f"on {as_of} these rules had expired (valid {start} to {end_en}); "
            "evaluated under the last rules for reference"
        )
    amb = program.validity_ambiguity.to_dict() if program.validity_ambiguity else None
    return Reason("validity", in_force, zh, en, program.validity_source, ambiguity=amb)


def _region_reason(program: Program, city: str, covered: bool) -> Reason:
    names_zh = "、".join(_region_name(t, "zh") for t in program.region_scope)
    names_en = ", ".join(_region_name(t, "en") for t in program.region_scope)
    group_zh = REGION_GROUP_NAMES_ZH[region_group(city)]
    group_en = REGION_GROUP_NAMES_EN[region_group(city)]
    city_en = CITY_NAMES_EN[city]
    if covered:
        zh, en = f"{city}在适用地区（{names_zh}）内", f"{city_en} is within the rules' regions ({names_en})"
    else:
        zh = f"{city}（{group_zh}）不在本规则适用地区（{names_zh}）内"
        en = f"{city_en} ({group_en}) is outside the rules' regions ({names_en})"
    amb = next((a.to_dict() for topic, a in program.ambiguities if topic == "region_scope"), None)
    return Reason("region_scope", covered, zh, en, program.region_source, ambiguity=amb)


def _award(
    program: Program, direction: str | None, ctx: Context
) -> tuple[Award | None, Decimal | None, Decimal | None]:
    d = program.direction(direction)
    award = d.award if d and d.award else program.award
    if award is None:
        return None, None, None
    cap = resolve(award.cap, ctx.city)
    rate = resolve(award.rate, ctx.city)
    if award.base is None or rate is None:
        return award, None, cap
    base = ctx.lookup(award.base)
    if not isinstance(base, Decimal):
        return award, None, cap
    estimate = rate * base
    if cap is not None:
        estimate = min(estimate, cap)
    return award, estimate, cap


def evaluate_program(
    program: Program, profile: EligibilityInput, project: ProjectInput | None = None
) -> ProgramResult:
    """One result: a company-level program (project None) or one (project, program) pair."""
    city = profile.city
    direction = project.direction if project else None
    in_force = _in_window(profile.as_of, program.valid_from, program.valid_to)
    reference = profile.as_of
    if not in_force:  # evaluate under the last rules: the as_of date clamped into the validity window
        reference = max(reference, program.valid_from)
        if program.valid_to is not None:
            reference = min(reference, program.valid_to)
    company = dict(profile.company)
    _derive(company)
    ctx = Context(reference, city, company, project, profile.projects, program.id)
    covered = in_scope(city, program.region_scope)
    reasons = [_validity_reason(program, profile.as_of, in_force), _region_reason(program, city, covered)]
    gaps: list[Gap] = []
    if covered:
        clause_reasons, gaps = _evaluate_clauses(program, ctx, direction)
        reasons.extend(clause_reasons)
        inner = _status(clause_reasons)
    else:
        inner = Status.NOT_COVERED
    award, estimate, cap = _award(program, direction, ctx) if covered else (None, None, None)
    status, under_last = (inner, None) if in_force else (Status.EXPIRED, inner)
    if status not in (Status.ELIGIBLE, Status.NEEDS_INFO):
        estimate = None
    return ProgramResult(
        program=program.id,
        name_zh=program.name_zh,
        name_en=program.name_en,
        kind=program.kind,
        direction=direction,
        project=project.id if project else None,
        status=status,
        under_last_rules=under_last,
        valid_from=program.valid_from,
        valid_to=program.valid_to,
        reasons=tuple(reasons),
        estimated_award_wan=estimate,
        award_cap_wan=cap,
        award_recipient=award.recipient if award else None,
        award_note_zh=award.note_zh if award else "",
        award_note_en=award.note_en if award else "",
        gaps=tuple(gaps),
    )


def _derive(company: dict[str, Any]) -> None:
    """Fill derivable company fields that the caller left out."""
    if "main_business_share_pct" not in company or company["main_business_share_pct"] is None:
        main, total = company.get("main_business_revenue_wan"), company.get("revenue_wan")
        if isinstance(main, Decimal) and isinstance(total, Decimal) and total > 0:
            company["main_business_share_pct"] = (main / total * 100).quantize(Decimal("0.01"))


def evaluate(profile: EligibilityInput, rules: RuleSet | None = None) -> EligibilityReport:
    """All company-level programs (by program id), then each project's program (input order)."""
    ruleset = rules if rules is not None else default_rules()
    if profile.city not in CITY_NAMES_EN:
        raise ValueError(f"unknown city {profile.city!r}")
    unknown = set(profile.company) - set(COMPANY)
    if unknown:
        raise ValueError(f"unknown company fields: {sorted(unknown)}")
    results = [evaluate_program(p, profile) for p in ruleset.company_programs]
    for project in profile.projects:
        program = ruleset.get(project.program)
        if program is None or program.level != "project":
            raise ValueError(f"unknown project-level program {project.program!r}")
        results.append(evaluate_program(program, profile, project))
    return EligibilityReport(
        as_of=profile.as_of,
        city=profile.city,
        region_group=region_group(profile.city).value,
        zone=zone(profile.city).value,
        results=tuple(results),
    )
