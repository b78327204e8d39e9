"""Deleting a company at its request (PIPL 个人信息保护法 第四十七条: deletion of personal information).

What goes: every account of the company (names, e-mail addresses, phone numbers, password hashes), the
company's contact person, pending invitations, evidence files and generated PDF reports (both may contain
personal information), free-text answers, and the link to the bureau (sharing consent withdrawn).
What stays, anonymised: the company record under a placeholder name and code, its submitted
assessments' choice answers and stored results. Those carry no personal information, and keeping them
keeps the bureaus' anonymised statistics (per-period aggregates) equal to a rebuild from the remaining
data — the counts of past periods do not change when a company leaves.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from portal import audit
from portal.evidence.models import EvidenceFile
from portal.extensions import db
from portal.instruments import instrument_of
from portal.models import Answer, AnswerChange, Assessment, Company, Invitation, User
from portal.reports.models import Report
from questionnaires.item_types import kind_of


@dataclass(frozen=True)
class DeletionSummary:
    accounts: int
    evidence_files: int
    reports: int
    text_answers: int


def anonymised_code(company_id: int) -> str:
    """An 18-character placeholder that can never be a valid credit code (it starts with 'DEL')."""
    return ("DEL" + hashlib.sha256(f"company:{company_id}".encode()).hexdigest().upper())[:18]


def _count(statement: Any) -> int:
    """Rows affected by a bulk DELETE/UPDATE."""
    result = db.session.execute(statement)
    return int(getattr(result, "rowcount", 0) or 0)


def delete_company(company: Company, actor: User | None) -> DeletionSummary:
    company_id = company.id
    assessment_ids = list(
        db.session.scalars(sa.select(Assessment.id).where(Assessment.company_id == company_id))
    )
    text_items: set[str] = set()
    for assessment in db.session.scalars(sa.select(Assessment).where(Assessment.company_id == company_id)):
        text_items |= {i.id for i in instrument_of(assessment).items if kind_of(i).free_text}

    accounts = _count(sa.delete(User).where(User.company_id == company_id))
    db.session.execute(sa.delete(Invitation).where(Invitation.company_id == company_id))
    files = _count(sa.delete(EvidenceFile).where(EvidenceFile.assessment_id.in_(assessment_ids)))
    reports = _count(sa.delete(Report).where(Report.assessment_id.in_(assessment_ids)))
    texts = 0
    if text_items and assessment_ids:
        texts = _count(
            sa.update(Answer)
            .where(Answer.assessment_id.in_(assessment_ids), Answer.item_id.in_(text_items))
            .values(value=None)
        )
        db.session.execute(
            sa.update(AnswerChange)
            .where(AnswerChange.assessment_id.in_(assessment_ids), AnswerChange.item_id.in_(text_items))
            .values(old_value=None, new_value=None)
        )
    company.name = f"已注销企业 #{company_id}"
    company.credit_code = anonymised_code(company_id)
    company.contact_name = None
    company.contact_phone = None
    company.bureau_sharing = False
    audit.record(actor, "delete_company", f"company:{company_id}", None, f"{accounts} accounts removed")
    db.session.commit()
    _refresh_bureau_views(company)
    return DeletionSummary(accounts, files, reports, texts)


def _refresh_bureau_views(company: Company) -> None:
    """The pipeline and company lists name companies that share with their bureau; this one no longer does."""
    from portal.bureau import aggregates

    aggregates.refresh_company(company)
    aggregates.refresh_eligibility(company)
    db.session.commit()
