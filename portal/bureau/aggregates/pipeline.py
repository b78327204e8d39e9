"""The program pipeline table (bureau_program_status): each company's eligible / needs-info programs."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from portal.bureau.models import (
    BureauProgramStatus,
)
from portal.extensions import db
from portal.models import Assessment, AssessmentStatus, Company

log = logging.getLogger(__name__)


def eligibility_evaluator() -> Any:
    """portal.eligibility.services.evaluate_company if that feature is installed, else None.

    HOOK: without it the pipeline table shows whatever is stored in bureau_program_status.
    """
    try:
        from portal.eligibility.services import evaluate_company
    except ImportError:
        return None
    return evaluate_company


def pipeline_rows(company_id: int, report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per program with status eligible / needs_info (best across projects), awards summed, and the
    rule version the program was evaluated with (``report["rule_versions"]``; None = the shipped file)."""
    rank = {"eligible": 2, "needs_info": 1}
    versions = report.get("rule_versions") or {}
    by_program: dict[str, dict[str, Any]] = {}
    for result in report.get("results", []):
        status = result.get("status")
        if status not in rank:
            continue
        row = by_program.setdefault(
            result["program"],
            {
                "company_id": company_id,
                "program": result["program"],
                "name_zh": result.get("name_zh", result["program"]),
                "name_en": result.get("name_en", ""),
                "status": status,
                "estimated_award_wan": None,
                "gaps": [],
                "synthetic": False,
                "rule_version_id": versions.get(result["program"]),
            },
        )
        if rank[status] > rank[row["status"]]:
            row["status"] = status
        award = result.get("estimated_award_wan")
        if status == "eligible" and award is not None:
            row["estimated_award_wan"] = (row["estimated_award_wan"] or Decimal(0)) + Decimal(str(award))
        _add_gaps(row["gaps"], result)
    for row in by_program.values():
        if row["status"] != "eligible":
            row["estimated_award_wan"] = None
    return list(by_program.values())


def _add_gaps(gaps: list[dict[str, Any]], result: Mapping[str, Any]) -> None:
    """A project's shortfalls, then the fields it lacks (each missing field listed once per program)."""
    for gap in result.get("gaps", []):
        gaps.append({"field": gap["field"], "shortfall": gap["shortfall"], "clause": gap["clause"]})
    for reason in result.get("reasons", []):
        for missing in reason.get("missing_fields", []):
            entry = {"field": missing, "missing": True}
            if entry not in gaps:
                gaps.append(entry)


def refresh_eligibility(company: Company) -> bool:
    """Evaluate the company's programs now and store its pipeline rows; False if no evaluator exists."""
    evaluate = eligibility_evaluator()
    if evaluate is None:
        return False
    try:
        report = evaluate(company)
    except (ValueError, KeyError) as error:
        log.warning("bureau pipeline: company %s not evaluated: %s", company.id, error)
        return False
    db.session.execute(sa.delete(BureauProgramStatus).where(BureauProgramStatus.company_id == company.id))
    rows = pipeline_rows(company.id, report)
    if rows:
        db.session.execute(sa.insert(BureauProgramStatus), rows)
    return True


def refresh_all_eligibility(batch_size: int = 200) -> Iterator[int]:
    """Re-evaluate every company with a submitted assessment (the nightly job); yields progress."""
    ids = list(
        db.session.scalars(
            sa.select(Assessment.company_id)
            .where(Assessment.status == AssessmentStatus.SUBMITTED)
            .distinct()
            .order_by(Assessment.company_id)
        )
    )
    for start in range(0, len(ids), batch_size):
        for company in db.session.scalars(
            sa.select(Company).where(Company.id.in_(ids[start : start + batch_size]))
        ):
            refresh_eligibility(company)
        db.session.commit()
        yield min(start + batch_size, len(ids))
