"""Platform administration: bureau officer accounts, overview counts."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal import audit
from portal.auth.services import AccountError, NewAccount, find_user, new_user
from portal.extensions import db
from portal.models import Company, JurisdictionLevel, ProviderOrg, Role, User


def create_bureau_officer(
    account: NewAccount, level: str, city: str | None, district: str | None, created_by: User | None = None
) -> User:
    if find_user(account.email) is not None:
        raise AccountError(409, _l("该邮箱已注册。"), "email")
    jurisdiction = JurisdictionLevel(level)
    user = new_user(account, Role.BUREAU)
    user.jurisdiction_level = jurisdiction
    user.jurisdiction_city = city if jurisdiction is not JurisdictionLevel.PROVINCE else None
    user.jurisdiction_district = district if jurisdiction is JurisdictionLevel.DISTRICT else None
    db.session.add(user)
    db.session.flush()
    audit.record(created_by, "create_account", f"user:{user.id}", detail=f"bureau {user.jurisdiction_label}")
    db.session.commit()
    return user


def create_platform_admin(account: NewAccount) -> User:
    """A platform administrator (the first one is made with `flask users create-admin`); verified, since
    whoever runs the command on the server vouches for the address."""
    if find_user(account.email) is not None:
        raise AccountError(409, _l("该邮箱已注册。"), "email")
    user = new_user(account, Role.ADMIN)
    db.session.add(user)
    db.session.flush()
    audit.record(None, "create_account", f"user:{user.id}", detail="platform administrator (command line)")
    db.session.commit()
    return user


def overview() -> dict[str, int]:
    def count(model: type) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0

    return {"companies": count(Company), "providers": count(ProviderOrg), "users": count(User)}


def all_users() -> list[User]:
    return list(db.session.scalars(sa.select(User).order_by(User.role, User.id)))
