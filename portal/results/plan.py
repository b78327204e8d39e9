"""The upgrade plan on the result page, in the PDF and in the API: the least a company must change to reach
its chosen target (scoring.plan), with the catalogue solutions that address each step.

The choice (target, what to optimise, pinned and excluded questions) comes from the result page's GET form;
without one the default target is the next MIIT level — 二级 for companies in the 14 cities of the provincial
SME digital-transformation pilot (the rule gd_sme_dt_pilot_digital_level) — or, on a questionnaire without a
MIIT level, the next overall maturity level (二级 at least in a pilot city).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from portal.results.format import Picker
from questionnaires import Instrument
from questionnaires.answers import answer_value
from questionnaires.item_types import kind_of
from scoring import plan as planning
from scoring.eligibility.rules import default_rules
from scoring.maturity import ENGINE_VERSION
from scoring.maturity import result as r
from scoring.plan.moves import PriceRange

PILOT = "gd_sme_dt_pilot_digital_level"
# search nodes per plan on a page: next-level plans finish well within them (bench/bench_plan.py); a far
# target stops there with the best plan found, marked as not proven minimal
PAGE_BUDGET = 2000
ALTERNATIVE_BUDGET = 300
MAX_CHOSEN = 40  # pinned or excluded questions taken from one form
LEVEL_WORDS = {1: "一级", 2: "二级", 3: "三级", 4: "四级", 5: "五级"}
# 万元 ranges of the providers' declared price bands (portal.providers.models.PRICE_BANDS)
BAND_WAN = {
    "lt5": (Decimal(0), Decimal(5)),
    "5-20": (Decimal(5), Decimal(20)),
    "20-50": (Decimal(20), Decimal(50)),
    "50-200": (Decimal(50), Decimal(200)),
    "gt200": (Decimal(200), Decimal(200)),
}


@dataclass(frozen=True)
class PlanChoice:
    target: str | None = None  # "miit-2", "overall-3", "dim-<module>-3"; None: the default
    objective: str = "effort"
    pins: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()


def choice_from(args: Mapping[str, Any]) -> PlanChoice:
    """The plan form's fields (hostile input is dropped, never an error)."""
    objective = str(args.get("objective") or "effort")
    getlist = getattr(args, "getlist", None)

    def many(name: str) -> tuple[str, ...]:
        values = getlist(name) if getlist else []
        return tuple(sorted({str(x)[:200] for x in values if x}))[:MAX_CHOSEN]

    target = str(args.get("target") or "")[:80] or None
    return PlanChoice(
        target, objective if objective in planning.OBJECTIVES else "effort", many("pin"), many("exclude")
    )


def pilot_cities() -> frozenset[str]:
    program = default_rules().get(PILOT)
    return frozenset(program.region_scope or ()) if program is not None else frozenset()


def _parse(key: str | None, instrument: Instrument) -> planning.Target | None:
    if not key:
        return None
    parts = key.split("-")
    try:
        if parts[0] in ("miit", "overall") and len(parts) == 2:
            return planning.Target(parts[0], int(parts[1]))
        module = "-".join(parts[1:-1])
        if parts[0] == "dim" and module in {m.id for m in instrument.modules}:
            return planning.Target("dimension", int(parts[-1]), module)
    except ValueError:
        return None
    return None


def key_of(target: planning.Target) -> str:
    if target.kind == "dimension":
        return f"dim-{target.module}-{target.level}"
    return f"{target.kind}-{target.level}"


def default_target(result: r.ScoreResult, city: str | None) -> planning.Target:
    pilot = city in pilot_cities()
    if result.miit is not None:
        level = result.miit.level
        return planning.Target("miit", 2 if pilot and level < 2 else min(level + 1, 4))
    level = result.overall.level
    return planning.Target("overall", 2 if pilot and level < 2 else min(level + 1, 5))


def target_label(target: planning.Target, instrument: Instrument, pick: Picker) -> str:
    word = LEVEL_WORDS[target.level] if not pick.en else f"level {target.level}"
    if target.kind == "miit":
        return _("中小企业数字化水平%(level)s", level=word)
    if target.kind == "overall":
        return _("总体成熟度%(level)s", level=word)
    module = instrument.module(str(target.module))
    return _("%(dimension)s维度%(level)s", dimension=pick(module.title_zh, module.title_en), level=word)


