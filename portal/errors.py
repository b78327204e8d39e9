"""Error pages (HTML) and JSON errors for the API, in the user's language."""

from __future__ import annotations

from typing import Any

import sqlalchemy.exc
from flask import Flask, jsonify, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, SecurityError

MESSAGES = {
    400: ("请求无效。", "Bad request."),
    403: ("您的账号无权访问此页面。", "You are not allowed to access this page."),
    404: ("页面不存在，或您无权查看。", "This page does not exist or is not visible to you."),
    405: ("不支持此操作。", "This method is not allowed."),
    413: (
        "提交的内容过大（上传的文件不超过 10 MB）。",
        "The request is too large (uploaded files: up to 10 MB).",
    ),
    429: ("操作过于频繁，请稍后再试。", "Too many requests; please wait a little and try again."),
    500: (
        "服务器出错了，请稍后重试。我们已记录此问题。",
        "Something went wrong on our side; please retry later.",
    ),
}


def _json_wanted() -> bool:
    return request.path.startswith("/api/") or request.is_json


def _render(status: int, detail: str | None = None) -> Any:
    zh, en = MESSAGES.get(status, MESSAGES[500])
    if _json_wanted():
        return jsonify(errors=[{"field": None, "message_zh": detail or zh, "message_en": en}]), status
    return render_template(
        "errors/error.html", status=status, message=detail or (en if _english() else zh)
    ), status


def _english() -> bool:
    return str(get_locale() or "zh_CN").startswith("en")


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError) -> Any:
        message = _("页面已过期或来源不明（CSRF 校验失败），请刷新页面后重试；您已填写的内容不会丢失。")
        if _json_wanted():
            return jsonify(
                errors=[
                    {
                        "field": None,
                        "message_zh": "CSRF 校验失败，请刷新页面后重试",
                        "message_en": "CSRF check failed; reload the page and retry",
                    }
                ]
            ), 400
        return render_template("errors/error.html", status=400, message=message), 400

    @app.errorhandler(SecurityError)
    def untrusted_host(exc: SecurityError) -> Any:
        """The request named a host this site does not serve: no page of ours (and no link built from
        that host) answers it, only a plain refusal."""
        body = "400 请求的主机名不属于本站。 / This host name is not served here.\n"
        return app.response_class(body, status=400, mimetype="text/plain")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Any:
        code = exc.code or 500
        detail = exc.description if code == 403 and exc.description != type(exc).description else None
        return _render(code, detail)

    @app.errorhandler(sqlalchemy.exc.OperationalError)
    def database_unavailable(exc: Exception) -> Any:
        """The database is restarting or unreachable: 503 with Retry-After, so clients retry (autosave
        keeps unacknowledged answers and sends them again)."""
        from portal.extensions import db

        if app.testing and not app.config.get("HANDLE_ERRORS_IN_TESTS"):
            raise exc
        db.session.rollback()
        app.logger.warning("database unavailable: %s", type(exc).__name__)
        zh = "数据库暂时不可用，请稍后重试；您未保存的内容会自动重新提交。"
        en = "The database is briefly unavailable; retry shortly (unsaved answers are sent again)."
        if _json_wanted():
            response = jsonify(errors=[{"field": None, "message_zh": zh, "message_en": en}])
        else:
            response = app.make_response(render_template("errors/error.html", status=503, message=_(zh)))
        response.status_code = 503
        response.headers["Retry-After"] = "2"
        return response

    @app.errorhandler(Exception)
    def unhandled(exc: Exception) -> Any:
        if app.testing and not app.config.get("HANDLE_ERRORS_IN_TESTS"):
            raise exc  # tests see the real traceback
        app.logger.exception("unhandled error")
        from portal.extensions import db

        db.session.rollback()
        return _render(500)
