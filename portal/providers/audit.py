"""Audit trail of access to a company's data by people outside the company.

Every read of an assessment by a provider user (overview, module answers, review, result, API answers and
result) and every change made in assist mode is recorded here: who, which organisation, what, when. The
company sees the trail on its 共享与协作 page. Members of the company itself are not recorded (they own
the data). Other features record their own events with `record(...)`, e.g. report downloads:
`audit.record(user, assessment, "download_report")`.
"""

from __future__ import annotations

import sqlalchemy as sa

from portal.extensions import db
from portal.i18n import pick
from portal.models import AssessmentKey, AuditEvent, Company, User
from portal.models._common import utcnow

# action -> (zh, en)
ACTIONS: dict[str, tuple[str, str]] = {
    "view_overview": ("查看评估概览", "viewed the assessment overview"),
    "view_module": ("查看模块答案", "viewed a module's answers"),
    "view_review": ("查看检查页", "viewed the review page"),
    "view_result": ("查看评估结果", "viewed the result"),
    "api_answers": ("通过接口读取答案", "read answers through the API"),
    "api_result": ("通过接口读取结果", "read the result through the API"),
    "edit_answers": ("代为修改答案", "changed answers on the company's behalf"),
    "download_report": ("下载评估报告", "downloaded the report"),
    "recommend": ("推荐解决方案", "recommended a solution"),
}

# Endpoint of a read -> audit action (portal/assessments/access.py records through this table).
ENDPOINT_ACTIONS: dict[str, str] = {
    "assessments.overview": "view_overview",
    "assessments.module": "view_module",
    "assessments.review": "view_review",
    "results.view": "view_result",
    "api.get_answers": "api_answers",
    "api.get_result": "api_result",
}


def is_outsider(user: User, company_id: int) -> bool:
    return user.company_id != company_id


def record(
    user: User, assessment: AssessmentKey, action: str, detail: str | None = None
) -> AuditEvent | None:
    """Record an access by someone outside the assessment's company (no-op for the company's members)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if not is_outsider(user, assessment.company_id):
        return None
    org = user.provider_org
    event = AuditEvent(
        company_id=assessment.company_id,
        assessment_id=assessment.id,
        user_id=user.id,
        user_name=user.name,
        provider_org_id=org.id if org is not None else None,
        org_name=org.name if org is not None else None,
        action=action,
        detail=(detail or None) and detail[:300],
        at=utcnow(),
    )
    db.session.add(event)
    db.session.commit()
    return event


def for_company(company: Company, limit: int = 200) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.company_id == company.id)
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(limit)
        )
    )


def label(action: str) -> str:
    """The action's name in the current language."""
    return pick(*ACTIONS.get(action, (action, action)))
