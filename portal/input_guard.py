"""Refuse text containing NUL characters at the door, for every route.

PostgreSQL cannot store U+0000 in text or JSON columns: a NUL that reached a query or a flush failed with
a database error (a 500, on PostgreSQL only). No browser sends NUL from a form field a person typed into, so
a request carrying one in a field name, a value, a query parameter or an uploaded file's name is refused
with a 400 that says why (in the user's language), before any view reads it. File contents are bytes and
may legitimately contain NUL; they are not checked.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _

NUL = "\x00"
MESSAGE_ZH = "提交的内容含有空字符（NUL），无法保存。请删除这些字符后重新提交。"
MESSAGE_EN = "The submitted text contains NUL characters and cannot be saved; remove them and submit again."


def _carries_nul() -> bool:
    fields = [*request.args.items(multi=True)]
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        fields += request.form.items(multi=True)
        fields += [(name, upload.filename or "") for name, upload in request.files.items(multi=True)]
    # a multipart part without a name has the key None
    return any(NUL in (key or "") or NUL in (value or "") for key, value in fields)


def refuse_nul() -> Any:
    if not _carries_nul():
        return None
    if request.path.startswith("/api/") or request.is_json:
        return jsonify(errors=[{"field": None, "message_zh": MESSAGE_ZH, "message_en": MESSAGE_EN}]), 400
    return render_template("errors/error.html", status=400, message=_(MESSAGE_ZH)), 400


def register(app: Flask) -> None:
    app.before_request(refuse_nul)
