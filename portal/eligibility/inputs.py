"""The eligibility engine's input for a company, built from stored data, and its evaluation.

Other pages (the result page, the PDF report, the bureau pipeline) call ``evaluate_company(company)`` and
render the dict with ``templates/eligibility/_programs.html`` (``{% include %}`` with ``report``).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from portal.eligibility import facts, rulesets
from portal.extensions import db
from portal.models import Company, CompanyEligibilityProfile, EligibilityProject
from scoring.eligibility import RuleSet, evaluate_json

JSONDict = dict[str, Any]
LOCAL_TZ: Final = ZoneInfo("Asia/Shanghai")

# GB/T 4754-2017 门类 → the contract's sector. B/C/D together are 工业 (industry) in the rules.
SECTOR_BY_SECTION: Final = {"B": "mining", "C": "manufacturing", "D": "utilities", "E": "construction"}
SERVICE_SECTIONS: Final = frozenset("FGHIJKLMNOPQRST")


def today() -> date:
    """Today in Guangdong (the rules' validity dates are local dates)."""
    return datetime.now(LOCAL_TZ).date()


def sector_of(section: str | None) -> str | None:
    if not section:
        return None
    if section in SECTOR_BY_SECTION:
        return SECTOR_BY_SECTION[section]
    return "services" if section in SERVICE_SECTIONS else "other"


# ----------------------------------------------------------------------------------------- the input


def conditions_of(company: Company) -> JSONDict:
    """The stored eligibility conditions (contract company field → value); {} when none yet."""
    row = db.session.get(CompanyEligibilityProfile, company.id)
    return dict(row.data) if row is not None and row.data else {}


def profile_fields(company: Company, as_of: date) -> JSONDict:
    """Company fields taken from the company profile; fields the profile does not know are left out."""
    out: JSONDict = {"city": company.city}
    if company.credit_code:
        out["credit_code"] = company.credit_code  # registered in Guangdong is derived from its division code
    sector = sector_of(company.industry_section)
    if sector is not None:
        out["sector"] = sector
    if company.size_class:
        out["sme_size_class"] = company.size_class
    if company.founded_year is not None:
        # Year precision: the profile stores the founding year only.
        out["years_in_operation"] = max(0, as_of.year - company.founded_year)
    if company.employees is not None:
        out["employees"] = company.employees
    for name in ("revenue_wan", "total_assets_wan"):
        value = getattr(company, name)
        if value is not None:
            out[name] = json_number(value)
    return out


def json_number(value: Decimal | int | float) -> int | float:
    d = Decimal(str(value))
    return int(d) if d == d.to_integral_value() else float(d)


def projects_of(company: Company) -> list[EligibilityProject]:
    return list(
        db.session.scalars(
            sa.select(EligibilityProject)
            .where(EligibilityProject.company_id == company.id)
            .order_by(EligibilityProject.id)
        )
    )


def project_payload(project: EligibilityProject) -> JSONDict:
    out: JSONDict = {"id": project.name, "program": project.program}
    if project.direction:
        out["direction"] = project.direction
    out.update(project.data or {})
    return out


def build_input(company: Company, as_of: date | None = None) -> JSONDict:
    """The contract JSON (``python -m scoring eligibility`` input) for the company on ``as_of`` (today).

    Company profile fields are mapped (city, sector, size class, years in operation, employees, revenue,
    assets); the facts the platform computed (the MIIT level of a submitted assessment …) come next; the
    stored conditions add the rest; absent = not known. Projects are named by their name. A computed or
    profile value always wins over one typed in the conditions (the conditions page shows both).
    """
    day = as_of or today()
    company_part = conditions_of(company)
    company_part.update(facts.used_values(facts.computed_facts(company)))
    company_part.update(profile_fields(company, day))
    return {
        "as_of": day.isoformat(),
        "company": company_part,
        "projects": [project_payload(p) for p in projects_of(company)],
    }


_PROJECT_ERROR = re.compile(r"^projects\[(\d+)\]")


def _drop_invalid(payload: JSONDict, errors: list[JSONDict]) -> bool:
    """Remove what the engine refused (stale stored values, projects of a removed program); False if stuck."""
    changed = False
    bad_projects: set[int] = set()
    for error in errors:
        path = str(error.get("field") or "")
        m = _PROJECT_ERROR.match(path)
        if m:
            bad_projects.add(int(m.group(1)))
        elif path.startswith("company.") and path != "company.city":
            payload["company"].pop(path.removeprefix("company."), None)
            changed = True
    if bad_projects:
        payload["projects"] = [p for i, p in enumerate(payload["projects"]) if i not in bad_projects]
        changed = True
    return changed


def evaluate_company(
    company: Company, as_of: date | None = None, rules: RuleSet | None = None, payload: JSONDict | None = None
) -> JSONDict:
    """The engine's output dict for the company: the rules in force (shipped files and published rule
    versions) unless ``rules`` is given (a preview). ``rule_versions`` maps each program to the rule
    version used (its id; absent = the shipped file) so stored results can record it."""
    payload = payload if payload is not None else build_input(company, as_of)
    if rules is None:
        in_force = rulesets.versions_in_force()
        versions = {v.program_id: v.id for v in in_force}
        rules = rulesets.effective_rules(in_force)
    else:
        versions = {}
    for _attempt in range(3):
        status, body = evaluate_json(payload, rules)
        if status == 200:
            body["rule_versions"] = versions
            return body
        current_app.logger.warning("eligibility input of company %s refused: %s", company.id, body["errors"])
        if not _drop_invalid(payload, body["errors"]):
            break
    raise ValueError(f"eligibility input of company {company.id} is invalid: {body['errors']}")
