"""The effect of a rule version before it is published: every company evaluated under the rules in force and
under the rules with this version in place of its program, counted per city, with the companies whose
status changes.
"""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

import sqlalchemy as sa

from portal.eligibility import inputs, rulesets
from portal.extensions import db
from portal.models import Company, RuleVersion
from scoring.eligibility import RuleSet

# A program's status for a company: the best across its results (projects), as in the bureau pipeline.
RANK: Final = {"eligible": 5, "needs_info": 4, "ineligible": 3, "expired": 2, "not_covered": 1}
COLUMNS: Final = ("eligible", "needs_info", "ineligible", "other")
ABSENT: Final = "absent"  # the program is not in that rule set (a new program), or the company has no project


@dataclass
class CityRow:
    city: str
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class Change:
    company_id: int
    company: str
    city: str
    before: str
    after: str


@dataclass
class Preview:
    program_id: str
    as_of: date
    cities: list[CityRow]
    totals: Counter[str]
    changes: list[Change]
    companies: int
    new_program: bool


def program_status(report: dict[str, Any], program_id: str) -> str:
    """The company's status for the program in an engine report (``absent`` when it has no result)."""
    statuses = [r["status"] for r in report.get("results", []) if r.get("program") == program_id]
    return max(statuses, key=lambda s: RANK.get(s, 0)) if statuses else ABSENT


def column(status: str) -> str:
    return status if status in COLUMNS else "other"


def _status(company: Company, payload: dict[str, Any], rules: RuleSet, program_id: str) -> str:
    try:
        report = inputs.evaluate_company(company, rules=rules, payload=copy.deepcopy(payload))
    except ValueError:  # stored input the engine refuses altogether: counted under "other"
        return "invalid"
    return program_status(report, program_id)


def preview(version: RuleVersion, as_of: date | None = None) -> Preview:
    """Evaluate every company on ``as_of`` (today) under the current rules and with ``version`` applied."""
    day = as_of or inputs.today()
    pid = version.program_id
    full = rulesets.effective_rules()
    # Only this program is evaluated (the others do not change): a rule set of one program each.
    current = RuleSet(tuple(p for p in full.programs if p.id == pid))
    candidate = rulesets.rules_with(pid, version.filename, version.content.encode())
    candidate = RuleSet(tuple(p for p in candidate.programs if p.id == pid))
    rows: dict[str, CityRow] = {}
    totals: Counter[str] = Counter()
    changes: list[Change] = []
    companies = list(db.session.scalars(sa.select(Company).order_by(Company.city, Company.name, Company.id)))
    for company in companies:
        payload = inputs.build_input(company, day)
        payload["projects"] = [p for p in payload["projects"] if p.get("program") == pid]
        before = _status(company, payload, current, pid)
        after = _status(company, payload, candidate, pid)
        row = rows.setdefault(company.city, CityRow(company.city))
        row.counts[column(after)] += 1
        totals[column(after)] += 1
        if before != after:
            changes.append(Change(company.id, company.name, company.city, before, after))
    return Preview(
        program_id=pid,
        as_of=day,
        cities=sorted(rows.values(), key=lambda r: r.city),
        totals=totals,
        changes=changes,
        companies=len(companies),
        new_program=full.get(pid) is None,
    )
