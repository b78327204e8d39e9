"""The API's error body: {"errors": [{"field", "message_zh", "message_en"}]}."""

from __future__ import annotations

from typing import Any

from flask import jsonify


def error_response(status: int, message_zh: str, message_en: str, field: str | None = None) -> Any:
    return jsonify(errors=[{"field": field, "message_zh": message_zh, "message_en": message_en}]), status
