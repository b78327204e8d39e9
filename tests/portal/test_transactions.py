"""Requests that only read end their transaction with COMMIT, which keeps psycopg's prepared statements;
anything that may have written keeps the ROLLBACK (portal/transactions.py)."""

from __future__ import annotations

import flask
import pytest
import sqlalchemy as sa
from flask import Flask
from tests_support import Factory

from portal import transactions
from portal.extensions import db
from portal.models import Company, User


def _read(user_id: int) -> None:
    db.session.execute(sa.select(User.name).where(User.id == user_id)).all()


def _prepared_on_this_connection() -> int:
    return int(db.session.execute(sa.text("SELECT count(*) FROM pg_prepared_statements")).scalar_one())


def test_a_request_that_only_read_is_committed(app: Flask, make: Factory) -> None:
    user = make.user()
    _read(user.id)
    transactions.end_read_only_transaction(None)
    assert not db.session().in_transaction()


@pytest.mark.parametrize("how", ["core", "orm_pending", "orm_flushed", "driver", "exception"])
def test_a_request_that_may_have_written_is_not_committed(app: Flask, make: Factory, how: str) -> None:
    user = make.user(name="原名")
    company_name = user.company.name
    _read(user.id)
    if how == "core":
        db.session.execute(sa.update(Company).where(Company.id == user.company_id).values(name="改名"))
    elif how == "orm_pending":
        user.name = "改名"
    elif how == "orm_flushed":
        user.name = "改名"
        db.session.flush()
    elif how == "driver":
        transactions.note_write()
    transactions.end_read_only_transaction(RuntimeError("the view failed") if how == "exception" else None)
    assert db.session().in_transaction()  # left to the session's removal, which rolls back
    db.session.rollback()
    assert db.session.get(User, user.id).name == "原名"
    assert db.session.get(Company, user.company_id).name == company_name


def test_read_only_requests_keep_prepared_statements(app: Flask, make: Factory) -> None:
    """psycopg prepares a statement after five runs on a connection and forgets them all at a ROLLBACK:
    ending read-only requests with COMMIT is what lets a statement ever be prepared."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("prepared statements are psycopg's (PostgreSQL)")
    user_id = make.user().id
    db.session.close()
    db.engine.dispose()  # one connection from here on, so that every statement below runs on it
    for _ in range(6):
        _read(user_id)
        db.session.rollback()
    assert _prepared_on_this_connection() == 0
    for _ in range(6):
        _read(user_id)
        transactions.end_read_only_transaction(None)
    assert _prepared_on_this_connection() >= 1


def test_a_connection_lost_mid_transaction_reports_the_real_error(app: Flask, make: Factory) -> None:
    """A database restart under a writing transaction: the caller sees the OperationalError (which the app
    answers with 503 and the report job records and retries), not a PendingRollbackError raised by the
    end-of-transaction hook asking the dead connection for its info."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("terminates a PostgreSQL backend")
    user = make.user(name="原名")
    user.name = "改名"
    db.session.flush()
    backend = db.session.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
    with db.engine.connect() as other:  # what a restart does to this connection
        other.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
        other.commit()
    with pytest.raises(sa.exc.OperationalError):
        db.session.execute(sa.text("SELECT 1"))
    db.session.rollback()
    assert db.session.execute(sa.text("SELECT 1")).scalar_one() == 1  # and the session is usable again


def _user_names() -> list[str]:
    return list(db.session.scalars(sa.select(User.name).order_by(User.id)))


@pytest.mark.parametrize("how", ["orm_flushed", "core", "driver", "commit", "rollback"])
def test_a_read_once_is_read_again_after_a_write_or_the_transactions_end(
    app: Flask, make: Factory, how: str
) -> None:
    """A page's parts share one read of a table (read_once) only while nothing is written: after a
    change in the same request, or once its transaction has ended, they read it afresh."""
    user = make.user(name="原名")
    reads = []

    def names() -> list[str]:
        reads.append(1)
        return _user_names()

    with app.test_request_context("/"):
        assert transactions.read_once(("names",), names) == ["原名"]
        assert transactions.read_once(("names",), names) == ["原名"] and len(reads) == 1  # shared
        if how == "orm_flushed":
            user.name = "新名"
            db.session.flush()
        elif how == "core":
            db.session.execute(sa.update(User).where(User.id == user.id).values(name="新名"))
        elif how == "driver":
            transactions.read_once(("names",), names)  # (nothing new to read yet)
            db.session.execute(sa.update(User).where(User.id == user.id).values(name="新名"))
            flask.g._dx_reads = {("names",): ["原名"]}  # as if read after the update …
            transactions.note_write()  # … which ran on the driver itself (the one-statement save)
        elif how == "commit":
            user.name = "新名"
            db.session.commit()
        else:
            db.session.rollback()
        expected = ["原名"] if how == "rollback" else ["新名"]
        assert transactions.read_once(("names",), names) == expected
        assert len(reads) == 2


def test_outside_a_request_every_read_once_reads(app: Flask, make: Factory) -> None:
    """A job, a command or a test keeps its session across other sessions' commits: nothing is shared."""
    make.user(name="原名")
    reads = []
    for _ in range(2):
        transactions.read_once(("names",), lambda: reads.append(1) or _user_names())
    assert len(reads) == 2
