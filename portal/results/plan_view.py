"""The upgrade plan as the result page, the PDF and the API show it (part of the one ResultView)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from portal.results.format import Picker, num
from portal.results.plan import (
    BAND_WAN,
    LEVEL_WORDS,
    Computed,
    PlanChoice,
    compute,
    key_of,
    target_choices,
    target_label,
)
from portal.results.plan_model import PlanAlternative, PlanSolution, PlanStep, PlanView
from questionnaires import Instrument, validate_answer
from scoring import plan as planning
from scoring.maturity import result as r
from scoring.plan.moves import PriceRange

MAX_SOLUTIONS = 3


def _level_name(target: planning.Target, level: int, pick: Picker) -> str:
    if target.kind == "miit" and level == 0:
        return _("未达到一级")
    return f"level {level}" if pick.en else LEVEL_WORDS.get(level, str(level))


def _money(low: Decimal, high: Decimal) -> str:
    if low == high:
        return _("约 %(n)s 万元", n=num(low))
    return _("%(low)s–%(high)s 万元", low=num(low), high=num(high))


def _months(months: int) -> str:
    return _("%(n)s 个月内", n=months) if months else "—"


def _price_text(extra: Mapping[str, Any], pick: Picker) -> str | None:
    from portal.providers.models import PRICE_BANDS

    band = extra.get("price_band")
    return pick(*PRICE_BANDS[band]) if band in PRICE_BANDS else None


def prices_and_matches(company: Any, actions: Sequence[str]) -> tuple[dict[str, PriceRange], dict[str, list]]:
    """The declared price range of the catalogue solutions for each roadmap action, and the ranked matches
    (portal.providers.matching: a solution is matched only when it lists the action)."""
    from portal.providers import matching
    from portal.providers.services import visible_offers
    from portal.results.services import profile_of
    from portal.templating import cluster_name

    offers = visible_offers()
    profile = profile_of(company)
    label = cluster_name(profile["cluster"]) if profile["cluster"] else ""
    prices: dict[str, PriceRange] = {}
    found: dict[str, list] = {}
    for action in sorted(set(actions)):
        ranked = matching.rank({"action_id": action}, profile, offers, limit=None, cluster_name=label)
        found[action] = ranked
        bands = [BAND_WAN[b] for m in ranked if (b := str(m.offer.extra.get("price_band"))) in BAND_WAN]
        if bands:
            prices[action] = PriceRange(min(b[0] for b in bands), max(b[1] for b in bands), len(bands))
    return prices, found


def _solutions(step: planning.Step, found: Mapping[str, list], pick: Picker) -> tuple[PlanSolution, ...]:
    seen: dict[int, Any] = {}
    for action in step.actions:
        for m in found.get(action, []):
            if m.offer.solution_id not in seen or seen[m.offer.solution_id].score < m.score:
                seen[m.offer.solution_id] = m
    best = sorted(seen.values(), key=lambda m: (-m.score, m.offer.solution_id))[:MAX_SOLUTIONS]
    return tuple(
        PlanSolution(m.offer.name, m.offer.org_name, m.score, _price_text(m.offer.extra, pick)) for m in best
    )


def _step(
    n: int, s: planning.Step, target: planning.Target, ctx: Mapping[str, Any], pick: Picker
) -> PlanStep:
    names: Mapping[str, str] = ctx["programme_names"]
    return PlanStep(
        no=n,
        item=s.item_id,
        pin=f"{s.item_id}|{json.dumps(s.new_answer, ensure_ascii=False)}",
        dimension=pick(s.module_zh, s.module_en),
        question=pick(s.text_zh, s.text_en),
        current=pick(s.current_zh, s.current_en),
        needed=pick(s.new_zh, s.new_en),
        points=num(s.points_gained) if s.points_gained else None,
        level_after=_level_name(target, s.levels_after[0], pick),
        effort=num(s.effort),
        cost=_money(s.cost_low, s.cost_high),
        cost_basis=_("服务商目录报价区间") if s.cost_basis == "providers" else _("平台估算"),
        horizon=_months(s.months),
        basis=pick(s.basis_zh, s.basis_en),
        programmes=tuple(dict.fromkeys(names.get(p.program_id, p.program_id) for p in s.programs)),
        solutions=_solutions(s, ctx["found"], pick),
        pinned=s.pinned,
    )


def _alternatives(plans: planning.PlanSet, chosen: str, pick: Picker) -> tuple[PlanAlternative, ...]:
    return tuple(
        PlanAlternative(
            key=key,
            name=pick(*planning.OBJECTIVE_NAMES[key]),
            steps=len(p.steps),
            effort=num(p.effort),
            cost=_money(p.cost_low, p.cost_high),
            horizon=_months(p.months),
            reaches=p.reaches,
            exact=p.exact,
            chosen=key == chosen,
        )
        for key, p in plans.plans.items()
    )


def usable(instrument: Instrument, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The stored answers the engine accepts. A stored value the instrument refuses (a correction made
    outside the form, an answer of another shape) is planned as unanswered rather than failing the page
    and the PDF."""
    return {
        item_id: value
        for item_id, value in answers.items()
        if instrument.has_item(item_id) and validate_answer(instrument, item_id, value).ok
    }


