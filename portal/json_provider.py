"""Request JSON parsing that turns hostile nesting into a client error.

Python's ``json`` module stops deep nesting (``'[' * 50000``) with RecursionError, which is not a ValueError:
``request.get_json(silent=True)`` let it through and the request ended in a 500. As a ValueError, Flask
treats it like any other malformed body (``None`` when silent, otherwise 400).
"""

from __future__ import annotations

from typing import Any

from flask.json.provider import DefaultJSONProvider


class JSONProvider(DefaultJSONProvider):
    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            return super().loads(s, **kwargs)
        except RecursionError as exc:  # raised cleanly by the C scanner's recursion guard
            raise ValueError("JSON nested too deeply") from exc
