"""Accounts: sign-in, registration, password change, invitations. Views call these; they hold no HTTP."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from werkzeug.security import generate_password_hash

from portal.auth import sessions
from portal.companies.services import apply_size_classification
from portal.errors import PortalError
from portal.extensions import db
from portal.models import Company, EmailVerificationToken, Invitation, ProviderOrg, Role, User
from portal.models._common import utcnow


class AccountError(PortalError):
    """A registration, invitation or password change the account code refuses; the form views put it on
    `field` (or flash it)."""


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalize_email(email)))


def _email_taken() -> AccountError:
    return AccountError(409, _l("该邮箱已注册，请直接登录或使用其他邮箱。"), "email")


@dataclass(frozen=True)
class NewAccount:
    name: str
    email: str
    password: str
    phone: str | None = None


@dataclass(frozen=True)
class Registration:
    """What a registration did. The page answers the same either way ("we sent you a mail"), so it does not
    tell who has an account: `created` gets a verification mail, `existing` a note that someone tried."""

    created: User | None = None
    existing: User | None = None


def _abandoned(user: User) -> bool:
    """A self-registration whose address was not verified while any of its links was valid: it never
    signed in, and it must not hold its e-mail address or credit code for ever (a mistyped address)."""
    from portal.auth.security import VERIFY_TTL

    now = utcnow()
    if user.email_verified_at is not None or user.created_at > now - VERIFY_TTL:
        return False
    live_link = sa.select(EmailVerificationToken.id).where(
        EmailVerificationToken.user_id == user.id,
        EmailVerificationToken.used_at.is_(None),
        EmailVerificationToken.expires_at > now,
    )
    return db.session.scalar(live_link) is None


def _drop_abandoned(users: list[User]) -> bool:
    """Delete these users and the company / provider they registered, if every one was abandoned."""
    if not users or not all(_abandoned(user) for user in users):
        return False
    companies = {u.company_id for u in users if u.company_id is not None}
    orgs = {u.provider_org_id for u in users if u.provider_org_id is not None}
    db.session.execute(sa.delete(User).where(User.id.in_([u.id for u in users])))
    for company_id in companies:
        if not db.session.scalar(sa.select(User.id).where(User.company_id == company_id).limit(1)):
            db.session.execute(sa.delete(Company).where(Company.id == company_id))
    for org_id in orgs:
        if not db.session.scalar(sa.select(User.id).where(User.provider_org_id == org_id).limit(1)):
            db.session.execute(sa.delete(ProviderOrg).where(ProviderOrg.id == org_id))
    db.session.expire_all()
    return True


def _code_taken(holder: Company | ProviderOrg | None) -> bool:
    """Whether the credit code's holder keeps it (an abandoned registration gives it up)."""
    return holder is not None and not _drop_abandoned(list(holder.members))


def _already_registered(account: NewAccount) -> Registration | None:
    existing = find_user(account.email)
    if existing is not None and _drop_abandoned([existing]):
        existing = None
    if existing is None:
        return None
    generate_password_hash(account.password)  # the work a new account costs, so timing tells nothing
    return Registration(existing=existing)


def _commit_registration(account: NewAccount, duplicate: AccountError) -> None:
    """Commit a new account; a concurrent registration of the same address or code loses cleanly."""
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        if find_user(account.email) is None:
            raise duplicate from None
        raise _SameEmailError from None


class _SameEmailError(Exception):
    """Another request registered this address a moment ago."""


def register_company(  # noqa: PLR0913, PLR0917 — the registration form's fields, passed one by one
    account: NewAccount,
    company_name: str,
    credit_code: str,
    city: str,
    district: str | None,
    bureau_sharing: bool,
) -> Registration:
    """Create a company and its first member (its administrator), unverified until the mailed link is
    opened; an address that already has an account creates nothing."""
    duplicate = AccountError(
        409, _l("该统一社会信用代码已有企业注册。请联系贵司管理员发送邀请链接加入。"), "credit_code"
    )
    # the code first: its answer must not depend on whether the address has an account
    if _code_taken(db.session.scalar(sa.select(Company).where(Company.credit_code == credit_code))):
        raise duplicate
    existing = _already_registered(account)
    if existing is not None:
        return existing
    company = Company(
        name=company_name.strip(),
        credit_code=credit_code,
        city=city,
        district=district or None,
        bureau_sharing=bureau_sharing,
        bureau_sharing_changed_at=utcnow(),
    )
    apply_size_classification(company)
    user = new_user(account, Role.ENTERPRISE, verified=False)
    user.company = company
    user.is_company_admin = True
    db.session.add_all([company, user])
    try:
        _commit_registration(account, duplicate)
    except _SameEmailError:
        return Registration(existing=find_user(account.email))
    return Registration(created=user)


