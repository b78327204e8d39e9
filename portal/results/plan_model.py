"""The upgrade plan's part of the result view (built by portal.results.plan_view): plain frozen data."""

from __future__ import annotations

from dataclasses import dataclass

Number = int | float  # as portal.results.model.Number: a shown number


@dataclass(frozen=True)
class PlanSolution:
    name: str
    provider: str
    score: int
    price: str | None


@dataclass(frozen=True)
class PlanStep:
    no: int
    item: str  # the question's key: the value of the exclude box, never shown
    pin: str  # the pin box's value: the question's key and the needed answer
    dimension: str
    question: str
    current: str
    needed: str
    points: Number | None
    level_after: str
    effort: Number | None
    cost: str
    cost_basis: str
    horizon: str
    basis: str
    programmes: tuple[str, ...]
    solutions: tuple[PlanSolution, ...]
    pinned: bool


@dataclass(frozen=True)
class PlanAlternative:
    key: str
    name: str
    steps: int
    effort: Number | None
    cost: str
    horizon: str
    reaches: bool
    exact: bool
    chosen: bool


@dataclass(frozen=True)
class PlanView:
    target: str  # the chosen target's form value
    target_label: str
    objective: str
    objective_name: str
    status: str  # reached / planned / unreachable / invalid
    before: str
    after: str
    steps: tuple[PlanStep, ...]
    effort: Number | None
    cost: str
    horizon: str
    exact: bool
    reasons: tuple[str, ...]
    goals_met: tuple[str, ...]
    alternatives: tuple[PlanAlternative, ...]
    choices: tuple[tuple[str, str], ...]  # (form value, label) of every target
    excluded: tuple[tuple[str, str], ...]  # (question key, question) now excluded
