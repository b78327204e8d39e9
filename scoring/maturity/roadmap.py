"""Upgrade roadmap: ranked actions in three horizons (0–6, 6–18, 18–36 months) towards target levels.

priority = gain × dimension share × policy support ÷ effort class, where

* gain = dimension score gain (0–100 scale) + :data:`LEVEL_BONUS` × dimension levels gained, both computed by
  re-scoring the dimension with the action's answers applied (an action only ever raises answers);
* dimension share = the dimension's weight ÷ Σ weights of the company's dimensions (cluster modules included);
* policy support = :data:`SUPPORT_FACTORS` of the catalogue's ``support`` class;
* effort class = 1 (low) … 3 (high).

Targets: module id → level (default: current level + 1). Dimensions at or above their target get no actions.
Actions that touch an item of an unmet ``requires`` condition of a level up to the target are
``needed_for_target`` and come first. The catalogue is data (``roadmap_actions.yaml``, with sources); scored
items no catalogue action covers get a generic "raise this answer" action so that every gap is on the roadmap.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

from questionnaires import Instrument, evaluate
from questionnaires.answers import answer_value
from questionnaires.item_types import kind_of
from questionnaires.strict_yaml import load_file

from .conditions import referenced_items
from .engine import Visibility, WhatIf, item_points, visibility
from .result import ModuleResult, ProgramRef, Roadmap, RoadmapAction, q_points, q_score

CATALOGUE_FILE = "roadmap_actions.yaml"
LEVEL_BONUS = Decimal(10)
SUPPORT_FACTORS: dict[str, Decimal] = {
    "high": Decimal("1.5"),
    "medium": Decimal("1.25"),
    "low": Decimal("1.1"),
    "none": Decimal(1),
}
HORIZONS = ("0-6", "6-18", "18-36")
FORMULA = (
    "优先级 = (维度得分提升 + 10 × 等级提升) × 维度权重占比 × 政策支持系数(1.0/1.1/1.25/1.5) ÷ 实施难度(1–3)",
    "priority = (dimension score gain + 10 × levels gained) × dimension share"
    " × policy support (1.0/1.1/1.25/1.5) ÷ effort class (1–3)",
)


@dataclass(frozen=True)
class CatalogueAction:
    id: str
    instruments: tuple[str, ...]
    module: str
    title_zh: str
    title_en: str
    measure_zh: str
    measure_en: str
    source: str
    answers: Mapping[str, Any]
    effort: int
    horizon: str
    support: str
    programs: tuple[ProgramRef, ...]


def parse_catalogue(raw: Mapping[str, Any]) -> tuple[CatalogueAction, ...]:
    out = []
    for a in raw["actions"]:
        if (
            a["horizon"] not in HORIZONS
            or a["support"] not in SUPPORT_FACTORS
            or a["effort"] not in (1, 2, 3)
        ):
            raise ValueError(f"roadmap action {a.get('id')}: bad horizon/support/effort")
        out.append(
            CatalogueAction(
                id=str(a["id"]),
                instruments=tuple(a.get("instruments", raw.get("instruments", ()))),
                module=str(a["module"]),
                title_zh=str(a["title_zh"]),
                title_en=str(a["title_en"]),
                measure_zh=str(a["measure_zh"]),
                measure_en=str(a["measure_en"]),
                source=" ".join(str(a["source"]).split()),
                answers=dict(a["answers"]),
                effort=int(a["effort"]),
                horizon=str(a["horizon"]),
                support=str(a["support"]),
                programs=tuple(
                    ProgramRef(str(p["id"]), p.get("direction"), p.get("note_zh"), p.get("note_en"))
                    for p in a.get("programs", ())
                ),
            )
        )
    return tuple(out)


@cache
def _catalogue_data() -> Mapping[str, Any]:
    data: Mapping[str, Any] = load_file(resources.files("scoring.maturity").joinpath(CATALOGUE_FILE))
    return data


@cache
def catalogue() -> tuple[CatalogueAction, ...]:
    return parse_catalogue(_catalogue_data())


@cache
def direction_labels() -> dict[str, tuple[str, str]]:
    """Names of directions the eligibility rules do not list, by "program/direction": (zh, en)."""
    raw = _catalogue_data().get("direction_labels") or {}
    return {str(key): (str(v["zh"]), str(v["en"])) for key, v in raw.items()}


def _generic_actions(
    instrument: Instrument,
    modules: list[ModuleResult],
    covered: set[str],
    visible: frozenset[str],
    answers: Mapping[str, Any],
) -> list[CatalogueAction]:
    out = []
    for m in modules:
        for item in instrument.module(m.module_id).items:
            if item.id in covered or item.id not in visible or not item.scored:
                continue
            current = answer_value(answers.get(item.id))
            cur_pts = item_points(item, current)
            if cur_pts >= (item.max_points or Decimal(0)):
                continue
            aim = kind_of(item).generic_target(item, cur_pts)
            if aim is None:
                continue
            target, lvl = aim
            horizon = (
                "0-6"
                if lvl is not None and lvl <= 2
                else ("18-36" if lvl is not None and lvl >= 4 else "6-18")
            )
            out.append(
                CatalogueAction(
                    id=f"item:{item.id}",
                    instruments=(instrument.id,),
                    module=m.module_id,
                    title_zh=f"提升：{item.text_zh}",
                    title_en=f"Improve: {item.text_en}",
                    measure_zh="问卷题目对应的改进（无对应政策措施条目）",
                    measure_en="improvement on this questionnaire item (no plan measure catalogued)",
                    source=f"{instrument.key} item {item.id}",
                    answers={item.id: target},
                    effort=2,
                    horizon=horizon,
                    support="none",
                    programs=(),
                )
            )
    return out


def _needed_items(
    instrument: Instrument,
    answers: Mapping[str, Any],
    hidden: frozenset[str],
    by_id: Mapping[str, ModuleResult],
    target_map: Mapping[str, int],
) -> dict[str, set[str]]:
    """Per dimension, the items in unmet ``requires`` of its levels (current, target]."""
    needed_items: dict[str, set[str]] = {}
    for mid, t in target_map.items():
        items: set[str] = set()
        for lv in instrument.module(mid).levels:
            if (
                by_id[mid].level < lv.level <= t
                and lv.requires is not None
                and not evaluate(lv.requires, instrument, answers, hidden=hidden)
            ):
                items |= set(referenced_items(lv.requires))
        needed_items[mid] = items
    return needed_items


def _catalogue_gaps(instrument: Instrument, mine: list[CatalogueAction]) -> list[str]:
    """Catalogue actions naming items or modules the instrument does not have."""
    gaps: list[str] = []
    module_ids = {m.id for m in instrument.modules}
    for a in mine:
        gaps.extend(
            f"action {a.id}: item {iid} not in {instrument.key}"
            for iid in a.answers
            if not instrument.has_item(iid)
        )
        if a.module not in module_ids:
            gaps.append(f"action {a.id}: module {a.module} not in {instrument.key}")
    return gaps


def _raised_answers(
    instrument: Instrument, answers: Mapping[str, Any], action: CatalogueAction
) -> dict[str, Any] | None:
    """The answers after *action* (each item's type raises its answer, never lowers it); None when the
    action changes nothing."""
    new_answers = dict(answers)
    changed = False
    for iid, target in action.answers.items():
        item = instrument.item(iid)
        cur = answer_value(answers.get(iid))
        new = kind_of(item).raise_answer(item, cur, target)
        changed = changed or new != cur
        new_answers[iid] = new
    return new_answers if changed else None


def _ranked_row(what_if: WhatIf, a: CatalogueAction, m: ModuleResult, needed: bool) -> dict[str, Any] | None:
    """The action with its gain and priority (the fields of its :class:`RoadmapAction` but the rank), or None
    when it changes nothing and no target needs it."""
    new_answers = _raised_answers(what_if.instrument, what_if.answers, a)
    if new_answers is None:
        return None
    module = what_if.instrument.module(a.module)
    score_after, level_after = what_if.score_and_level(module, new_answers, a.answers)
    d_score = (score_after or Decimal(0)) - (m.score or Decimal(0))
    d_level = level_after - m.level
    gain = max(Decimal(0), d_score) + LEVEL_BONUS * max(0, d_level)
    if gain <= 0 and not needed:
        return None
    support = SUPPORT_FACTORS[a.support]
    priority = gain * m.share * support / Decimal(a.effort)
    return {
        "action_id": a.id,
        "horizon": a.horizon,
        "module_id": a.module,
        "title_zh": a.title_zh,
        "title_en": a.title_en,
        "measure_zh": a.measure_zh,
        "measure_en": a.measure_en,
        "source": a.source,
        "items": {k: new_answers[k] for k in a.answers},
        "score_gain": q_score(d_score),
        "level_before": m.level,
        "level_after": level_after,
        "needed_for_target": needed,
        "dimension_share": m.share,
        "support_factor": support,
        "effort_class": a.effort,
        "priority": q_points(priority),
        "programs": a.programs,
    }


def build_roadmap(  # noqa: PLR0913, PLR0917 — public scoring API kept stable for callers
    instrument: Instrument,
    answers: Mapping[str, Any],
    cluster: str | None,
    modules: tuple[ModuleResult, ...],
    targets: Mapping[str, int] | None = None,
    actions: tuple[CatalogueAction, ...] | None = None,
    *,
    seen: Visibility | None = None,
) -> Roadmap:
    """*seen*: the visibility with these answers, when the caller knows it."""
    cat = actions if actions is not None else catalogue()
    by_id = {m.module_id: m for m in modules}
    weighted = [m for m in modules if m.share > 0]
    target_map: dict[str, int] = {}
    for m in weighted:
        t = (targets or {}).get(m.module_id)
        target_map[m.module_id] = int(t) if t is not None else min(5, m.level + 1)
    reached = tuple(sorted(mid for mid, t in target_map.items() if by_id[mid].level >= t))
    seen = seen or visibility(instrument, answers, cluster)
    what_if = WhatIf(instrument, answers, cluster, seen)
    needed_items = _needed_items(instrument, answers, seen.hidden, by_id, target_map)
    mine = [a for a in cat if not a.instruments or instrument.id in a.instruments]
    covered = {iid for a in mine for iid in a.answers}
    candidates = mine + _generic_actions(instrument, weighted, covered, seen.ids, answers)
    rows: list[tuple[bool, Decimal, str, dict[str, Any]]] = []
    for a in candidates:
        found = by_id.get(a.module)
        if found is None or a.module not in target_map or found.level >= target_map[a.module]:
            continue
        if any(iid not in seen.ids for iid in a.answers):
            continue
        needed = bool(set(a.answers) & needed_items.get(a.module, set()))
        row = _ranked_row(what_if, a, found, needed)
        if row is not None:
            rows.append((needed, row["priority"], a.id, row))
    rows.sort(key=lambda r: (not r[0], -r[1], r[2]))
    ranked = [RoadmapAction(rank=n, **r[3]) for n, r in enumerate(rows, start=1)]
    horizons = {h: tuple(r for r in ranked if r.horizon == h) for h in HORIZONS}
    return Roadmap(
        targets=dict(sorted(target_map.items())),
        horizons=horizons,
        reached=reached,
        formula_zh=FORMULA[0],
        formula_en=FORMULA[1],
        catalogue_gaps=tuple(sorted(set(_catalogue_gaps(instrument, mine)))),
    )
