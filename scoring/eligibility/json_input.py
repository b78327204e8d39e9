"""Reading a contract payload from text: the one reader of ``python -m scoring eligibility`` and
``POST /api/v1/eligibility``, so both accept and refuse the same bytes.

Accepted: UTF-8, with or without a byte-order mark (editors on Windows write one). Refused with a message in
both languages: other encodings, malformed JSON (with line and column), nesting too deep, integers too long to
convert, NaN / Infinity (not JSON), and an object that repeats a key
(``{"revenue_wan": 1, "revenue_wan": 2}`` would otherwise keep the
last value silently).
"""

from __future__ import annotations

import json
from typing import Any

JSONDict = dict[str, Any]


class PayloadError(ValueError):
    """Text that is not a JSON payload; ``message_zh`` / ``message_en`` say why."""

    def __init__(self, message_zh: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_zh = message_zh
        self.message_en = message_en

    def as_error(self) -> JSONDict:
        """The contract's error item (``field`` empty: the body as a whole)."""
        return {
            "field": "",
            "message": self.message_zh,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }


def _no_duplicates(pairs: list[tuple[str, Any]]) -> JSONDict:
    out: JSONDict = {}
    for key, value in pairs:
        if key in out:
            raise PayloadError(f"JSON 对象中字段“{key}”重复出现", f"duplicate key {key!r} in a JSON object")
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise PayloadError(f"JSON 不允许 {name}", f"invalid JSON: {name} is not a JSON number")


def loads_payload(raw: bytes | str) -> object:
    """The parsed payload; PayloadError when the text is not acceptable JSON."""
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise PayloadError("输入不是 UTF-8 编码的文本", "the input is not UTF-8 text") from None
    else:
        text = raw
    text = text.removeprefix("\ufeff")
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise PayloadError(
            f"JSON 格式错误：第 {exc.lineno} 行第 {exc.colno} 列（{exc.msg}）",
            f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})",
        ) from None
    except RecursionError:  # "[" * 100_000: the decoder recurses once per level
        raise PayloadError("JSON 嵌套层数过多", "invalid JSON: nested too deeply") from None
    except PayloadError:
        raise
    except ValueError as exc:  # an integer of more than 4,300 digits
        raise PayloadError(f"JSON 格式错误：{exc}", f"invalid JSON: {exc}") from None
