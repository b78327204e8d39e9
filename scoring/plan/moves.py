"""The moves a plan may make: per item, the answers it can be raised to, each with effort, cost and horizon.

The answers come from the item-type registry (``ItemKind.raises``): a better option of a choice question, one
more capability of a multi-choice question (each is its own move, so the options of one item combine), "yes",
or a higher scenario level. Unscored number items enter only where a level's ``requires`` sets a threshold.

Effort and horizon: a roadmap catalogue action that covers the item (scoring/maturity/roadmap_actions.yaml,
with its policy source) gives its effort class and horizon; otherwise the default band of the item's dimension
(effort_bands.yaml, with its reasoning). Cost: the price bands of the catalogue solutions that address the
item's actions, when the caller passes them (:class:`PriceRange`); otherwise the band's estimate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

from questionnaires import Instrument, Item
from questionnaires.answers import answer_value
from questionnaires.item_types import kind_of
from questionnaires.model import Condition, condition_items
from questionnaires.strict_yaml import load_file
from scoring.maturity.engine import item_points
from scoring.maturity.result import ProgramRef
from scoring.maturity.roadmap import CatalogueAction, catalogue

BANDS_FILE = "effort_bands.yaml"
HORIZON_MONTHS = {"0-6": 6, "6-18": 18, "18-36": 36}
MAX_MONTHS = 36


@dataclass(frozen=True)
class Band:
    id: str
    effort: int
    cost_low: Decimal
    cost_high: Decimal
    months: int
    reason_zh: str
    reason_en: str


@dataclass(frozen=True)
class PriceRange:
    """What catalogue solutions for one roadmap action cost (万元), from the providers' declared bands."""

    low: Decimal
    high: Decimal
    solutions: int = 1


@dataclass(frozen=True)
class Move:
    """One raised answer of one item. ``answer`` is what ``raise_answer`` is given; ``steps`` how far it
    goes (options or levels); the rest is what the step would take."""

    item_id: str
    module_id: str
    answer: Any
    steps: int
    points: Decimal  # the item's points gained by this move alone (multi: the option's points)
    effort: Decimal
    cost_low: Decimal
    cost_high: Decimal
    months: int
    basis: str  # "catalogue" (a roadmap action) or the band id
    cost_basis: str  # "providers" or "estimate"
    actions: tuple[str, ...]
    programs: tuple[ProgramRef, ...]

    @property
    def cost_mid(self) -> Decimal:
        return (self.cost_low + self.cost_high) / 2


@cache
def bands() -> tuple[Band, dict[str, Band], str]:
    """The default band, the bands by dimension, and the file's source line."""
    raw = load_file(resources.files("scoring.plan").joinpath(BANDS_FILE))

    def band(key: str, b: Mapping[str, Any]) -> Band:
        low, high = (Decimal(str(x)) for x in b["cost_wan"])
        effort, months = int(b["effort"]), int(b["months"])
        if not (1 <= effort <= 3 and 0 <= low <= high and 0 < months <= MAX_MONTHS):
            raise ValueError(f"effort band {key}: bad values")
        return Band(key, effort, low, high, months, str(b["reason_zh"]), str(b["reason_en"]))

    by_module = {str(k): band(str(k), v) for k, v in raw["bands"].items()}
    return band("default", raw["default"]), by_module, " ".join(str(raw["source"]).split())


def band_for(module_id: str) -> Band:
    default, by_module, _ = bands()
    return by_module.get(module_id, default)


def actions_by_item(instrument: Instrument) -> dict[str, list[CatalogueAction]]:
    out: dict[str, list[CatalogueAction]] = {}
    for action in catalogue():
        if action.instruments and instrument.id not in action.instruments:
            continue
        for iid in action.answers:
            out.setdefault(iid, []).append(action)
    return out


def _thresholds(conditions: list[Condition], item_id: str) -> tuple[Any, ...]:
    """The values a ``requires`` asks of an unscored number item (``gte``/``gt``/``equals``)."""
    out: set[Decimal] = set()
    for cond in conditions:
        for leaf in condition_items(cond):
            if leaf.item != item_id or not isinstance(leaf.operand, int | float | Decimal):
                continue
            value = Decimal(str(leaf.operand))
            if leaf.op in ("gte", "equals"):
                out.add(value)
            elif leaf.op == "gt":
                out.add(value + 1)
    return tuple(sorted(out))


def item_moves(  # noqa: PLR0913, PLR0917 — one item's moves need all of these
    instrument: Instrument,
    item: Item,
    current: Any,
    requires: list[Condition],
    covering: list[CatalogueAction],
    prices: Mapping[str, PriceRange],
) -> list[Move]:
    """The moves of *item* from its *current* answer (nothing when it cannot be raised)."""
    kind = kind_of(item)
    if item.scored or kind.has_ladder:
        answers = kind.raises(item, current)
    elif item.type in ("number", "integer"):
        answers = tuple(v for v in _thresholds(requires, item.id) if current is None or v > current)
    else:
        answers = ()
    if not answers:
        return []
    band = band_for(item.module_id)
    now = item_points(item, current)
    catalogued = [a for a in covering if a.module == item.module_id] or covering
    effort = Decimal(min((a.effort for a in catalogued), default=band.effort))
    months = min((HORIZON_MONTHS[a.horizon] for a in catalogued), default=band.months)
    action_ids = tuple(a.id for a in covering)
    programs = tuple({p.program_id: p for a in covering for p in a.programs}.values())
    priced = [prices[a] for a in action_ids if a in prices]
    out = []
    for n, answer in enumerate(answers, start=1):
        steps = 1 if item.type == "multi" else n
        after = kind.raise_answer(item, current, answer) if item.type != "multi" else answer
        gained = item_points(item, after) - (ZERO if item.type == "multi" else now)
        low = min((p.low for p in priced), default=band.cost_low * steps)
        high = max((p.high for p in priced), default=band.cost_high * steps)
        out.append(
            Move(
                item_id=item.id,
                module_id=item.module_id,
                answer=answer,
                steps=steps,
                points=max(ZERO, gained),
                effort=effort * steps,
                cost_low=low,
                cost_high=high,
                months=min(MAX_MONTHS, (months if catalogued else band.months) * steps),
                basis="catalogue" if catalogued else band.id,
                cost_basis="providers" if priced else "estimate",
                actions=action_ids,
                programs=programs,
            )
        )
    return out


ZERO = Decimal(0)


def current_answer(answers: Mapping[str, Any], item_id: str) -> Any:
    return answer_value(answers.get(item_id))
