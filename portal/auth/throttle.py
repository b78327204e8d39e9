"""Throttling of sign-in attempts and of the forms that send mail, on Flask-Limiter's storage.

Sign-in (views call `before_password_check`, then `note_failure` when the password was wrong):
- Each attempt is counted BEFORE the password is checked, with the storage's atomic "hit" (a Lua script
  on Redis, a lock in memory): however many requests arrive at once, no more than the budget get a
  password check. Over budget the answer is HTTP 429 with Retry-After, never a lockout.
- Budgets: one account from one client address (a few a minute); one account from all browsers that
  never signed in to it (slower, across addresses); failed attempts from one address over all accounts
  (password spraying).
- A browser that signed in to the account before carries a signed "device" cookie and gets a budget of
  its own instead of the shared across-addresses one: someone guessing from elsewhere can exhaust the
  shared budget, but cannot keep the owner out (OWASP "device cookies").

Forms that send mail (registration, password reset, verification resend) are limited per client address
and per entered address with Flask-Limiter decorators (`mail_limits`).

When REDIS_URL is set every node counts in Redis; should Redis fail, sign-in falls back to counting in
this process rather than refusing everyone.
"""

from __future__ import annotations

import hashlib
import math
import secrets
import time
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter, RateLimiter

from portal.errors import PortalError
from portal.extensions import limiter

F = TypeVar("F", bound=Callable[..., Any])

DEVICE_COOKIE = "dx_device"
DEVICE_COOKIE_AGE = 365 * 24 * 3600
_fallback = MovingWindowRateLimiter(MemoryStorage())


class ThrottledError(PortalError):
    """Too many sign-in attempts: 429, with the seconds to wait for the Retry-After header."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            429,
            _l(
                "尝试次数过多，请 %(seconds)s 秒后再试。忘记密码可通过“忘记密码”重置。",
                seconds=retry_after,
            ),
        )
        self.retry_after = retry_after  # seconds, for the Retry-After header


def _key(value: str) -> str:
    """Storage keys carry digests, not e-mail addresses."""
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _strategy() -> RateLimiter:
    return limiter.limiter


def _limit(setting: str) -> RateLimitItem:
    return parse(current_app.config[setting])


def _retry_after(strategy: RateLimiter, item: RateLimitItem, keys: tuple[str, ...]) -> int:
    reset = strategy.get_window_stats(item, *keys).reset_time
    return max(1, math.ceil(reset - time.time()))


def _budgets(email: str, address: str, device: str | None) -> list[tuple[RateLimitItem, tuple[str, ...]]]:
    account = _key(email)
    if device is not None:
        return [(_limit("LOGIN_LIMIT_DEVICE"), ("login-device", account, device))]
    return [
        (_limit("LOGIN_LIMIT_ACCOUNT_ADDRESS"), ("login-account-address", account, address)),
        (_limit("LOGIN_LIMIT_ACCOUNT"), ("login-account", account)),
    ]


def _run(action: Callable[[RateLimiter], None]) -> None:
    try:
        action(_strategy())
    except ThrottledError:
        raise
    except Exception:  # the shared storage is unreachable: count in this process meanwhile
        current_app.logger.warning("throttle storage unavailable; counting in this process", exc_info=True)
        action(_fallback)


def before_password_check(email: str, address: str, device: str | None) -> None:
    """Count this sign-in attempt; ThrottledError when a budget is spent (no password check then)."""
    if not limiter.enabled:
        return

    def count(strategy: RateLimiter) -> None:
        failures = (_limit("LOGIN_LIMIT_ADDRESS_FAILURES"), ("login-address-failures", _key(address)))
        if not strategy.test(failures[0], *failures[1]):
            raise ThrottledError(_retry_after(strategy, *failures))
        for item, keys in _budgets(email, address, device):
            if not strategy.hit(item, *keys):
                raise ThrottledError(_retry_after(strategy, item, keys))

    _run(count)


def note_failure(address: str) -> None:
    """A wrong password from this address (the spraying budget counts failures only, so an office behind
    one address can sign in all its staff)."""
    if not limiter.enabled:
        return

    def count(strategy: RateLimiter) -> None:
        strategy.hit(_limit("LOGIN_LIMIT_ADDRESS_FAILURES"), "login-address-failures", _key(address))

    _run(count)


# --- device cookies -------------------------------------------------------------------------------


def _devices() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="dx-sign-in-device")


def device_of(user_id: int) -> str | None:
    """The id of this browser's device cookie if it was issued for this account, else None."""
    cookie = request.cookies.get(DEVICE_COOKIE)
    if not cookie:
        return None
    try:
        data = _devices().loads(cookie)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("u") != user_id or not isinstance(data.get("d"), str):
        return None
    return str(data["d"])


def remember_device(response: Any, user_id: int) -> None:
    """After a successful sign-in: mark this browser as one the account uses."""
    device = device_of(user_id) or secrets.token_urlsafe(16)
    response.set_cookie(
        DEVICE_COOKIE,
        _devices().dumps({"u": user_id, "d": device}),
        max_age=DEVICE_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )


# --- forms that send mail -------------------------------------------------------------------------


def _posted_email() -> str:
    return "email:" + _key((request.form.get("email") or "").strip().lower())


def mail_limits(view: F) -> F:
    """Limit a mail-sending form's POSTs per client address and per entered e-mail address."""
    per_address = limiter.limit(lambda: current_app.config["MAIL_LIMIT_ADDRESS"], methods=["POST"])
    per_email = limiter.limit(
        lambda: current_app.config["MAIL_LIMIT_EMAIL"], key_func=_posted_email, methods=["POST"]
    )
    return cast(F, per_address(per_email(view)))
