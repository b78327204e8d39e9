"""Structured logs (LOG_FORMAT=json): one JSON object per line from the app, gunicorn and the report worker.

The formatter is python-json-logger's, with the fields every line carries: `ts` (China time, with
milliseconds and offset), `level`, `logger`, `message`, `node` (host name) and `pid`; request lines add
method, path, status, ms, user_id and request_id. gunicorn.conf.py hands the same formatter to gunicorn's
own loggers, and migrations/env.py leaves it in place for `flask db upgrade`.
"""

from __future__ import annotations

import logging
import socket
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, request
from pythonjsonlogger.json import JsonFormatter

from portal.metrics import request_seconds

CHINA = ZoneInfo("Asia/Shanghai")


class PortalJsonFormatter(JsonFormatter):
    """python-json-logger with the portal's field names, time format and node/pid fields."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("static_fields", {"node": socket.gethostname()})
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__(["levelname", "name", "message"], *args, **kwargs)

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        log_data["ts"] = datetime.fromtimestamp(record.created, CHINA).isoformat(timespec="milliseconds")
        super().add_fields(log_data, record, message_dict)
        log_data["pid"] = record.process


def json_handler() -> logging.Handler:
    handler = logging.StreamHandler()
    handler.setFormatter(PortalJsonFormatter())
    return handler


def configure(app: Flask) -> None:
    """LOG_FORMAT=json: JSON on the root logger (app, worker, alembic) and one access line per request."""
    root = logging.getLogger()
    root.handlers[:] = [json_handler()]
    root.setLevel(logging.INFO)
    access = logging.getLogger("portal.access")

    @app.after_request
    def _access_log(response: Any) -> Any:
        from flask_login import current_user

        # timed from the moment the request reached the app (portal.metrics): a request refused early
        # (unknown host, oversized body) has a real duration too
        access.info(
            "request",
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "ms": round(request_seconds() * 1000, 1),
                "user_id": getattr(current_user, "id", None),
                "request_id": request.headers.get("X-Request-Id"),
                "client": request.remote_addr,
            },
        )
        return response


def gunicorn_logconfig() -> dict[str, Any]:
    """gunicorn's `logconfig_dict` for LOG_FORMAT=json: its error log (master and worker lifecycle) in the
    same JSON. Its access log stays silent: the app writes the access line, with the user and request id."""
    formatter = {"()": f"{__name__}.PortalJsonFormatter"}
    handler = {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": formatter},
        "handlers": {"json": handler},
        "root": {"level": "INFO", "handlers": ["json"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["json"], "propagate": False},
            "gunicorn.access": {"level": "WARNING", "handlers": ["json"], "propagate": False},
        },
    }
