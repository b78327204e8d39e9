"""The company's team: company administrators change roles, hand the administrator role over and remove
members.

Two rules hold after every change:
- the company keeps at least one administrator (the last one can neither step down nor leave);
- a removed member loses access at once: the account is closed (`active` false) and every sign-in session
  of it is deleted, so the browser that is still open is refused on its next request (portal/auth/
  sessions.py loads the user per request) and API tokens stop working (they need an active user).

A removed account is kept, closed, for the company's history (who answered what, the audit log); its open
module assignments go, so nobody waits for a colleague who has left. A new invitation from the same
company reopens it (portal/auth/services.py). Every change is in the audit log.
"""

from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal import audit
from portal.auth import sessions
from portal.errors import PortalError
from portal.extensions import db
from portal.models import Assessment, AssessmentStatus, Company, ModuleAssignment, User


class TeamError(PortalError):
    """A team change the rules refuse (the page flashes it)."""


class Change(StrEnum):
    REMOVE = "remove"  # close the member's account for this company
    HANDOVER = "handover"  # the member becomes administrator, the acting administrator an ordinary member
    ADMIN = "admin"  # the member becomes an administrator too
    MEMBER = "member"  # an administrator becomes an ordinary member


NEEDS_AN_ADMIN = _l("企业至少要保留一位管理员：请先把管理员角色移交给其他成员。")


def find_member(company: Company, member_id: int) -> User:
    """An active member of this company (LookupError for anyone else: the page answers 404)."""
    member = db.session.get(User, member_id)
    if member is None or member.company_id != company.id or not member.active:
        raise LookupError(member_id)
    return member


def apply(company: Company, actor: User, member_id: int, change: Change) -> User:
    """Make the change, record it and commit; returns the member it concerned."""
    _lock(company)
    db.session.refresh(actor)  # another administrator may have changed the actor's role a moment ago
    if not (actor.active and actor.is_company_admin and actor.company_id == company.id):
        raise TeamError(403, _l("您已不是本企业的管理员。"))
    member = find_member(company, member_id)
    if change is Change.HANDOVER and member == actor:
        raise TeamError(400, _l("不能把管理员角色移交给自己。"))
    if change is Change.ADMIN and member.is_company_admin:
        raise TeamError(409, _l("%(name)s 已是管理员。", name=member.name))
    if change is Change.MEMBER and not member.is_company_admin:
        raise TeamError(409, _l("%(name)s 已是普通成员。", name=member.name))
    _CHANGES[change](company, actor, member)
    if not _has_admin(company):
        db.session.rollback()
        raise TeamError(409, NEEDS_AN_ADMIN)
    db.session.commit()
    return member


def _lock(company: Company) -> None:
    """Serialise team changes of one company (two administrators demoting each other at the same moment
    must not leave it without one). SQLite serialises writers anyway; PostgreSQL locks the company row."""
    db.session.execute(sa.select(Company.id).where(Company.id == company.id).with_for_update())


def _has_admin(company: Company) -> bool:
    db.session.flush()
    query = sa.select(sa.func.count(User.id)).where(
        User.company_id == company.id, User.active.is_(True), User.is_company_admin.is_(True)
    )
    return bool(db.session.scalar(query))


def _target(member: User) -> str:
    return f"user:{member.id} {member.email}"


def _remove(company: Company, actor: User, member: User) -> None:
    was_admin = member.is_company_admin
    member.active = False
    member.is_company_admin = False
    sessions.end_all_sessions(member)
    open_drafts = sa.select(Assessment.id).where(
        Assessment.company_id == company.id, Assessment.status == AssessmentStatus.DRAFT
    )
    db.session.execute(
        sa.delete(ModuleAssignment).where(
            ModuleAssignment.user_id == member.id, ModuleAssignment.assessment_id.in_(open_drafts)
        )
    )
    role = "administrator" if was_admin else "member"
    audit.record(actor, "remove_member", _target(member), company.id, f"{member.name} ({role})")


def _handover(company: Company, actor: User, member: User) -> None:
    member.is_company_admin = True
    actor.is_company_admin = False
    audit.record(actor, "hand_over_admin", _target(member), company.id, f"{actor.name} → {member.name}")


def _make_admin(company: Company, actor: User, member: User) -> None:
    member.is_company_admin = True
    audit.record(actor, "change_member_role", _target(member), company.id, "member → administrator")


def _make_member(company: Company, actor: User, member: User) -> None:
    member.is_company_admin = False
    audit.record(actor, "change_member_role", _target(member), company.id, "administrator → member")


_CHANGES = {
    Change.REMOVE: _remove,
    Change.HANDOVER: _handover,
    Change.ADMIN: _make_admin,
    Change.MEMBER: _make_member,
}
