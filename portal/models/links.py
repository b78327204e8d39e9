"""One-time links sent by e-mail: password reset, e-mail verification and invitations to a company.

They share one shape and one set of rules, kept here: the link carries a random secret of which only the
digest is stored (`token_hash`), it expires (`expires_at`), and it works once (each kind records the use
in its own column). The callers decide what a link that does not work tells its visitor.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Self

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from portal.extensions import db
from portal.models._common import UTCDateTime, utcnow

if TYPE_CHECKING:
    from portal.models.user import User


def token_digest(token: str) -> str:
    """Only digests of secrets are stored; the secret itself is shown once."""
    return hashlib.sha256(token.encode()).hexdigest()


class OneTimeLink:
    """Columns and lookup of an expiring link whose secret is stored as a digest."""

    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())

    hash_token = staticmethod(token_digest)

    if TYPE_CHECKING:

        def __init__(self, **fields: Any) -> None: ...

    @classmethod
    def issue(cls, valid_for: timedelta, **fields: Any) -> tuple[Self, str]:
        """A new link valid for `valid_for` (added to the session, not committed) and its secret."""
        secret = secrets.token_urlsafe(32)
        link = cls(token_hash=token_digest(secret), expires_at=utcnow() + valid_for, **fields)
        db.session.add(link)
        return link, secret

    @classmethod
    def find(cls, token: str) -> Self | None:
        """The link whose secret is `token`, used, expired or not; None for an unknown token."""
        return db.session.scalar(sa.select(cls).where(cls.token_hash == token_digest(token)))

    @property
    def expired(self) -> bool:
        return self.expires_at < utcnow()


class UserLink(OneTimeLink):
    """A one-time link for an existing account; opening one spends every other link of its kind too."""

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @declared_attr
    def user(cls) -> Mapped[User]:  # noqa: N805 — declared_attr is called with the mapped class
        return relationship("User")

    @classmethod
    def spend_all(cls, user_id: int, at: datetime) -> None:
        """Mark every unused link of this kind of the account used (not committed)."""
        db.session.execute(
            sa.update(cls).where(cls.user_id == user_id, cls.used_at.is_(None)).values(used_at=at)
        )
