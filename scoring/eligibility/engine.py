"""The generic interpreter: evaluates the clauses of loaded rule files against a parsed profile.

Each clause's test is computed by ``conditions.check`` (three-valued: passed, failed, unknown). Status
precedence: expired, not_covered, ineligible, needs_info, eligible.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Final

from scoring.eligibility.conditions import Context, Outcome, check, region_name
from scoring.eligibility.derive import derive_company
from scoring.eligibility.fields import COMPANY
from scoring.eligibility.model import (
    EligibilityInput,
    EligibilityReport,
    Gap,
    ProgramResult,
    ProjectInput,
    Reason,
    Status,
)
from scoring.eligibility.rule_types import Award, Clause, Program, RuleSet, in_scope, resolve
from scoring.eligibility.rules import default_rules
from scoring.reference.regions import (
    CITY_NAMES_EN,
    REGION_GROUP_NAMES_EN,
    REGION_GROUP_NAMES_ZH,
    region_group,
    zone,
)

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
        relaxed=outcome.relaxed,
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
        applies = True if clause.applies_when is None else check(clause.applies_when, cctx).passed
        if applies is False:
            continue
        if clause.to_confirm or clause.test is None:
            # A conditional to-confirm item (an older accident, registration elsewhere) is shown only when its
            # condition is known to hold; an unknown condition already makes a tested clause ask for input.
            if applies:
                reasons.append(_reason(clause, None))
            continue
        outcome = check(clause.test, cctx)
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
    names_zh = "、".join(region_name(t, "zh") for t in program.region_scope)
    names_en = ", ".join(region_name(t, "en") for t in program.region_scope)
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
    company, _notes = derive_company(profile.company)
    ctx = Context(reference, city, company, project, profile.projects, program.id)
    covered = in_scope(city, program.region_scope)
    reasons = [_validity_reason(program, profile.as_of, in_force), _region_reason(program, city, covered)]
    gaps: list[Gap] = []
    relaxed = False
    if covered:
        clause_reasons, gaps = _evaluate_clauses(program, ctx, direction)
        reasons.extend(clause_reasons)
        inner = _status(clause_reasons)
        relaxed = inner is Status.ELIGIBLE and any(r.relaxed for r in clause_reasons)
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
        relaxation_to_confirm=relaxed,
    )


def evaluate(profile: EligibilityInput, rules: RuleSet | None = None) -> EligibilityReport:
    """All company-level programs (by program id), then each project's program (input order)."""
    ruleset = rules if rules is not None else default_rules()
    if profile.city not in CITY_NAMES_EN:
        raise ValueError(f"unknown city {profile.city!r}")
    unknown = set(profile.company) - set(COMPANY)
    if unknown:
        raise ValueError(f"unknown company fields: {sorted(unknown)}")
    company, derived = derive_company(profile.company)
    derived_profile = replace(profile, company=company)
    results = [evaluate_program(p, derived_profile) for p in ruleset.company_programs]
    for project in profile.projects:
        program = ruleset.get(project.program)
        if program is None or program.level != "project":
            raise ValueError(f"unknown project-level program {project.program!r}")
        results.append(evaluate_program(program, derived_profile, project))
    return EligibilityReport(
        as_of=profile.as_of,
        city=profile.city,
        region_group=region_group(profile.city).value,
        zone=zone(profile.city).value,
        results=tuple(results),
        derived=derived,
    )
