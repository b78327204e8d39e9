"""Service-provider organisations (制造业数字化转型服务商)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models._common import UTCDateTime, utcnow

if TYPE_CHECKING:
    from portal.models.user import User


class ProviderOrg(db.Model):  # type: ignore[name-defined]
    __tablename__ = "provider_orgs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    credit_code: Mapped[str] = mapped_column(sa.String(18), unique=True)
    city: Mapped[str | None] = mapped_column(sa.String(20))  # seat (注册地)
    contact_phone: Mapped[str | None] = mapped_column(sa.String(30))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Profile (portal/providers): where it serves, what it offers, whom to contact.
    cities_served: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # regions.CITIES names
    service_types: Mapped[list[str]] = mapped_column(sa.JSON, default=list)  # providers.models.SERVICE_TYPES
    description: Mapped[str | None] = mapped_column(sa.Text)
    contact_name: Mapped[str | None] = mapped_column(sa.String(80))
    contact_email: Mapped[str | None] = mapped_column(sa.String(254))
    website: Mapped[str | None] = mapped_column(sa.String(200))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    members: Mapped[list[User]] = relationship(back_populates="provider_org")

    def serves(self, city: str | None) -> bool:
        return bool(city) and city in (self.cities_served or [])