def register_provider(account: NewAccount, org_name: str, credit_code: str, city: str) -> Registration:
    duplicate = AccountError(409, _l("该服务商已注册，请联系贵机构已有账号的同事。"), "credit_code")
    if _code_taken(db.session.scalar(sa.select(ProviderOrg).where(ProviderOrg.credit_code == credit_code))):
        raise duplicate
    existing = _already_registered(account)
    if existing is not None:
        return existing
    org = ProviderOrg(name=org_name.strip(), credit_code=credit_code, city=city)
    user = new_user(account, Role.PROVIDER, verified=False)
    user.provider_org = org
    db.session.add_all([org, user])
    try:
        _commit_registration(account, duplicate)
    except _SameEmailError:
        return Registration(existing=find_user(account.email))
    return Registration(created=user)


def new_user(account: NewAccount, role: Role, verified: bool = True) -> User:
    """`verified=False` for self-registration; an invitation link was mailed to the address, so it is."""
    user = User(
        name=account.name.strip(),
        email=normalize_email(account.email),
        phone=(account.phone or "").strip() or None,
        role=role,
    )
    if not verified:
        # NULL itself: a plain None would let the column's default (verified now) apply
        user.email_verified_at = sa.null()
    user.set_password(account.password)
    return user


def change_password(user: User, current: str, new: str) -> None:
    if not user.check_password(current):
        raise AccountError(400, _l("当前密码不正确。"), "current")
    user.set_password(new)
    sessions.end_other_sessions(user)  # whoever knew the old password is signed out everywhere else
    db.session.commit()


def create_invitation(
    company: Company, email: str, invited_by: User, ttl_hours: int
) -> tuple[Invitation, str]:
    """A one-time link for a colleague; returns the invitation and the token (shown once, never stored)."""
    email = normalize_email(email)
    if not _invitable(find_user(email), company):
        raise AccountError(409, _l("该邮箱已有账号；一个账号只能属于一家企业。"), "email")
    invitation, token = Invitation.issue(
        timedelta(hours=ttl_hours), company=company, email=email, created_by_id=invited_by.id
    )
    db.session.commit()
    return invitation, token


def open_invitation(token: str) -> Invitation:
    """The pending invitation for a token, or AccountError saying why it cannot be used."""
    invitation = Invitation.find(token)
    if invitation is None or invitation.revoked_at is not None:
        raise AccountError(410, _l("邀请链接无效或已被撤销，请联系企业管理员重新邀请。"))
    if invitation.accepted_at is not None:
        raise AccountError(410, _l("该邀请链接已被使用。请直接登录。"))
    if invitation.expired:
        raise AccountError(410, _l("邀请链接已过期，请联系企业管理员重新邀请。"))
    return invitation


def _invitable(existing: User | None, company: Company) -> bool:
    """Nobody has the address yet, or it is a member this company removed (portal/companies/team.py):
    a new invitation reopens that account, so a removal made by mistake can be undone."""
    return existing is None or (not existing.active and existing.company_id == company.id)


def accept_invitation(token: str, name: str, password: str, phone: str | None = None) -> User:
    invitation = open_invitation(token)
    account = NewAccount(name=name, email=invitation.email, password=password, phone=phone)
    existing = find_user(invitation.email)
    if not _invitable(existing, invitation.company):  # registered meanwhile, or joined another company
        raise _email_taken()
    if existing is None:
        user = new_user(account, Role.ENTERPRISE)
        user.company_id = invitation.company_id
        db.session.add(user)
    else:
        user = _reopen(existing, account)
    invitation.accepted_at = utcnow()
    db.session.commit()
    return user


def _reopen(user: User, account: NewAccount) -> User:
    """A removed member's account back, as an ordinary member with the name and password just given."""
    user.name = account.name.strip()
    user.phone = (account.phone or "").strip() or None
    user.set_password(account.password)
    user.active, user.is_company_admin = True, False
    user.email_verified_at = user.email_verified_at or utcnow()
    return user


def revoke_invitation(company: Company, invitation_id: int) -> None:
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.company_id != company.id:
        raise LookupError(invitation_id)
    invitation.revoked_at = utcnow()
    db.session.commit()
