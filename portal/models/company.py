"""Companies (enterprise profiles) and invitations of colleagues."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models._common import UTCDateTime, utcnow
from portal.models.links import OneTimeLink

if TYPE_CHECKING:
    from portal.models.user import User

MONEY = sa.Numeric(16, 2)  # 万元 with two decimals (= 100 yuan)


class Company(db.Model):  # type: ignore[name-defined]
    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    credit_code: Mapped[str] = mapped_column(sa.String(18), unique=True)
    city: Mapped[str] = mapped_column(sa.String(20), index=True)
    district: Mapped[str | None] = mapped_column(sa.String(40), index=True)
    industry_section: Mapped[str | None] = mapped_column(sa.String(1))  # GB/T 4754-2017 门类
    industry_division: Mapped[str | None] = mapped_column(sa.String(2))  # GB/T 4754-2017 大类
    cluster: Mapped[str | None] = mapped_column(sa.String(3), index=True)  # c01..c20 战略性产业集群
    founded_year: Mapped[int | None]
    employees: Mapped[int | None]
    revenue_wan: Mapped[Decimal | None] = mapped_column(MONEY)  # 营业收入（上年度）
    total_assets_wan: Mapped[Decimal | None] = mapped_column(MONEY)  # 资产总额（上年末）
    # Derived by scoring.reference.sme_size from the fields above; stored for counting and filtering.
    size_class: Mapped[str | None] = mapped_column(sa.String(10), index=True)
    size_clause: Mapped[str | None] = mapped_column(sa.Text)
    contact_name: Mapped[str | None] = mapped_column(sa.String(80))
    contact_phone: Mapped[str | None] = mapped_column(sa.String(30))
    # Consent to show identifying details to the competent bureau (asked at registration, revocable).
    bureau_sharing: Mapped[bool] = mapped_column(default=False)
    bureau_sharing_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    # A bureau's company list pages through its jurisdiction by name: the province, a city, a district.
    __table_args__ = (
        sa.Index("ix_companies_name", "name", "id"),
        sa.Index("ix_companies_city_name", "city", "name", "id"),
        sa.Index("ix_companies_city_district_name", "city", "district", "name", "id"),
    )

    members: Mapped[list[User]] = relationship(back_populates="company", order_by="User.id")
    invitations: Mapped[list[Invitation]] = relationship(
        back_populates="company", cascade="all, delete-orphan", order_by="Invitation.id"
    )

    def __repr__(self) -> str:
        return f"<Company {self.id} {self.name}>"


class Invitation(OneTimeLink, db.Model):  # type: ignore[name-defined]
    """A one-time link a company administrator sends to a colleague (accepted once, or revoked)."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    company: Mapped[Company] = relationship(back_populates="invitations")
