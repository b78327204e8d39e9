"""In-app notifications: what happened that concerns one person (today: a module was assigned to them)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models._common import UTCDateTime, utcnow
from portal.models.assessment import Assessment
from portal.models.user import User


class NotificationKind(StrEnum):
    ASSIGNED = "assigned"  # a company administrator assigned a questionnaire module to the recipient


class Notification(db.Model):  # type: ignore[name-defined]
    """One notice for one person. The text is written when the page is shown (in the reader's language),
    from the kind and the objects it points at; the row only records what happened and whether it was read."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[NotificationKind] = mapped_column(sa.Enum(NotificationKind, native_enum=False, length=20))
    assessment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("assessments.id", ondelete="CASCADE"))
    module_id: Mapped[str | None] = mapped_column(sa.String(60))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    assessment: Mapped[Assessment | None] = relationship()
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])

    # The top bar counts a person's unread notices on every page: one index answers it.
    __table_args__ = (sa.Index("ix_notifications_user_read", "user_id", "read_at"),)
