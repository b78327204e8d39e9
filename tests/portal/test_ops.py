"""Operations endpoints and structured logs."""

from __future__ import annotations

import gc
import json
import logging
import os
import re
import runpy
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from tests_support import Factory

from portal import create_app
from portal.extensions import db
from portal.logs import PortalJsonFormatter

ROOT = Path(__file__).resolve().parents[2]


def test_readiness_reports_the_database_without_naming_migrations(client: FlaskClient) -> None:
    response = client.get("/readyz")
    body = response.get_json()
    assert response.status_code == 200 and body["status"] == "ready"
    assert body["checks"]["database"]["ok"]
    assert not re.search(r"[0-9a-f]{12}", response.get_data(as_text=True))  # no revision id in public


def _set_revision(revision: str) -> None:
    db.session.execute(sa.text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
    db.session.commit()


def test_readiness_fails_while_the_database_is_a_migration_behind(app: Flask, client: FlaskClient) -> None:
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory(app.extensions["migrate"].directory)
    (head,) = scripts.get_heads()
    previous = scripts.get_revision(head).down_revision
    _set_revision(previous)
    try:
        behind = client.get("/readyz")
        _set_revision("f00dfeed0001")  # a newer release's revision: this node keeps serving (expand first)
        newer = client.get("/readyz")
    finally:
        _set_revision(head)
    assert behind.status_code == 503
    assert "behind this release's migrations" in behind.get_json()["checks"]["database"]["reason"]
    assert previous not in behind.get_data(as_text=True)
    assert newer.status_code == 200
    assert client.get("/readyz").status_code == 200


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
    entry = json.loads(PortalJsonFormatter().format(record))
    assert entry == {**entry, "level": "INFO", "method": "GET", "path": "/healthz", "status": 200, "ms": 1.5}
    assert entry["logger"] == "portal.access" and entry["pid"] == os.getpid() and entry["node"]
    # China time with milliseconds and the offset: 2026-12-06T20:41:07.123+08:00
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00", entry["ts"])


def test_a_request_refused_early_logs_its_real_duration(tmp_path: Path, capfd: Any) -> None:
    app = create_app(
        env={
            "PORTAL_ENV": "production",
            "SECRET_KEY": "s" * 40,
            "DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
            "PUBLIC_URL": "https://dx.example.cn",
            "MAIL_SERVER": "smtp.example.cn",
            "LOG_FORMAT": "json",
        }
    )
    try:
        refused = app.test_client().get("/healthz", headers={"Host": "attacker.example"})
    finally:
        logging.getLogger().handlers.clear()
    assert refused.status_code == 400
    lines = [json.loads(line) for line in capfd.readouterr().err.splitlines() if line.startswith("{")]
    (access,) = [line for line in lines if line.get("logger") == "portal.access"]
    assert access["status"] == 400 and access["ms"] > 0


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
    """The worker hook hides the loaded app from the cyclic collector (see portal/gunicorn_conf.py)."""
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert settings["workers"] >= 2 and settings["timeout"] == 30
    gc.unfreeze()
    try:
        settings["post_worker_init"](None)
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()


def test_a_bad_configuration_stops_gunicorn_with_the_variable_named(tmp_path: Path) -> None:
    """Production without SECRET_KEY: the master exits at once, non-zero, naming the variable, instead of
    restarting workers that cannot boot on an open port (issue 24: 82 restarts in 12 s)."""
    env = {
        **os.environ,
        "PORTAL_ENV": "production",
        "DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
        "PUBLIC_URL": "https://dx.example.cn",
        "MAIL_SERVER": "smtp.example.cn",
        "LOG_FORMAT": "json",
        "PYTHONPATH": str(ROOT),  # this checkout's package, wherever the venv's editable install points
    }
    env.pop("SECRET_KEY", None)
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    started = time.monotonic()
    node = subprocess.run(
        [gunicorn, "-c", "python:portal.gunicorn_conf", "-b", "127.0.0.1:0", "portal:create_app()"],
        env=env,
        cwd=tmp_path,  # the settings come from the package, not from a file in the working directory
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert node.returncode != 0 and time.monotonic() - started < 15
    assert "Configuration error — SECRET_KEY: required in production" in node.stderr
    assert "Booting worker" not in node.stderr


TOKEN = "m" * 40


def test_metrics_need_the_token_and_count_requests_and_reports(
    app: Flask, client: FlaskClient, make: Factory
) -> None:
    assert client.get("/metrics").status_code == 404  # no METRICS_TOKEN configured: not there at all
    app.config["METRICS_TOKEN"] = TOKEN
    try:
        assert client.get("/metrics").status_code == 404
        assert client.get("/metrics", headers={"Authorization": "Bearer " + "x" * 40}).status_code == 404
        client.get("/healthz")
        text = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).get_data(as_text=True)
    finally:
        app.config.pop("METRICS_TOKEN")
    healthz = re.search(
        r'dx_http_request_duration_seconds_count\{endpoint="home.healthz",method="GET",status="200"\} (\S+)',
        text,
    )
    assert healthz and float(healthz.group(1)) >= 1
    assert 'dx_reports{status="queued"} 0.0' in text
    assert "dx_reports_queued_oldest_seconds 0.0" in text


def test_metrics_token_is_validated(tmp_path: Path) -> None:
    from portal.config import ConfigError, load_config

    with pytest.raises(ConfigError, match="METRICS_TOKEN"):
        load_config(str(tmp_path), {"METRICS_TOKEN": "short"})
