"""Sign-in sessions: each signed-in browser has a row, and its cookies carry only that row's random token.

Flask-Login keeps `user.get_id()` in the session cookie and in the remember-me cookie; our get_id() is
the token of the sign-in session (Flask-Login's "alternative id"), so
- signing out deletes that row: the browser's cookies, or copies of them, open nothing any more;
- a password change deletes every other session of the account, a password reset all of them;
- "sign out all other devices" deletes all but the current one.

Per request the loader does one indexed lookup (token digest → session and user, in one statement). It
writes only to refresh `last_seen_at`, at most every SEEN_EVERY, on a connection of its own, so the
request's transaction stays read-only (portal/transactions.py ends those with COMMIT).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, has_request_context, request
from flask_login import current_user, login_user, logout_user

from portal.extensions import db
from portal.models import SignInSession, User
from portal.models._common import utcnow
from portal.models.links import token_digest

SEEN_EVERY = timedelta(minutes=5)
# A session unused this long is over (and the remember-me cookie lives as long, see portal/config.py).
IDLE_LIMIT = timedelta(days=30)


def _client_summary() -> tuple[str | None, str | None]:
    if not has_request_context():
        return None, None
    agent = request.user_agent.string or None
    return (agent[:200] if agent else None), (request.remote_addr or None)


def open_session(user: User) -> str:
    """A new sign-in session for the user; returns its token (kept only in the browser's cookies)."""
    token = secrets.token_urlsafe(32)
    agent, address = _client_summary()
    now = utcnow()
    db.session.add(
        SignInSession(
            user_id=user.id,
            token_hash=token_digest(token),
            created_at=now,
            last_seen_at=now,
            user_agent=agent,
            address=address[:64] if address else None,
        )
    )
    db.session.commit()
    user.session_token = token
    return token


def sign_in(user: User, remember: bool = False) -> None:
    """Flask-Login's login_user with a fresh session token (a new token at every sign-in)."""
    open_session(user)
    login_user(user, remember=remember)


def load(token: str) -> User | None:
    """Flask-Login's user loader: the active user of a live sign-in session, else None."""
    # the user and two columns of the session in one statement (no session object to build)
    row = db.session.execute(
        sa.select(User, SignInSession.id, SignInSession.last_seen_at)
        .join(SignInSession, SignInSession.user_id == User.id)
        .where(SignInSession.token_hash == token_digest(token))
    ).first()
    if row is None:
        return None
    user, session_id, last_seen = row
    now = utcnow()
    if now - last_seen > IDLE_LIMIT or not user.active:
        return None
    if now - last_seen > SEEN_EVERY:
        _touch(session_id, now)
    user.session_token = token
    return user


def _touch(session_id: int, now: object) -> None:
    """Refresh last_seen_at in a transaction of its own (the request's may be read-only or roll back)."""
    try:
        with db.engine.begin() as conn:
            conn.execute(
                sa.update(SignInSession).where(SignInSession.id == session_id).values(last_seen_at=now)
            )
    except sa.exc.SQLAlchemyError:  # a missed refresh only shortens the idle limit
        current_app.logger.warning("could not refresh sign-in session %s", session_id)


def current_session_hash() -> str | None:
    token = getattr(current_user, "session_token", None) if current_user.is_authenticated else None
    return token_digest(token) if token else None


def sign_out() -> None:
    """End this browser's session: its row goes, so its cookies (and copies of them) stop working."""
    digest = current_session_hash()
    if digest is not None:
        db.session.execute(sa.delete(SignInSession).where(SignInSession.token_hash == digest))
        db.session.commit()
    logout_user()


def end_other_sessions(user: User) -> int:
    """Delete every session of the user but the current one; returns how many ended. Caller commits."""
    query = sa.delete(SignInSession).where(SignInSession.user_id == user.id)
    digest = current_session_hash()
    if digest is not None and current_user.id == user.id:
        query = query.where(SignInSession.token_hash != digest)
    result = db.session.execute(query)
    return int(getattr(result, "rowcount", 0) or 0)


def end_all_sessions(user: User) -> None:
    """Delete every session of the user (password reset: whoever had the old password is out). Caller
    commits."""
    db.session.execute(sa.delete(SignInSession).where(SignInSession.user_id == user.id))


def end_every_session() -> int:
    """Sign every browser of every account out (a leaked SECRET_KEY or database copy: docs/deploy.md);
    returns how many ended. Caller commits."""
    result = db.session.execute(sa.delete(SignInSession))
    return int(getattr(result, "rowcount", 0) or 0)


def active_sessions(user: User) -> list[SignInSession]:
    since = utcnow() - IDLE_LIMIT
    return list(
        db.session.scalars(
            sa.select(SignInSession)
            .where(SignInSession.user_id == user.id, SignInSession.last_seen_at >= since)
            .order_by(SignInSession.last_seen_at.desc())
        )
    )
