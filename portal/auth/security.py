"""Sign-in throttling, temporary lockout, password reset tokens and integrators' API tokens.

All state lives in the database, so the rules hold across several app nodes.
- An account is locked for LOCK_MINUTES after LOCK_THRESHOLD wrong passwords in a row.
- A client address is refused (HTTP 429) after ADDRESS_LIMIT failed sign-ins within ADDRESS_WINDOW,
  which stops password spraying across many accounts.
- Reset tokens expire after RESET_TTL and work once; API tokens are scoped, can expire, and are revocable.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from portal.extensions import db
from portal.models import ApiToken, LoginAttempt, PasswordResetToken, User
from portal.models._common import utcnow
from portal.models.security import token_digest

LOCK_THRESHOLD = 5
LOCK_MINUTES = 15
ADDRESS_LIMIT = 30
ADDRESS_WINDOW = timedelta(minutes=10)
RESET_TTL = timedelta(hours=1)

# Scopes an integrator can grant a token; each API endpoint names the scope it needs (portal/api/tokens.py).
SCOPES = {
    "eligibility": ("政策条件预检（POST /api/v1/eligibility）", "Eligibility check"),
    "assessments:read": ("读取本企业评估答案和结果", "Read own assessments and results"),
    "bureau:read": ("读取辖区统计（主管部门）", "Read jurisdiction statistics (bureaus)"),
}


class SignInError(Exception):
    def __init__(self, message_zh: str, message_en: str, status: int = 200) -> None:
        super().__init__(message_en)
        self.message_zh, self.message_en, self.status = message_zh, message_en, status


def address_blocked(address: str) -> bool:
    since = utcnow() - ADDRESS_WINDOW
    count = db.session.scalar(
        sa.select(sa.func.count(LoginAttempt.id)).where(
            LoginAttempt.address == address, LoginAttempt.at >= since
        )
    )
    return (count or 0) >= ADDRESS_LIMIT


def _locked_message(until: datetime) -> SignInError:
    minutes = max(1, int((until - utcnow()).total_seconds() // 60) + 1)
    return SignInError(
        f"密码错误次数过多，账号已临时锁定，请 {minutes} 分钟后再试，或通过“忘记密码”重置。",
        f"Too many wrong passwords: the account is locked for {minutes} more minutes, or reset the password.",
    )


def check_password(user: User | None, password: str, address: str) -> User | None:
    """The user when the password is right; records failures, locks accounts, throttles addresses."""
    if address_blocked(address):
        raise SignInError(
            "该网络地址登录失败次数过多，请稍后再试。",
            "Too many failed sign-ins from this address; retry later.",
            429,
        )
    now = utcnow()
    if user is not None and user.locked_until is not None and user.locked_until > now:
        raise _locked_message(user.locked_until)
    if user is not None and user.active and user.check_password(password):
        user.failed_logins = 0
        user.locked_until = None
        user.last_login_at = now
        db.session.commit()
        return user
    db.session.add(LoginAttempt(address=address[:64], at=now))
    if user is not None:
        user.failed_logins = (user.failed_logins or 0) + 1
        if user.failed_logins >= LOCK_THRESHOLD:
            user.locked_until = now + timedelta(minutes=LOCK_MINUTES)
            user.failed_logins = 0
            db.session.commit()
            raise _locked_message(user.locked_until)
    db.session.commit()
    return None


# --- password reset -------------------------------------------------------------------------------


def request_reset(user: User | None) -> str | None:
    """A one-time reset token for the user (None when there is no such active user; callers answer the
    same either way, so the page does not reveal which addresses have accounts)."""
    if user is None or not user.active:
        return None
    token = secrets.token_urlsafe(32)
    db.session.add(
        PasswordResetToken(user_id=user.id, token_hash=token_digest(token), expires_at=utcnow() + RESET_TTL)
    )
    db.session.commit()
    return token


def open_reset(token: str) -> PasswordResetToken:
    row = db.session.scalar(
        sa.select(PasswordResetToken).where(PasswordResetToken.token_hash == token_digest(token))
    )
    if row is None:
        raise SignInError("重置链接无效。", "This reset link is not valid.")
    if row.used_at is not None:
        raise SignInError("重置链接已使用过，请重新申请。", "This reset link was already used.")
    if row.expires_at < utcnow():
        raise SignInError("重置链接已过期，请重新申请。", "This reset link has expired.")
    return row


def reset_password(token: str, new_password: str) -> User:
    row = open_reset(token)
    user = row.user
    user.set_password(new_password)
    user.failed_logins, user.locked_until = 0, None
    row.used_at = utcnow()
    # any other outstanding reset links of this user stop working too
    db.session.execute(
        sa.update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=row.used_at)
    )
    db.session.commit()
    return user


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
