"""Requests that only read end their database transaction with COMMIT, not ROLLBACK.

psycopg prepares a statement on the server once it has run five times on a connection
(`prepare_threshold`), after which PostgreSQL no longer parses and plans it on every run. But psycopg
forgets every prepared statement at each ROLLBACK (psycopg/_preparing.py: objects may have been dropped
and created again in the rolled-back transaction), and Flask-SQLAlchemy ends every request with one. So
nothing was ever prepared: every request parsed and planned its queries again, the module page's read
alone ~0.18 ms of PostgreSQL's CPU each time (EXPLAIN's planning time; 0.6-0.7 ms of PostgreSQL CPU per
page view under load against 0.2 ms for a trivial signed-in request).

For a transaction that wrote nothing, COMMIT and ROLLBACK end it the same way. What counts as a write
is judged conservatively: any statement other than a SELECT construct (ORM flushes, INSERT, UPDATE,
DELETE, SQL text), pending ORM changes, and a request that ended in an exception all keep the ROLLBACK.

The same watch on writes lets a request share a read among its parts until it writes (`read_once`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import Flask, g, has_app_context, has_request_context

from portal.extensions import db

_WROTE = "dx_wrote"  # in the DBAPI connection's info while its transaction has run a non-SELECT statement
_READS = "_dx_reads"  # in the request's `g`: what read_once() read since the last write
T = TypeVar("T")


def _note_writes(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:  # noqa: PLR0913, PLR0917 — SQLAlchemy's before_cursor_execute signature
    compiled = getattr(context, "compiled", None)
    if compiled is None or not getattr(compiled.statement, "is_select", False):
        conn.info[_WROTE] = True
        _forget_reads()


def note_write() -> None:
    """For statements run through the driver directly (no SQLAlchemy events): the current transaction
    may have written."""
    db.session.connection().info[_WROTE] = True
    _forget_reads()


def read_once(key: Hashable, read: Callable[[], T]) -> T:
    """`read()`, run once per request for `key` while the request writes nothing: a page whose parts each
    need the same small table (the rule versions in force, the solution catalogue) reads it once. Any
    write, COMMIT or ROLLBACK forgets what was read, so a request that changes one of these tables reads it
    afresh after the change. Outside a request (a job, a command, a test's own session, which may live
    across other sessions' commits) every call reads."""
    if not has_request_context():
        return read()
    reads: dict[Hashable, Any] = g.setdefault(_READS, {})
    if key not in reads:
        reads[key] = read()
    value: T = reads[key]
    return value


def _forget_reads() -> None:
    if has_app_context():
        g.pop(_READS, None)


def _transaction_ended(conn: Any) -> None:
    if conn.invalidated:
        # The connection died under this transaction (a database restart): the mark goes with it. Asking
        # an invalidated connection for its info raises PendingRollbackError, which replaced the real
        # error (OperationalError: AdminShutdown) and left the session unusable.
        return
    conn.info.pop(_WROTE, None)
    _forget_reads()


def end_read_only_transaction(exc: BaseException | None) -> None:
    """Teardown: COMMIT the request's transaction if it only read (Flask-SQLAlchemy then closes the session
    without a ROLLBACK to send)."""
    session = db.session()  # the request's Session (the scoped proxy has no in_transaction)
    if exc is not None or not session.in_transaction() or session.new or session.dirty or session.deleted:
        return
    try:
        # (asking for the connection may open one: after a failed request that one may fail too)
        if session.connection().info.get(_WROTE):
            return
        session.commit()
    except sa.exc.SQLAlchemyError:
        session.rollback()  # the database went away: nothing was written, nothing to keep


def register(app: Flask) -> None:
    """After db.init_app(app): teardown functions run in reverse order, so this one runs before
    Flask-SQLAlchemy removes the session."""
    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "after_cursor_execute", _note_writes)
    sa.event.listen(engine, "commit", _transaction_ended)
    sa.event.listen(engine, "rollback", _transaction_ended)
    app.teardown_appcontext(end_read_only_transaction)
