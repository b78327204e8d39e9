"""Hostile-input guards shared by every route: ids, paging, integers typed by people, JSON bodies.

Each guard runs before the value reaches arithmetic or the database, so a bad value is a 404, a 400 or a
form message in the user's language, never a 500:

- ``<int:…>`` in any route is :class:`DatabaseIdConverter`: ASCII digits, at most 2**31 - 1 (PostgreSQL's
  INTEGER; a larger id raised "integer out of range" there, and OverflowError on SQLite).
- :func:`page_number` reads ``?page=`` and clamps it into 1..MAX_PAGE (``page=2**66`` made an OFFSET the
  databases refuse).
- :func:`ascii_int` reads an integer a person typed: ``int()`` and ``str.isdigit()`` accept '²' (isdigit
  only) and full-width digits, so the check is on the ASCII digits themselves.
- :class:`SafeJSONProvider` makes ``request.get_json()`` treat a body nested too deep (RecursionError in the
  decoder) and NaN/Infinity (not JSON, but accepted by Python's decoder) as invalid JSON: every JSON
  endpoint answers with its usual 400 body.
- :func:`limit_body_size` keeps JSON bodies under 4 MB (forms: Flask's 500 KB; file uploads: 16 MB).
- :func:`refuse_nul_characters`: no NUL in query strings and forms (PostgreSQL text cannot hold one).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, Final

from flask import Flask, jsonify, render_template, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.datastructures import MultiDict
from werkzeug.routing import IntegerConverter, Map

from portal.i18n import pick

MAX_DB_ID: Final = 2**31 - 1  # PostgreSQL INTEGER; every id column of the schema is one
MAX_PAGE: Final = 100_000  # far beyond any listing (50 rows a page), far below an overflowing OFFSET
# JSON bodies. The largest honest one: an autosave of 500 answers of 2,000 characters (~3 MB).
MAX_BODY_BYTES: Final = 4 * 1024 * 1024
_ASCII_INT: Final = re.compile(r"[+-]?[0-9]{1,18}")  # 18 digits fit any int64 and convert in no time


def _not_above(limit: int) -> str:
    """A regex of the decimal numbers 0..limit in ASCII digits (shorter numbers, then per digit position:
    the same prefix, a smaller digit, any rest; then the limit itself).

    The bound has to be in the regex: werkzeug calls a converter's to_python() only after it has chosen the
    rule by method, so an id refused there answers 405 on a path that also has a GET rule, not 404."""
    digits = str(limit)
    n = len(digits)
    patterns = [f"[0-9]{{1,{n - 1}}}"] if n > 1 else []
    for i, digit in enumerate(digits):
        if digit != "0":
            patterns.append(f"{digits[:i]}[0-{int(digit) - 1}][0-9]{{{n - i - 1}}}")
    patterns.append(digits)
    return "|".join(patterns)


class DatabaseIdConverter(IntegerConverter):
    """``<int:…>`` in URLs: only ASCII digits (werkzeug's ``\\d`` also takes full-width digits), and no id
    the database cannot hold, so such a URL is the same 404 as any id that does not exist."""

    regex = f"(?:{_not_above(MAX_DB_ID)})"

    def __init__(self, url_map: Map, fixed_digits: int = 0, min: int | None = 0, max: int | None = None):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=MAX_DB_ID if max is None else max)


def ascii_int(text: object, low: int | None = None, high: int | None = None) -> int | None:
    """The integer in *text* (ASCII digits, optional sign, surrounding spaces), or None if it is not one or
    lies outside low..high. Never raises."""
    if isinstance(text, bool):
        return None
    if isinstance(text, int):
        number = text
    elif isinstance(text, str) and _ASCII_INT.fullmatch(text.strip()):
        number = int(text.strip())
    else:
        return None
    if (low is not None and number < low) or (high is not None and number > high):
        return None
    return number


def database_id(value: object) -> int | None:
    """An id from a form, query string or JSON body that the database can hold (1..2**31-1), else None."""
    return ascii_int(value, 1, MAX_DB_ID)


def page_number(args: Mapping[str, str], name: str = "page") -> int:
    """``?page=`` as 1..MAX_PAGE: a missing or malformed value is the first page, a huge one the last
    allowed (the listing then shows no rows and its real page count)."""
    raw = args.get(name)
    if raw is None:
        return 1
    text = raw.strip()
    if _ASCII_INT.fullmatch(text):
        return min(max(int(text), 1), MAX_PAGE)
    if re.fullmatch(r"\+?[0-9]+", text):  # all digits but longer than _ASCII_INT takes: huge
        return MAX_PAGE
    return 1


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


class SafeJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider, with decoding failures that can only be the client's fault turned into the
    ValueError that ``request.get_json()`` already answers as invalid JSON (400)."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        kwargs.setdefault("parse_constant", _reject_constant)
        try:
            return json.loads(s, **kwargs)
        except RecursionError as error:  # e.g. "[" * 100_000: the decoder recurses once per level
            raise ValueError("JSON nested too deeply") from error


def limit_body_size() -> None:
    """Before each request: a JSON (or other non-file) body larger than MAX_BODY_BYTES is refused (413) when
    read. URL-encoded forms are held to Flask's MAX_FORM_MEMORY_SIZE (500 KB) already; file uploads keep
    MAX_CONTENT_LENGTH (16 MB) and each feature checks its own limit (evidence 10 MB)."""
    ceiling = request.max_content_length
    if (ceiling is None or ceiling > MAX_BODY_BYTES) and not _is_upload():
        request.max_content_length = MAX_BODY_BYTES


def _is_upload() -> bool:
    """Multipart posts carry files (evidence, rule files, data imports): they keep MAX_CONTENT_LENGTH and
    the feature checks its own size limit."""
    return request.mimetype == "multipart/form-data"


NUL_MESSAGE: Final = (
    "提交的内容含有不允许的空字符（NUL），未保存。",
    "The request contains a NUL character; nothing was saved.",
)


def refuse_nul_characters() -> Any:
    """Before each request: a NUL character in the query string or a form is refused with 400. PostgreSQL
    text cannot hold one: a profile name or project name with NUL, or an audit filter, answered 500 there.
    (JSON strings are checked where they are stored: see questionnaires.answers.)"""
    if not (
        _has_nul(request.args) or (request.method in ("POST", "PUT", "PATCH") and _has_nul(request.form))
    ):
        return None
    zh, en = NUL_MESSAGE
    if request.path.startswith("/api/") or request.is_json:
        return jsonify(errors=[{"field": None, "message_zh": zh, "message_en": en}]), 400
    return render_template("errors/error.html", status=400, message=pick(zh, en)), 400


def _has_nul(values: MultiDict[str, str]) -> bool:
    return any("\x00" in key or "\x00" in value for key, value in values.items(multi=True))


def register(app: Flask) -> None:
    """Install the guards. Must run before the blueprints are registered (their rules use the converter)."""
    app.url_map.converters["int"] = DatabaseIdConverter
    app.json = SafeJSONProvider(app)
    # first of all hooks, so that none reads a body before the limit is set
    hooks = app.before_request_funcs.setdefault(None, [])
    hooks[0:0] = [limit_body_size, refuse_nul_characters]
