"""The portal's one error type and its one response, for pages and for JSON.

Every refusal a user can see is a :class:`PortalError` (an HTTP status, a message, optionally the form
field it concerns). Views raise it; the app's error handler answers it, like every HTTP error, through
:func:`error_response`:

- JSON (``/api/…``, a JSON body or a client that asks for JSON): ``{"errors": [{"field", "message",
  "message_zh", "message_en"}]}``. ``message`` is in the request's language and is what clients show;
  ``message_zh``/``message_en`` stay for API clients written before it.
- HTML: the error page with the message in the user's language. Views with a form catch the error
  themselves, flash :meth:`PortalError.text` and re-render the form, so nothing typed is lost.

A message is a gettext msgid (``_l("…")``, so it lives in the catalog and is rendered in either language)
or, for text that is data rather than interface (messages of the questionnaire and eligibility
libraries, which carry both languages), a ``(zh, en)`` pair.
"""

from __future__ import annotations

import contextlib
from typing import Any, TypeAlias

import sqlalchemy.exc
from flask import Flask, Response, current_app, jsonify, render_template, request
from flask_babel import LazyString, force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, SecurityError

# A msgid (lazy or plain: a plain str is looked up in the catalog when rendered) or a (zh, en) pair.
Message: TypeAlias = "LazyString | str | tuple[str, str]"

ZH, EN = "zh_CN", "en"

MESSAGES: dict[int, LazyString] = {
    400: _l("请求无效。"),
    401: _l("请先登录"),
    403: _l("您的账号无权访问此页面。"),
    404: _l("页面不存在，或您无权查看。"),
    405: _l("不支持此操作。"),
    413: _l("提交的内容过大（上传的文件不超过 10 MB）。"),
    429: _l("操作过于频繁，请稍后再试。"),
    500: _l("服务器出错了，请稍后重试。我们已记录此问题。"),
    503: _l("数据库暂时不可用，请稍后重试；您未保存的内容会自动重新提交。"),
}


class PortalError(Exception):
    """A request the portal refuses, with the status to answer and a message for the user.

    Subclass it only where code must catch one kind of refusal and let the others through."""

    def __init__(self, status: int, message: Message, field: str | None = None) -> None:
        self.status = status
        self.message = message
        self.field = field
        super().__init__(in_language(message, EN))

    def text(self) -> str:
        """The message in the current request's language (for flash and form errors)."""
        return in_language(self.message, current_language())

    @property
    def message_zh(self) -> str:
        return in_language(self.message, ZH)

    @property
    def message_en(self) -> str:
        return in_language(self.message, EN)

    def as_dict(self) -> dict[str, Any]:
        return error_item(self.message, self.field)


def current_language() -> str:
    """The request's language code: en or zh_CN (the default, also outside a request)."""
    return EN if str(get_locale() or ZH).startswith("en") else ZH


def in_language(message: Message, language: str) -> str:
    if isinstance(message, tuple):
        zh, en = message
        return en if language == EN else zh
    with force_locale(language):
        # str() renders a lazy string under the forced locale; a plain str is a msgid looked up now
        return str(message) if isinstance(message, LazyString) else _(message)


def error_item(message: Message, field: str | None = None) -> dict[str, Any]:
    """One entry of the JSON ``errors`` list."""
    return {
        "field": field,
        "message": in_language(message, current_language()),
        "message_zh": in_language(message, ZH),
        "message_en": in_language(message, EN),
    }


def wants_json() -> bool:
    """API paths, JSON bodies and clients that prefer JSON get JSON errors; browsers get pages."""
    return (
        request.path.startswith("/api/")
        or request.is_json
        or request.accept_mimetypes.best == "application/json"
    )


def json_errors(status: int, items: list[dict[str, Any]]) -> Response:
    """The agreed JSON error body, for entries built by :func:`error_item`."""
    response = jsonify(errors=items)
    response.status_code = status
    return response


def error_response(status: int, message: Message | None = None, field: str | None = None) -> Response:
    """THE error response: JSON or the error page, with *message* (default: the status's own)."""
    text = message if message is not None else MESSAGES.get(status, MESSAGES[500])
    if wants_json():
        return json_errors(status, [error_item(text, field)])
    page = render_template("errors/error.html", status=status, message=in_language(text, current_language()))
    return current_app.make_response((page, status))


def _set_account_aside() -> None:
    """The rest of this response treats the visitor as signed out if the account cannot be read: the page
    around a 503 (its top bar names the user) must not need the database that is down."""
    from flask_login import current_user

    try:
        getattr(current_user, "is_authenticated", False)
    except sqlalchemy.exc.OperationalError:
        from flask import g

        from portal.extensions import login_manager

        g._login_user = login_manager.anonymous_user()  # where Flask-Login keeps the request's user


def register(app: Flask) -> None:
    @app.errorhandler(PortalError)
    def portal_error(exc: PortalError) -> Response:
        return error_response(exc.status, exc.message, exc.field)

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError) -> Response:
        return error_response(
            400,
            _l("页面已过期或来源不明（CSRF 校验失败），请刷新页面后重试；您已填写的内容不会丢失。"),
        )

    @app.errorhandler(SecurityError)
    def untrusted_host(exc: SecurityError) -> Any:
        """The request named a host this site does not serve: no page of ours (and no link built from
        that host) answers it, only a plain refusal."""
        body = "400 请求的主机名不属于本站。 / This host name is not served here.\n"
        return app.response_class(body, status=400, mimetype="text/plain")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        # werkzeug's descriptions are English only: the message is the status's own, in the catalog
        # (a refusal with its own reason is a PortalError)
        return error_response(exc.code or 500)

    @app.errorhandler(sqlalchemy.exc.OperationalError)
    def database_unavailable(exc: Exception) -> Response:
        """The database is restarting or unreachable: 503 with Retry-After, so clients retry (autosave
        keeps unacknowledged answers and sends them again)."""
        from portal.extensions import db

        if app.testing and not app.config.get("HANDLE_ERRORS_IN_TESTS"):
            raise exc
        with contextlib.suppress(sqlalchemy.exc.SQLAlchemyError):  # a connection gone: nothing to roll back
            db.session.rollback()
        app.logger.warning("database unavailable: %s", type(exc).__name__)
        get_locale()  # settled first: with the account unreadable, from what the session noted
        _set_account_aside()
        response = error_response(503)
        response.headers["Retry-After"] = "2"
        return response

    @app.errorhandler(Exception)
    def unhandled(exc: Exception) -> Response:
        if app.testing and not app.config.get("HANDLE_ERRORS_IN_TESTS"):
            raise exc  # tests see the real traceback
        app.logger.exception("unhandled error")
        from portal.extensions import db

        db.session.rollback()
        return error_response(500)
