"""Shared fixtures: the app on SQLite (default) or PostgreSQL (TEST_DATABASE_URL), clients, factories.

The schema is built by the real migrations (`flask db upgrade`), so every run also checks them.
After each test every table is emptied, which keeps tests independent and lets browser tests use a
live server thread on the same database.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import sqlalchemy as sa
from fixture_types import LoginAs
from flask import Flask
from flask.testing import FlaskClient
from tests_support import Factory, empty_all_tables, login
from werkzeug.test import TestResponse

from portal import create_app
from portal.assessments import saving
from portal.extensions import db as _db
from portal.extensions import limiter
from portal.models import User
from portal.reports import local_pool

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment


class IsolatedClient(FlaskClient):
    """Each request gets its own app context (fresh `g` and session), as in production.

    Without this, requests would reuse the test's app context, and Flask-Login's cached user in `g`
    would leak from one request to the next.
    """

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        with self.application.app_context():
            return super().open(*args, **kwargs)


def _database_url(tmp_dir: Path) -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_dir / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def _app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    tmp = tmp_path_factory.mktemp("app")
    env = {"PORTAL_ENV": "testing", "DATABASE_URL": _database_url(tmp)}
    app = create_app(overrides={"WTF_CSRF_ENABLED": False, "SERVER_NAME": None}, env=env)
    app.instance_path = str(tmp / "instance")
    app.test_client_class = IsolatedClient
    with app.app_context():
        _reset_schema()
        from flask_migrate import upgrade

        upgrade()
    yield app
    with app.app_context():
        _db.engine.dispose()


def _reset_schema() -> None:
    """Start from an empty database (a reused PostgreSQL database may hold an older schema)."""
    engine = _db.engine
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    else:
        _db.drop_all()
        with engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture
def app(_app: Flask) -> Iterator[Flask]:
    with _app.app_context():
        try:
            yield _app
        finally:
            # report jobs still running in the app's thread pool (no Redis) end before their rows go
            assert local_pool.wait_all(timeout=120), "a report job did not end within 2 minutes"
            empty_all_tables()
            saving.forget_this_worker()  # ids come back once tables are emptied
            limiter.reset()  # throttle counts belong to one test


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def csrf_on(app: Flask) -> Iterator[None]:
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        yield
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture
def make(app: Flask) -> Factory:
    return Factory()


@pytest.fixture
def login_as(app: Flask) -> LoginAs:
    """Sign a user in on a fresh client (one browser per user), through the real login form."""

    def _login(user: User) -> FlaskClient:
        client = app.test_client()
        login(client, user)
        return client

    return _login


def _buffered(app: Flask) -> WSGIApplication:
    """Read each response body whole and close it before werkzeug touches the socket.

    When the browser drops a connection (it navigates on before forms.js has arrived),
    werkzeug's dev server raises while draining the socket and skips closing the body,
    so send_file's open file is left to the garbage collector: a ResourceWarning that
    our warnings-as-errors setting turns into a failure of whichever test is running.
    Production serves through gunicorn, which closes the body in a `finally`.
    """

    def wsgi(environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return wsgi


@pytest.fixture(scope="session")
def live_server(_app: Flask) -> Iterator[str]:
    """The app served on a free loopback port in a thread, for browser tests."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, _buffered(_app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
