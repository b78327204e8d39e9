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
    # Temporary lockout after repeated wrong passwords (portal/auth/security.py).
    failed_logins: Mapped[int] = mapped_column(default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())

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
    def is_active(self) -> bool:  # Flask-Login: deactivated accounts cannot sign in
        return self.active

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
