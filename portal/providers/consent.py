"""Consent: a company lets a provider organisation see — or help fill in — one assessment, until a date.

Rules (every provider-side read or write goes through these functions):
- A consent names one company, one of its assessments, one provider organisation, a mode and a last day.
  "share" = read the assessment (overview, answers, result, report); "assist" = also change answers in
  the company's name, every change attributed to the provider (AnswerChange.acting_provider_org_id).
- It is active from the moment it is granted until the end of its last day (China time) or until the
  company revokes it, whichever comes first. Expired and revoked consents give no access at all.
- Only the company's administrator grants and revokes. Members of the company always see their own data.
- Any provider user of the organisation acts under the organisation's consent; each access is audited
  (portal/providers/audit.py) and shown to the company on its 共享与协作 page.

`can_view(user, assessment)` is the hook other features call (e.g. report downloads): True for members of
the assessment's company and for provider users whose organisation holds an active consent; False for
everyone else (bureau officers and administrators have their own rules, decided by their features).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal import audit as platform_audit
from portal.errors import PortalError
from portal.extensions import db
from portal.models import Assessment, AssessmentKey, Company, Consent, ConsentMode, ProviderOrg, Role, User
from portal.models._common import utcnow

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
MAX_DAYS = 366  # a consent lasts at most a year; the company can renew it


class ConsentError(PortalError):
    """A consent request that cannot be accepted; the message is shown on the form's end date."""


def local_today(now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(LOCAL_TZ).date()


def expiry_for(ends_on: date) -> datetime:
    """The instant a consent whose last day is `ends_on` stops: the next midnight, China time, in UTC."""
    return datetime.combine(ends_on + timedelta(days=1), time(0), tzinfo=LOCAL_TZ).astimezone(UTC)


def _active_filter(now: datetime) -> list[sa.ColumnElement[bool]]:
    return [Consent.revoked_at.is_(None), Consent.expires_at > now]


def active_consent(org_id: int | None, assessment_id: int, *, write: bool = False) -> Consent | None:
    """The organisation's active consent for the assessment (assist wins over share), or None."""
    if org_id is None:
        return None
    query = sa.select(Consent).where(
        Consent.provider_org_id == org_id, Consent.assessment_id == assessment_id, *_active_filter(utcnow())
    )
    if write:
        query = query.where(Consent.mode == ConsentMode.ASSIST)
    consents = list(db.session.scalars(query))
    consents.sort(key=lambda c: (c.mode is not ConsentMode.ASSIST, -c.expires_at.timestamp()))
    return consents[0] if consents else None


def is_member(user: User, assessment: AssessmentKey) -> bool:
    return user.role is Role.ENTERPRISE and user.company_id == assessment.company_id


def can_view(user: User, assessment: Assessment) -> bool:
    """May this user read the assessment, its result and its report? (See the module docstring.)"""
    if not getattr(user, "is_authenticated", False):
        return False
    if is_member(user, assessment):
        return True
    if user.role is Role.PROVIDER:
        return active_consent(user.provider_org_id, assessment.id) is not None
    return False


def can_edit(user: User, assessment: AssessmentKey) -> bool:
    """May this user change answers? Members always; provider users only under an active assist consent."""
    if not getattr(user, "is_authenticated", False):
        return False
    if is_member(user, assessment):
        return True
    if user.role is Role.PROVIDER:
        return active_consent(user.provider_org_id, assessment.id, write=True) is not None
    return False


def grant(  # noqa: PLR0913, PLR0917 — a consent's own fields
    company: Company,
    assessment: Assessment,
    org: ProviderOrg,
    mode: ConsentMode,
    ends_on: date,
    by: User,
    note: str | None = None,
) -> Consent:
    if assessment.company_id != company.id:
        raise ConsentError(403, _l("只能共享本企业的评估。"))
    today = local_today()
    if ends_on < today:
        raise ConsentError(400, _l("截止日期不能早于今天。"))
    if ends_on > today + timedelta(days=MAX_DAYS):
        raise ConsentError(
            400, _l("授权期限最长 %(days)s 天，请选择更早的截止日期（到期后可重新授权）。", days=MAX_DAYS)
        )
    consent = Consent(
        company_id=company.id,
        assessment_id=assessment.id,
        provider_org_id=org.id,
        mode=mode,
        ends_on=ends_on,
        expires_at=expiry_for(ends_on),
        granted_by_id=by.id,
        note=(note or "").strip() or None,
    )
    db.session.add(consent)
    db.session.flush()
    platform_audit.record(
        by,
        "grant_consent",
        f"consent:{consent.id}",
        company.id,
        f"{org.name} · {mode.value} · assessment {assessment.id} · until {ends_on.isoformat()}",
    )
    db.session.commit()
    return consent


def revoke(consent: Consent, by: User) -> None:
    if consent.revoked_at is None:
        consent.revoked_at = utcnow()
        consent.revoked_by_id = by.id
        platform_audit.record(by, "revoke_consent", f"consent:{consent.id}", consent.company_id)
        db.session.commit()


def company_consent(company: Company, consent_id: int) -> Consent | None:
    consent = db.session.get(Consent, consent_id)
    return consent if consent is not None and consent.company_id == company.id else None


def consents_of_company(company: Company) -> list[Consent]:
    return list(
        db.session.scalars(
            sa.select(Consent).where(Consent.company_id == company.id).order_by(Consent.granted_at.desc())
        )
    )


def active_consents_of_org(org_id: int) -> list[Consent]:
    return list(
        db.session.scalars(
            sa.select(Consent)
            .where(Consent.provider_org_id == org_id, *_active_filter(utcnow()))
            .order_by(Consent.granted_at.desc())
        )
    )