def _matches(company: Any, instrument: Instrument) -> tuple[dict[str, PriceRange], dict[str, list]]:
    """:func:`prices_and_matches` for every action that covers a question of *instrument*."""
    from scoring.plan.moves import actions_by_item

    covering = actions_by_item(instrument)
    return prices_and_matches(company, [a.id for acts in covering.values() for a in acts])


def has_plan(result: r.ScoreResult) -> bool:
    """Whether a result has a level to plan toward (a weighted dimension, or the MIIT level)."""
    return any(m.share > 0 for m in result.modules) or result.miit is not None


def default_plan(
    company: Any, instrument: Instrument, answers: Mapping[str, Any], result: r.ScoreResult
) -> Computed:
    """The plans the result page shows first (default target, least effort), computed from the same inputs
    the page reads, so a page finds them kept with the stored result (see ``plan.compute``)."""
    prices, _found = _matches(company, instrument)
    return compute(instrument, usable(instrument, answers), result, company.city, PlanChoice(), prices)


def plan_view(  # noqa: PLR0913, PLR0917 — the result's parts a plan reads
    company: Any,
    instrument: Instrument,
    answers: Mapping[str, Any],
    result: r.ScoreResult,
    choice: PlanChoice,
    pick: Picker,
    *,
    kept: Mapping[str, Any] | None = None,
) -> PlanView:
    """*kept*: the default plans kept with the stored result, if any."""
    from portal.eligibility.services import program_labels

    prices, found = _matches(company, instrument)
    usable_answers = usable(instrument, answers)
    computed = compute(instrument, usable_answers, result, company.city, choice, prices, kept=kept)
    target, plans = computed.target, computed.plans
    plan = plans.plans[choice.objective]
    names = program_labels("en" if pick.en else "zh")
    ctx = {"programme_names": names, "found": found}
    return PlanView(
        target=key_of(target),
        target_label=target_label(target, instrument, pick),
        objective=choice.objective,
        objective_name=pick(*planning.OBJECTIVE_NAMES[choice.objective]),
        status=plan.status,
        before=_level_name(target, plan.levels_before[0], pick),
        after=_level_name(target, plan.levels_after[0], pick),
        steps=tuple(_step(n, s, target, ctx, pick) for n, s in enumerate(plan.steps, start=1)),
        effort=num(plan.effort),
        cost=_money(plan.cost_low, plan.cost_high),
        horizon=_months(plan.months),
        exact=plan.exact,
        reasons=pick.many(plan.reasons_zh, plan.reasons_en),
        goals_met=tuple(names.get(g, g) for g in plan.goals_met),
        alternatives=_alternatives(plans, choice.objective, pick),
        choices=target_choices(result, instrument, pick),
        excluded=tuple(
            (i, pick(instrument.item(i).text_zh, instrument.item(i).text_en)) for i in plans.excluded
        ),
    )
