"""Password checks, password reset tokens, e-mail verification tokens and integrators' API tokens.

- A password check costs one hash computation whether or not the account exists (or is active): an
  unknown address is checked against a dummy hash made with the same method and cost, so timing does not
  tell which addresses have accounts. Throttling is in portal/auth/throttle.py.
- Reset and verification tokens expire, work once, and are stored as digests; a reset ends every
  sign-in session of the account (portal/auth/sessions.py).
- API tokens are scoped, can expire, and are revocable.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import TypeVar

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from portal.auth import sessions
from portal.errors import Message, PortalError
from portal.extensions import db
from portal.models import ApiToken, EmailVerificationToken, PasswordResetToken, User
from portal.models._common import utcnow
from portal.models.links import UserLink, token_digest

L = TypeVar("L", bound=UserLink)

RESET_TTL = timedelta(hours=1)
VERIFY_TTL = timedelta(hours=24)

# Scopes an integrator can grant a token; each API endpoint names the scope it needs (portal/api/tokens.py).
SCOPES = {
    "eligibility": ("政策条件预检（POST /api/v1/eligibility）", "Eligibility check"),
    "assessments:read": ("读取本企业评估答案和结果", "Read own assessments and results"),
    "bureau:read": ("读取辖区统计（主管部门）", "Read jurisdiction statistics (bureaus)"),
}


class SignInError(PortalError):
    """A reset or verification link that cannot be used (its page says why, with 410 Gone)."""


@cache
def _dummy_hash() -> str:
    """A hash of a random password, made like every user's (User.set_password): same method, same cost."""
    return generate_password_hash(secrets.token_urlsafe(16))


def password_matches(user: User | None, password: str) -> bool:
    """Exactly one hash computation for a real, a deactivated or an unknown account."""
    matches = check_password_hash(user.password_hash if user is not None else _dummy_hash(), password)
    return matches and user is not None and user.active


def check_password(user: User | None, password: str) -> User | None:
    """The user when the password is right and the account active, else None."""
    if not password_matches(user, password):
        return None
    assert user is not None
    user.last_login_at = utcnow()
    db.session.commit()
    return user


# --- password reset -------------------------------------------------------------------------------


def request_reset(user: User | None) -> str | None:
    """A one-time reset token for the user (None when there is no such active user; callers answer the
    same either way, so the page does not reveal which addresses have accounts)."""
    if user is None or not user.active:
        return None
    _, token = PasswordResetToken.issue(RESET_TTL, user_id=user.id)
    db.session.commit()
    return token


def _open_link(model: type[L], token: str, invalid: Message, used: Message, expired: Message) -> L:
    """The one-time link's row (reset or verification), or SignInError 410 saying why it does not work."""
    row = model.find(token)
    if row is None:
        raise SignInError(410, invalid)
    if row.used_at is not None:
        raise SignInError(410, used)
    if row.expired:
        raise SignInError(410, expired)
    return row


def open_reset(token: str) -> PasswordResetToken:
    return _open_link(
        PasswordResetToken,
        token,
        _l("重置链接无效。"),
        _l("重置链接已使用过，请重新申请。"),
        _l("重置链接已过期，请重新申请。"),
    )


def reset_password(token: str, new_password: str) -> User:
    row = open_reset(token)
    user = row.user
    user.set_password(new_password)
    row.used_at = utcnow()
    # the link reached the mailbox: the address is proven, and whoever knew the old password is signed out
    user.email_verified_at = user.email_verified_at or row.used_at
    sessions.end_all_sessions(user)
    # any other outstanding reset links of this user stop working too
    PasswordResetToken.spend_all(user.id, row.used_at)
    db.session.commit()
    return user


# --- e-mail verification -------------------------------------------------------------------------


def request_verification(user: User) -> str:
    """A one-time verification token for a self-registered account (the digest is stored)."""
    _, token = EmailVerificationToken.issue(VERIFY_TTL, user_id=user.id)
    db.session.commit()
    return token


def verify_email(token: str) -> User:
    """Mark the token's account verified; the token (and any other of the account) stops working."""
    row = _open_link(
        EmailVerificationToken,
        token,
        _l("验证链接无效。"),
        _l("验证链接已使用过。邮箱已验证，请直接登录。"),
        _l("验证链接已过期，请在登录页重新发送验证邮件。"),
    )
    now = utcnow()
    row.user.email_verified_at = row.user.email_verified_at or now
    EmailVerificationToken.spend_all(row.user_id, now)
    db.session.commit()
    return row.user


# --- API tokens -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once


def create_api_token(user: User, name: str, scopes: set[str], days: int | None) -> NewToken:
    unknown = scopes - SCOPES.keys()
    if unknown or not scopes:
        raise ValueError(f"unknown or no scopes: {sorted(unknown)}")
    secret = "dxa_" + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name.strip()[:80] or "API",
        token_hash=token_digest(secret),
        prefix=secret[:12],
        scopes=" ".join(sorted(scopes)),
        expires_at=utcnow() + timedelta(days=days) if days else None,
    )
    db.session.add(token)
    db.session.commit()
    return NewToken(token, secret)


def user_tokens(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id))
    )


def revoke_api_token(user: User, token_id: int) -> None:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise LookupError(token_id)
    token.revoked_at = token.revoked_at or utcnow()
    db.session.commit()


def token_from_header(header: str | None) -> ApiToken | None:
    """The live token named by an `Authorization: Bearer …` header, or None."""
    if not header or not header.startswith("Bearer "):
        return None
    token = db.session.scalar(
        sa.select(ApiToken).where(ApiToken.token_hash == token_digest(header[7:].strip()))
    )
    now = utcnow()
    if token is None or token.revoked_at is not None or (token.expires_at and token.expires_at < now):
        return None
    if not token.user.active:
        return None
    token.last_used_at = now
    db.session.commit()
    return token
