"""Accounts and roles."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from portal.extensions import db
from portal.models._common import UTCDateTime, utcnow

if TYPE_CHECKING:
    from portal.models.company import Company
    from portal.models.provider import ProviderOrg


class Role(StrEnum):
    ENTERPRISE = "enterprise"  # member of one company; the first is its administrator
    PROVIDER = "provider"  # member of a service-provider organisation
    BUREAU = "bureau"  # officer of an industry bureau with a jurisdiction
    ADMIN = "admin"  # platform administrator


class JurisdictionLevel(StrEnum):
    PROVINCE = "province"
    CITY = "city"
    DISTRICT = "district"


class User(UserMixin, db.Model):  # type: ignore[name-defined]
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    phone: Mapped[str | None] = mapped_column(sa.String(30))
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    role: Mapped[Role] = mapped_column(sa.Enum(Role, native_enum=False, length=20))
    locale: Mapped[str | None] = mapped_column(sa.String(10))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Unused since sign-in throttling moved to the rate limiter (portal/auth/throttle.py). Kept one release
    # so nodes of the previous release, which still read them, keep working during a rolling deploy
    # (docs/deploy.md: drops are released in two steps); drop them in the next migration.
    failed_logins: Mapped[int] = mapped_column(default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the owner proved they read this mailbox. Self-registered accounts start unverified (None) and
    # cannot sign in until the mailed link is opened; accounts made any other way (invitation links sent
    # to the address, administrators, demo data) are verified when created, hence the default.
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=utcnow)

    company_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    is_company_admin: Mapped[bool] = mapped_column(default=False)
    provider_org_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("provider_orgs.id", ondelete="CASCADE"), index=True
    )
    jurisdiction_level: Mapped[JurisdictionLevel | None] = mapped_column(
        sa.Enum(JurisdictionLevel, native_enum=False, length=10)
    )
    jurisdiction_city: Mapped[str | None] = mapped_column(sa.String(20))
    jurisdiction_district: Mapped[str | None] = mapped_column(sa.String(40))

    company: Mapped[Company | None] = relationship(back_populates="members")
    provider_org: Mapped[ProviderOrg | None] = relationship(back_populates="members")

    __table_args__ = (
        # Each role carries exactly the affiliation it needs; the database refuses anything else.
        sa.CheckConstraint(
            "(role <> 'enterprise') OR (company_id IS NOT NULL)", name="enterprise_has_company"
        ),
        sa.CheckConstraint("(role <> 'provider') OR (provider_org_id IS NOT NULL)", name="provider_has_org"),
        sa.CheckConstraint(
            "(role <> 'bureau') OR (jurisdiction_level IS NOT NULL)", name="bureau_has_jurisdiction"
        ),
    )

    @property
    def session_token(self) -> str | None:
        """The sign-in session this object was loaded for (portal/auth/sessions.py); not a column."""
        return self.__dict__.get("_session_token")

    @session_token.setter
    def session_token(self, token: str | None) -> None:
        self.__dict__["_session_token"] = token

    @property
    def is_active(self) -> bool:  # Flask-Login: deactivated accounts cannot sign in
        return self.active

    def get_id(self) -> str:
        """Flask-Login's "alternative id": the random token of this sign-in session, never the user id, so
        a session or remember-me cookie dies when its session row is deleted (sign-out, password change)."""
        if not self.session_token:
            raise RuntimeError("no sign-in session: use portal.auth.sessions.sign_in()")
        return self.session_token

    # Flask-Login's UserMixin compares users by get_id(); keep comparing accounts by id, as before.
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, User):
            return NotImplemented
        return self is other or (self.id is not None and self.id == other.id)

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = UserMixin.__hash__  # identity, as UserMixin has it (the identity map makes one object per row)

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    @property
    def jurisdiction_label(self) -> str:
        """'广东省', '揭阳市' or '揭阳市 榕城区' for bureau officers."""
        if self.jurisdiction_level is JurisdictionLevel.PROVINCE:
            return "广东省"
        if self.jurisdiction_level is JurisdictionLevel.CITY:
            return self.jurisdiction_city or ""
        if self.jurisdiction_level is JurisdictionLevel.DISTRICT:
            return f"{self.jurisdiction_city} {self.jurisdiction_district}"
        return ""

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"
