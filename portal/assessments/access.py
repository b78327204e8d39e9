"""Who may open an assessment: the one object-level check used by the assessment pages, result pages and
the assessment API.

- Members of the assessment's company: always (read and write; role rules on each route still apply).
- Provider users: only while their organisation holds an active consent for that assessment
  (portal/providers/consent.py) — "share" gives read access, "assist" read and write. Every read by a
  provider is written to the company's audit trail; writes are attributed and audited by save_answers.
- Everyone else: None, and callers answer 404 (the assessment's existence is not revealed).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import has_request_context, request
from sqlalchemy.orm import joinedload, with_expression

from portal.evidence.models import EvidenceFile
from portal.extensions import db
from portal.models import Answer, Assessment, ResumePoint, Role, User
from portal.providers import audit, consent


def assessment_for(
    user: User,
    assessment_id: int,
    *,
    write: bool = False,
    lock: bool = False,
    answers: bool = False,
    audit_as: str | None = None,
) -> Assessment | None:
    """`write`: a provider needs assist-mode consent. `lock`: also lock the assessment row (PostgreSQL) for
    the rest of the transaction; savers of answers take this lock first, so concurrent saves of one
    assessment queue here instead of racing (the version checks in save_answers stay as the safety net).
    `answers`: load the answers (and who last changed them) in the same query, for pages that need them
    all (one database round trip instead of three). Not with `lock`: rows joined to a row that had to
    wait for its lock come from the snapshot taken before the wait, so a saver reads the answers after
    it holds the lock, in a statement of its own."""
    options: list[Any] = [joinedload(Assessment.company, innerjoin=True)]  # every caller needs the company
    if answers and not lock:
        options += [
            joinedload(Assessment.answers).joinedload(Answer.updated_by),
            with_expression(Assessment.viewer_module, _viewer_module(user)),
            with_expression(Assessment.evidence_count, _EVIDENCE_COUNT),
        ]
    assessment = db.session.get(
        Assessment, assessment_id, options=options, with_for_update={"of": Assessment} if lock else None
    )
    if assessment is None or not getattr(user, "is_authenticated", False):
        return None
    if consent.is_member(user, assessment):
        return assessment
    if user.role is not Role.PROVIDER:
        return None
    if consent.active_consent(user.provider_org_id, assessment.id, write=write) is None:
        return None
    action = audit_as
    if action is None and has_request_context() and request.method == "GET":
        action = audit.ENDPOINT_ACTIONS.get(request.endpoint or "")
    if action is not None:
        audit.record(user, assessment, action)
    return assessment


def _viewer_module(user: User) -> Any:
    """The module this user last opened in the assessment (the user id is a literal: later reloads of the
    assessment reuse these options, and they cannot pass parameters)."""
    return (
        sa.select(ResumePoint.module_id)
        .where(ResumePoint.assessment_id == Assessment.id, ResumePoint.user_id == getattr(user, "id", None))
        .scalar_subquery()
    )


_EVIDENCE_COUNT = (
    sa.select(sa.func.count(EvidenceFile.id))
    .where(EvidenceFile.assessment_id == Assessment.id)
    .scalar_subquery()
)
