"""Operations endpoints and structured logs."""

from __future__ import annotations

import gc
import json
import logging
import runpy
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal import create_app
from portal.ops import JsonFormatter


def test_readiness_reports_database_and_migration(client: FlaskClient) -> None:
    response = client.get("/readyz")
    body = response.get_json()
    assert response.status_code == 200 and body["status"] == "ready"
    assert body["checks"]["database"]["ok"] and body["checks"]["database"]["migration"]


def test_readiness_fails_when_redis_is_unreachable(app: Flask, client: FlaskClient) -> None:
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    try:
        response = client.get("/readyz")
    finally:
        app.config.pop("REDIS_URL")
    assert response.status_code == 503 and response.get_json()["checks"]["redis"]["ok"] is False


def test_json_log_lines(tmp_path: Path) -> None:
    record = logging.LogRecord("portal.access", logging.INFO, __file__, 1, "request", None, None)
    record.method, record.path, record.status, record.ms = "GET", "/healthz", 200, 1.5
    entry = json.loads(JsonFormatter().format(record))
    assert entry == {**entry, "level": "INFO", "method": "GET", "path": "/healthz", "status": 200, "ms": 1.5}


def test_log_format_is_validated(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="LOG_FORMAT"):
        create_app(
            env={"PORTAL_ENV": "testing", "DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "LOG_FORMAT": "xml"}
        )


def test_database_outage_answers_503_with_retry_after(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlalchemy.exc

    from portal import ops

    def down() -> Any:
        raise sqlalchemy.exc.OperationalError("SELECT 1", {}, Exception("server closed the connection"))

    app.config["HANDLE_ERRORS_IN_TESTS"] = True
    monkeypatch.setattr(ops, "readiness", down)
    try:
        response = client.get("/readyz", headers={"Accept": "application/json"})
    finally:
        app.config.pop("HANDLE_ERRORS_IN_TESTS")
    assert response.status_code == 503 and response.headers["Retry-After"] == "2"
    # a client that asks for JSON gets the JSON error body, like every API client
    assert "数据库暂时不可用" in response.get_json()["errors"][0]["message"]


def test_gunicorn_workers_freeze_what_the_app_loaded() -> None:
    """The worker hook hides the loaded app from the cyclic collector (see gunicorn.conf.py)."""
    settings = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
    assert settings["workers"] >= 2 and settings["timeout"] == 30
    gc.unfreeze()
    try:
        settings["post_worker_init"](None)
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
