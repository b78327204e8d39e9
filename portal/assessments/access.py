"""Who may open an assessment: the one object-level check used by the assessment pages, result pages and
the assessment API.

- Members of the assessment's company: always (read and write; role rules on each route still apply).
- Provider users: only while their organisation holds an active consent for that assessment
  (portal/providers/consent.py) — "share" gives read access, "assist" read and write. Every read by a
  provider is written to the company's audit trail; writes are attributed and audited by save_answers.
- Everyone else: None, and callers answer 404 (the assessment's existence is not revealed).
"""

from __future__ import annotations

from flask import has_request_context, request

from portal.extensions import db
from portal.models import Assessment, Role, User
from portal.providers import audit, consent


def assessment_for(
    user: User, assessment_id: int, *, write: bool = False, audit_as: str | None = None
) -> Assessment | None:
    assessment = db.session.get(Assessment, assessment_id)
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
