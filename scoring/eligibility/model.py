"""Value objects of the eligibility contract (input after parsing, report, results, reasons, gaps)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

JSONValue = Any  # values that json.dumps accepts


class Status(StrEnum):
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    NEEDS_INFO = "needs_info"
    NOT_COVERED = "not_covered"
    EXPIRED = "expired"


def number(value: Decimal | float | int | None) -> int | float | None:
    """JSON number: integral values as int, others rounded to 4 decimals (stable output)."""
    if value is None:
        return None
    d = Decimal(str(value)).quantize(Decimal("0.0001"))
    if d == d.to_integral_value():
        return int(d)
    return float(d.normalize())


@dataclass(frozen=True)
class ProjectInput:
    id: str
    program: str
    direction: str | None
    values: Mapping[str, Any]  # parsed values; absent key = unknown; None = explicit null


@dataclass(frozen=True)
class EligibilityInput:
    as_of: date
    city: str
    company: Mapping[str, Any]
    projects: tuple[ProjectInput, ...] = ()


@dataclass(frozen=True)
class Source:
    document: str
    file: str
    lines: str
    quote: str

    def to_dict(self) -> dict[str, JSONValue]:
        return {"document": self.document, "file": self.file, "lines": self.lines, "quote": self.quote}


@dataclass(frozen=True)
class Gap:
    field: str
    required: Decimal
    actual: Decimal
    shortfall: Decimal
    clause: str = ""
    alternative: bool = False  # one of several ways to pass the clause (any-of)

    def to_dict(self) -> dict[str, JSONValue]:
        return {
            "field": self.field,
            "required": number(self.required),
            "actual": number(self.actual),
            "shortfall": number(self.shortfall),
            "clause": self.clause,
            "alternative": self.alternative,
        }


@dataclass(frozen=True)
class Reason:
    clause: str
    passed: bool | None
    message_zh: str
    message_en: str
    source: Source | None
    to_confirm: bool = False
    missing_fields: tuple[str, ...] = ()
    ambiguity: Mapping[str, str] | None = None
    relaxed: bool = False  # passed only under a discretionary relaxation (the bureau decides)

    def to_dict(self) -> dict[str, JSONValue]:
        return {
            "clause": self.clause,
            "passed": self.passed,
            "to_confirm": self.to_confirm,
            "relaxed": self.relaxed,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "missing_fields": list(self.missing_fields),
            "source": self.source.to_dict() if self.source else None,
            "ambiguity": dict(self.ambiguity) if self.ambiguity else None,
        }


@dataclass(frozen=True)
class ProgramResult:
    program: str
    name_zh: str
    name_en: str
    kind: str
    direction: str | None
    project: str | None
    status: Status
    under_last_rules: Status | None
    valid_from: date | None
    valid_to: date | None
    reasons: tuple[Reason, ...]
    estimated_award_wan: Decimal | None
    award_cap_wan: Decimal | None
    award_recipient: str | None
    award_note_zh: str
    award_note_en: str
    gaps: tuple[Gap, ...] = field(default_factory=tuple)
    # The result holds only if the bureau grants a discretionary relaxation (e.g. 粤工信规字〔2020〕3号 L1979
    # "可适当降低不超过20%"): shown as "eligible only with the relaxation, to be confirmed by the bureau".
    relaxation_to_confirm: bool = False

    def to_dict(self) -> dict[str, JSONValue]:
        return {
            "program": self.program,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "kind": self.kind,
            "direction": self.direction,
            "project": self.project,
            "status": self.status.value,
            "under_last_rules": self.under_last_rules.value if self.under_last_rules else None,
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "reasons": [r.to_dict() for r in self.reasons],
            "estimated_award_wan": number(self.estimated_award_wan),
            "award_cap_wan": number(self.award_cap_wan),
            "award_recipient": self.award_recipient,
            "award_note_zh": self.award_note_zh,
            "award_note_en": self.award_note_en,
            "gaps": [g.to_dict() for g in self.gaps],
            "relaxation_to_confirm": self.relaxation_to_confirm,
        }


@dataclass(frozen=True)
class Derivation:
    """A company fact the engine worked out from other input (or could not), reported with the result."""

    field: str
    value: JSONValue  # None: could not be derived
    message_zh: str
    message_en: str

    def to_dict(self) -> dict[str, JSONValue]:
        return {
            "field": self.field,
            "value": self.value,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }


@dataclass(frozen=True)
class EligibilityReport:
    as_of: date
    city: str
    region_group: str
    zone: str
    results: tuple[ProgramResult, ...]
    derived: tuple[Derivation, ...] = ()

    def to_dict(self) -> dict[str, JSONValue]:
        return {
            "as_of": self.as_of.isoformat(),
            "city": self.city,
            "region_group": self.region_group,
            "zone": self.zone,
            "derived": [d.to_dict() for d in self.derived],
            "results": [r.to_dict() for r in self.results],
        }

    def result(self, program: str, project: str | None = None) -> ProgramResult:
        """The result for a program (and project); KeyError if absent. Convenience for callers and tests."""
        for r in self.results:
            if r.program == program and r.project == project:
                return r
        raise KeyError((program, project))
