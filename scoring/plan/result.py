"""What a plan is: its steps, totals, and whether and how it reaches the target (frozen, JSON-friendly)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from scoring.maturity.result import ProgramRef
from scoring.maturity.result.decode import dataclass_decoder

from .targets import Target

OBJECTIVES = ("effort", "cost", "time", "programmes")
OBJECTIVE_NAMES = {
    "effort": ("最省力", "Least effort"),
    "cost": ("最省钱", "Cheapest"),
    "time": ("最快", "Fastest"),
    "programmes": ("兼顾政策项目", "Best for programmes"),
}


@dataclass(frozen=True)
class Goal:
    """A programme condition the platform can compute, as a level target (e.g. the city pilot's MIIT 二级)."""

    program_id: str
    name_zh: str
    name_en: str
    target: Target


@dataclass(frozen=True)
class Step:
    item_id: str
    module_id: str
    module_zh: str
    module_en: str
    text_zh: str
    text_en: str
    current_answer: Any
    new_answer: Any
    current_zh: str
    current_en: str
    new_zh: str
    new_en: str
    points_gained: Decimal
    effort: Decimal
    cost_low: Decimal
    cost_high: Decimal
    cost_basis: str  # "providers": the catalogue solutions' price bands; "estimate": the default band
    months: int
    basis_zh: str  # where effort and horizon come from
    basis_en: str
    actions: tuple[str, ...]  # roadmap catalogue actions that cover the item (provider matching uses them)
    programs: tuple[ProgramRef, ...]
    levels_after: tuple[int, ...]  # each target's level once this and the steps before it are done
    pinned: bool = False


@dataclass(frozen=True)
class Plan:
    objective: str
    targets: tuple[Target, ...]
    status: str  # "reached" (nothing to do), "planned", "unreachable", "invalid"
    steps: tuple[Step, ...]
    levels_before: tuple[int, ...]
    levels_after: tuple[int, ...]  # by the real scorer, with every step applied
    effort: Decimal
    cost_low: Decimal
    cost_high: Decimal
    months: int  # the longest step's horizon (steps can run side by side)
    exact: bool
    nodes: int
    reasons_zh: tuple[str, ...] = ()
    reasons_en: tuple[str, ...] = ()
    goals_met: tuple[str, ...] = ()  # programme ids whose goal the plan also reaches

    @property
    def reaches(self) -> bool:
        return self.status in ("reached", "planned")

    @property
    def programs(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for s in self.steps:
            for p in s.programs:
                seen.setdefault(p.program_id, None)
        for g in self.goals_met:
            seen.setdefault(g, None)
        return tuple(seen)


@dataclass(frozen=True)
class PlanSet:
    """The plan toward one target and its alternatives, with the pins and exclusions they honour."""

    target: Target
    plans: dict[str, Plan]  # by objective
    pins: dict[str, Any]
    excluded: tuple[str, ...]

    @property
    def main(self) -> Plan:
        return self.plans["effort"]


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Decimal):
        return str(value)  # every digit kept: a plan read back shows exactly what was computed
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def plan_set_to_plain(plans: PlanSet) -> dict[str, Any]:
    """The JSON-ready form of a plan set (to keep it with a stored result); numbers as exact decimal text."""
    plain: dict[str, Any] = _plain(plans)
    return plain


def plan_set_from_plain(plain: Mapping[str, Any]) -> PlanSet:
    """The plan set back from :func:`plan_set_to_plain`'s form (equal to the one it was made from)."""
    plans: PlanSet = dataclass_decoder(PlanSet)(plain)
    return plans
