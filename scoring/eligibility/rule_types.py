"""Rule files' data model: the program, clause and award types, the vocabulary constants and the
region helpers shared by the validator (`rule_check`), the loader (`rules`) and the engine."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Final, NamedTuple

from scoring.eligibility.model import Source
from scoring.reference.regions import RegionGroup, Zone, region_group, zone

RULES_DIR: Final = Path(__file__).resolve().parent.parent / "rules"
SCHEMA_VERSION: Final = 1

LEVELS: Final = ("company", "project")
KINDS: Final = ("subsidy", "recognition", "information")
RECIPIENTS: Final = ("applicant", "city_government")
COMPARISONS: Final = (">=", ">", "<=", "<", "==", "!=")
REGION_KEYS: Final = tuple(g.value for g in RegionGroup) + tuple(z.value for z in Zone)
RULE_ID = re.compile(r"^[a-z][a-z0-9_]*$")

RegionValue = Decimal | dict[str, Decimal]


class RuleError(NamedTuple):
    file: str
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.path or '(document)'}: {self.reason}"


class RuleFileError(ValueError):
    def __init__(self, errors: Sequence[RuleError]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


@dataclass(frozen=True)
class Ambiguity:
    decision: str
    reason: str
    change: str = ""  # how to change the decision (which key to edit), when the file says

    def to_dict(self) -> dict[str, str]:
        out = {"decision": self.decision, "reason": self.reason}
        if self.change:
            out["change"] = self.change
        return out


@dataclass(frozen=True)
class Award:
    base: str | None  # field path, e.g. project.investment_wan; None = amount not computable
    rate: RegionValue | None
    cap: RegionValue | None
    recipient: str
    note_zh: str
    note_en: str
    source: Source | None


@dataclass(frozen=True)
class Direction:
    id: str
    name_zh: str
    name_en: str
    award: Award | None


@dataclass(frozen=True)
class Clause:
    program: str
    id: str
    title_zh: str
    title_en: str
    source: Source
    valid_from: date
    valid_to: date | None
    region_scope: tuple[str, ...]
    test: Mapping[str, Any] | None  # None = to_confirm (document review)
    to_confirm: bool
    directions: tuple[str, ...] | None
    applies_when: Mapping[str, Any] | None
    messages: Mapping[str, str]
    ambiguity: Ambiguity | None


@dataclass(frozen=True)
class Program:
    id: str
    name_zh: str
    name_en: str
    level: str
    kind: str
    document: str
    file: str
    valid_from: date
    valid_to: date | None
    validity_source: Source
    validity_ambiguity: Ambiguity | None
    region_scope: tuple[str, ...]
    region_source: Source | None
    directions: tuple[Direction, ...]
    award: Award | None
    clauses: tuple[Clause, ...]
    ambiguities: tuple[tuple[str, Ambiguity], ...]
    path: str

    def direction(self, direction_id: str | None) -> Direction | None:
        for d in self.directions:
            if d.id == direction_id:
                return d
        return None


@dataclass(frozen=True)
class RuleSet:
    programs: tuple[Program, ...]

    def get(self, program_id: str) -> Program | None:
        for p in self.programs:
            if p.id == program_id:
                return p
        return None

    @property
    def company_programs(self) -> tuple[Program, ...]:
        return tuple(p for p in self.programs if p.level == "company")


# ---------------------------------------------------------------------------------------------- helpers


def in_scope(city: str, scope: Iterable[str]) -> bool:
    tokens = set(scope)
    return city in tokens or region_group(city).value in tokens or zone(city).value in tokens


def resolve(value: RegionValue | None, city: str) -> Decimal | None:
    """A scalar, or the region map's entry for the city (city name, zone, group, then default)."""
    if value is None or isinstance(value, Decimal):
        return value
    for key in (city, zone(city).value, region_group(city).value, "default"):
        if key in value:
            return value[key]
    return None


def as_date(raw: object) -> date | None:
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            return None
    return None


def as_decimal(raw: object) -> Decimal | None:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        return None
    try:
        return Decimal(str(raw))
    except InvalidOperation:
        return None
