"""Account-security records: sign-in sessions, password-reset and email-verification tokens, API tokens
for integrators."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models._common import UTCDateTime, utcnow
from portal.models.links import UserLink
from portal.models.links import token_digest as token_digest  # where it used to live
from portal.models.user import User


class PasswordResetToken(UserLink, db.Model):  # type: ignore[name-defined]
    """A one-time, expiring link that sets a new password (portal/auth/security.py)."""

    __tablename__ = "password_reset_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)


class ApiToken(db.Model):  # type: ignore[name-defined]
    """A bearer token for integrators: acts as its owner, limited to the listed scopes, revocable."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    prefix: Mapped[str] = mapped_column(sa.String(12))  # shown in lists so owners can tell tokens apart
    scopes: Mapped[str] = mapped_column(sa.String(200))  # space-separated
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())


class SignInSession(db.Model):  # type: ignore[name-defined]
    """One signed-in browser. Its cookie (session and remember-me) carries a random token; only the digest
    is stored. Deleting the row ends that browser's sign-in, whatever cookies it still holds."""

    __tablename__ = "sign_in_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # refreshed at most every few minutes (no write on every request); idle sessions expire
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    user_agent: Mapped[str | None] = mapped_column(sa.String(200))
    address: Mapped[str | None] = mapped_column(sa.String(64))

    user: Mapped[User] = relationship()


class EmailVerificationToken(UserLink, db.Model):  # type: ignore[name-defined]
    """A one-time, expiring link that proves the owner of a self-registered account reads its mailbox."""

    __tablename__ = "email_verification_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)


class LoginAttempt(db.Model):  # type: ignore[name-defined]
    """Unused (the previous release's failed sign-ins per address); the table goes in the next migration,
    once no node of that release is left (docs/deploy.md: drops are released in two steps)."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(sa.String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
