"""The company side: providers to choose from, and changes providers made in assist mode."""

from __future__ import annotations

import sqlalchemy as sa

from portal.extensions import db
from portal.models import (
    AnswerChange,
    Assessment,
    Company,
    ProviderOrg,
    User,
)


def all_orgs() -> list[ProviderOrg]:
    return list(db.session.scalars(sa.select(ProviderOrg).order_by(ProviderOrg.name)))


def assist_changes(company: Company, limit: int = 200) -> list[tuple[AnswerChange, str, str]]:
    """Answer changes made by providers for the company: (change, user name, organisation name)."""
    rows = db.session.execute(
        sa.select(AnswerChange, User.name, ProviderOrg.name)
        .join(Assessment, Assessment.id == AnswerChange.assessment_id)
        .join(ProviderOrg, ProviderOrg.id == AnswerChange.acting_provider_org_id)
        .outerjoin(User, User.id == AnswerChange.user_id)
        .where(Assessment.company_id == company.id)
        .order_by(AnswerChange.changed_at.desc(), AnswerChange.id.desc())
        .limit(limit)
    )
    return [(change, user_name or "—", org_name) for change, user_name, org_name in rows]