def target_choices(
    result: r.ScoreResult, instrument: Instrument, pick: Picker
) -> tuple[tuple[str, str], ...]:
    targets = []
    if result.miit is not None:
        targets += [planning.Target("miit", lv) for lv in range(1, 5)]
    targets += [planning.Target("overall", lv) for lv in range(2, 6)]
    for m in result.modules:
        if m.share > 0:
            targets += [planning.Target("dimension", lv, m.module_id) for lv in range(2, 6)]
    return tuple((key_of(t), target_label(t, instrument, pick)) for t in targets)


_CACHE: dict[tuple[Any, ...], planning.PlanSet] = {}
CACHE_SIZE = 64


@dataclass(frozen=True)
class Computed:
    """The plans toward a target and the fingerprint of everything they were computed from."""

    target: planning.Target
    plans: planning.PlanSet
    key: str  # SHA-256 of the inputs: the engine, instrument, answers, target, pins, prices, goals

    def kept(self) -> dict[str, Any]:
        """The form kept with a stored result (AssessmentResult.default_plan), read by :func:`compute`."""
        return {"key": self.key, "plans": planning.plan_set_to_plain(self.plans)}


def compute(  # noqa: PLR0913, PLR0917 — what a plan needs from the page
    instrument: Instrument,
    answers: Mapping[str, Any],
    result: r.ScoreResult,
    city: str | None,
    choice: PlanChoice,
    prices: Mapping[str, PriceRange],
    *,
    kept: Mapping[str, Any] | None = None,
) -> Computed:
    """The plans toward the chosen (or default) target. The same inputs within this process give the cached
    plans: page, PDF and API of one assessment plan once. *kept*: the plans kept with the stored result
    (worked out when it was stored), used when they were computed from exactly these inputs — a provider's
    price bands, the engine or the rules changed since, and the plans are computed again."""
    target = _parse(choice.target, instrument) or default_target(result, city)
    pins = {}
    for raw in choice.pins:
        iid, _sep, wanted = raw.partition("|")
        if instrument.has_item(iid):
            pins[iid] = _pinned_answer(instrument, iid, wanted, answers)
    pins = {k: val for k, val in pins.items() if val is not None}
    excluded = tuple(i for i in choice.excluded if instrument.has_item(i))
    goals: tuple[planning.Goal, ...] = ()
    if result.miit is not None and city in pilot_cities():
        goals = (planning.Goal(PILOT, "城市试点二级", "city pilot level 2", planning.Target("miit", 2)),)
    key = (
        ENGINE_VERSION,
        instrument.id,
        instrument.version,
        instrument.content_hash,
        json.dumps(answers, sort_keys=True, default=str),
        result.profile.cluster,
        target,
        json.dumps(pins, sort_keys=True),
        excluded,
        tuple(sorted(prices.items())),
        goals,
        choice.objective,
    )
    digest = hashlib.sha256(repr(key).encode()).hexdigest()
    if key not in _CACHE and kept is not None and kept.get("key") == digest:
        _remember(key, planning.plan_set_from_plain(kept["plans"]))
    if key not in _CACHE:
        common: dict[str, Any] = {
            "cluster": result.profile.cluster,
            "pins": pins,
            "exclude": excluded,
            "prices": prices,
            "goals": goals,
        }
        chosen = planning.plan_set(
            instrument, answers, target, objectives=(choice.objective,), budget=PAGE_BUDGET, **common
        )
        others = [o for o in planning.OBJECTIVES if o != choice.objective]
        rest = planning.plan_set(
            instrument, answers, target, objectives=others, budget=ALTERNATIVE_BUDGET, **common
        )
        plans = {o: chosen.plans[o] if o == choice.objective else rest.plans[o] for o in planning.OBJECTIVES}
        _remember(key, planning.PlanSet(target, plans, chosen.pins, chosen.excluded))
    return Computed(target, _CACHE[key], digest)


def _remember(key: tuple[Any, ...], plans: planning.PlanSet) -> None:
    if len(_CACHE) >= CACHE_SIZE:
        _CACHE.clear()
    _CACHE[key] = plans


def _pinned_answer(instrument: Instrument, item_id: str, wanted: str, answers: Mapping[str, Any]) -> Any:
    """The answer a pin asks for ("question|answer as JSON", as the plan's step stated it) when the answer is
    one the question can be raised to; otherwise its next better answer (the pin raises it by one step)."""
    item = instrument.item(item_id)
    raises = kind_of(item).raises(item, answer_value(answers.get(item_id)))
    try:
        asked = json.loads(wanted) if wanted else None
    except ValueError:
        asked = None
    if isinstance(asked, list):
        options = [[o] for o in asked if [o] in raises]
        return [o[0] for o in options] or None
    if asked is not None and asked in raises:
        return asked
    return raises[0] if raises else None
