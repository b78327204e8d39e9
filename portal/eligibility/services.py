"""Saving a company's eligibility conditions and projects, each checked by the engine's own parser.

The engine's input and the evaluation live in ``inputs``, the rules in force in ``rulesets``, the facts the
platform computed in ``facts``; their names used by other pages are importable from here too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from portal.eligibility.inputs import (
    build_input,
    conditions_of,
    evaluate_company,
    profile_fields,
    project_payload,
    projects_of,
    today,
)
from portal.eligibility.rulesets import effective_rules, program_labels, shipped_programs
from portal.errors import PortalError
from portal.extensions import db
from portal.models import Company, CompanyEligibilityProfile, EligibilityProject, User
from scoring.eligibility import RuleSet, parse_input
from scoring.eligibility.fields import COMPANY, PROJECT
from scoring.eligibility.rules import Program

__all__ = [
    "ProjectDraft",
    "ValidationFailedError",
    "build_input",
    "conditions_of",
    "delete_project",
    "effective_rules",
    "evaluate_company",
    "get_project",
    "profile_fields",
    "program_labels",
    "project_payload",
    "project_programs",
    "projects_of",
    "save_conditions",
    "save_project",
    "shipped_programs",
    "today",
]

JSONDict = dict[str, Any]


class ValidationFailedError(PortalError):
    """Field errors in the eligibility contract's shape, [{"field": <form field name>, "message_zh",
    "message_en"}] (the engine's own messages, in both languages); the form puts each on its field."""

    def __init__(self, errors: list[JSONDict]) -> None:
        first = errors[0]
        super().__init__(422, (str(first["message_zh"]), str(first["message_en"])), first.get("field"))
        self.errors = errors


def _relative(errors: list[JSONDict], prefix: str) -> list[JSONDict]:
    out = []
    for e in errors:
        field = str(e.get("field") or "")
        out.append({**e, "field": field.removeprefix(prefix) if field.startswith(prefix) else field})
    return out


def save_conditions(company: Company, data: JSONDict, user: User | None) -> None:
    """Store the company's conditions after the engine's own validation; ValidationFailedError otherwise."""
    data = {k: v for k, v in data.items() if k in COMPANY and k != "city"}
    _profile, errors = parse_input(
        {"as_of": today().isoformat(), "company": {"city": company.city, **data}}, effective_rules()
    )
    if errors:
        raise ValidationFailedError(_relative(errors, "company."))
    row = db.session.get(CompanyEligibilityProfile, company.id)
    if row is None:
        row = CompanyEligibilityProfile(company_id=company.id)
        db.session.add(row)
    row.data = data
    row.updated_by_id = user.id if user is not None else None
    db.session.commit()


def project_programs(rules: RuleSet | None = None) -> list[Program]:
    """Programs that take projects (shipped and uploaded), by id."""
    return [p for p in (rules or effective_rules()).programs if p.level == "project"]


def get_project(company: Company, project_id: int) -> EligibilityProject | None:
    """The company's project, or None (also for another company's project id → 404)."""
    project = db.session.get(EligibilityProject, project_id)
    return project if project is not None and project.company_id == company.id else None


@dataclass(frozen=True)
class ProjectDraft:
    name: str
    program: str
    direction: str | None
    data: JSONDict


def validate_project(company: Company, draft: ProjectDraft, existing: EligibilityProject | None) -> None:
    errors: list[JSONDict] = []
    name = draft.name.strip()
    if not name:
        errors.append({"field": "name", "message_zh": "请填写项目名称", "message_en": "enter a project name"})
    elif len(name) > 80:
        errors.append(
            {"field": "name", "message_zh": "项目名称不超过 80 字", "message_en": "80 characters max"}
        )
    else:
        clash = db.session.scalar(
            sa.select(EligibilityProject.id).where(
                EligibilityProject.company_id == company.id, EligibilityProject.name == name
            )
        )
        if clash is not None and (existing is None or clash != existing.id):
            errors.append(
                {
                    "field": "name",
                    "message_zh": "已有同名项目，请换一个名称",
                    "message_en": "another project has this name",
                }
            )
    raw: JSONDict = {"id": name or "-", "program": draft.program, **draft.data}
    if draft.direction:
        raw["direction"] = draft.direction
    _profile, engine_errors = parse_input(
        {"as_of": today().isoformat(), "company": {"city": company.city}, "projects": [raw]},
        effective_rules(),
    )
    for e in _relative(engine_errors, "projects[0]."):
        if e["field"] == "direction":
            e = {**e, "message_zh": "请选择申报方向", "message_en": "choose a direction"}
        if e["field"] != "id":
            errors.append(e)
    if errors:
        raise ValidationFailedError(errors)


def save_project(
    company: Company, draft: ProjectDraft, user: User | None, existing: EligibilityProject | None = None
) -> EligibilityProject:
    """Create or update a project after validation (ValidationFailedError with field errors otherwise)."""
    data = {k: v for k, v in draft.data.items() if k in PROJECT}
    draft = ProjectDraft(draft.name.strip(), draft.program, draft.direction or None, data)
    validate_project(company, draft, existing)
    project = existing or EligibilityProject(company_id=company.id, program=draft.program)
    project.name = draft.name
    project.direction = draft.direction
    project.data = draft.data
    project.updated_by_id = user.id if user is not None else None
    if existing is None:
        db.session.add(project)
    db.session.commit()
    return project


def delete_project(company: Company, project_id: int) -> bool:
    project = get_project(company, project_id)
    if project is None:
        return False
    db.session.delete(project)
    db.session.commit()
    return True
