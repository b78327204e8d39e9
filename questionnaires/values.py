"""One answer's value, whatever its item type: how it is stored, numbers typed as text, check results.

Shared by the item types (``questionnaires/item_types/``) and the answer checks (``questionnaires/answers/``);
it knows no item type itself.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

NUL_ZH, NUL_EN = "文字中含有不允许的空字符（NUL）", "text must not contain a NUL character"


@dataclass(frozen=True)
class AnswerCheck:
    """Result of :func:`validate_answer`. ``normalized`` is the value to store when ``ok``."""

    ok: bool
    code: str  # "ok" or the problem: unknown_item, not_visible, wrong_type, out_of_range, unknown_option, …
    message_zh: str
    message_en: str
    normalized: Any = None
    field: str | None = None  # evidence field id the problem is about, if any


def ok(normalized: Any) -> AnswerCheck:
    return AnswerCheck(True, "ok", "已保存", "saved", normalized)


def bad(code: str, zh: str, en: str, field: str | None = None) -> AnswerCheck:
    return AnswerCheck(False, code, zh, en, None, field)


# ----------------------------------------------------------------------------------------------------
# Reading stored answers
# ----------------------------------------------------------------------------------------------------


_PLAIN = frozenset({str, int, float, bool, list, type(None)})  # answers stored without evidence


def answer_value(raw: Any) -> Any:
    """The answer itself, whether stored plainly or as ``{"value": …, "evidence": {…}}``."""
    if type(raw) in _PLAIN:  # the common case, without the Mapping check's cost (scoring reads answers often)
        return raw
    if isinstance(raw, Mapping):
        return raw.get("value")
    return raw


def answer_evidence(raw: Any) -> Mapping[str, Any]:
    if isinstance(raw, Mapping):
        evidence = raw.get("evidence")
        if isinstance(evidence, Mapping):
            return evidence
    return {}


def is_answered(raw: Any) -> bool:
    value = answer_value(raw)
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | tuple):
        return bool(value)
    return True


# ----------------------------------------------------------------------------------------------------
# Numbers
# ----------------------------------------------------------------------------------------------------

# A number typed as text: ASCII digits in plain notation. Decimal() also takes exponents ("1e200000", which
# int() then spends seconds expanding), NaN, Infinity and non-ASCII digits ("１２"); none of them is an
# answer a person means, so they are refused before any conversion.
_NUMBER_TEXT = re.compile(r"[+-]?(?:[0-9]{1,40}(?:\.[0-9]{0,20})?|\.[0-9]{1,20})")

# Bounds for numeric fields whose definition declares none (published instruments cannot change): values
# beyond any real company. Percentages 0–100, money in 万元 up to 1e9 (10 trillion yuan), counts (integers)
# up to 1e7, other quantities (吨标准煤 …) up to 1e9.
DEFAULT_MAX_MONEY_WAN = Decimal(10**9)
DEFAULT_MAX_COUNT = Decimal(10**7)
DEFAULT_MAX_QUANTITY = Decimal(10**9)


def numeric_bounds(
    kind: str, low: Decimal | None, high: Decimal | None, unit: str | None
) -> tuple[Decimal, Decimal]:
    """The (min, max) an answer of a number/integer item or evidence field is checked against: the declared
    ones, else the defaults above (a missing min is the negative max, except percentages: 0)."""
    if unit is not None and unit.strip() == "%":
        default_high, default_low = Decimal(100), Decimal(0)
    elif unit is not None and "万元" in unit:
        default_high, default_low = DEFAULT_MAX_MONEY_WAN, -DEFAULT_MAX_MONEY_WAN
    elif kind == "integer":
        default_high, default_low = DEFAULT_MAX_COUNT, -DEFAULT_MAX_COUNT
    else:
        default_high, default_low = DEFAULT_MAX_QUANTITY, -DEFAULT_MAX_QUANTITY
    return (default_low if low is None else low), (default_high if high is None else high)


def to_decimal(value: Any) -> Decimal | None:
    """A finite number as Decimal (numbers, or digits typed as text); None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value)) if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, str):
        text = value.strip()
        if not _NUMBER_TEXT.fullmatch(text):
            return None
        return Decimal(text)
    return None


def same_value(a: Any, b: Any) -> bool:
    """Whether an answer value and a condition's operand are the same (``in`` / ``equals`` tests)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, str) and isinstance(b, str):  # option ids: compared as text, never as numbers
        return a == b
    na, nb = to_decimal(a), to_decimal(b)
    if na is not None and nb is not None:
        return na == nb
    return bool(a == b)


def plain_number(number: Decimal, integer: bool) -> int | float:
    if integer or number == number.to_integral_value():
        return int(number)
    return float(number)


# The instruments' units are Chinese (data); English messages name them in English where we know them.
UNITS_EN = {
    "万元": "× 10,000 CNY",
    "万元/年": "× 10,000 CNY a year",
    "台": "machines",
    "人": "people",
    "个": "",
    "家": "companies",
    "道": "processes",
    "吨标准煤": "t of standard coal",
    "%": "%",
    # the plans' units of the bureau's targets
    "万家": "× 10,000 companies",
    "家/年": "companies a year",
    "亿元": "× 100 million CNY",
    "万座": "× 10,000 sites",
    "万件": "× 10,000",
    "万元/人": "× 10,000 CNY per person",
}


def unit_en(unit: str | None) -> str | None:
    """The English name of an instrument's unit (the unit itself when it has none)."""
    return UNITS_EN.get(unit.strip(), unit) if unit else unit


def _range_text(low: Decimal | None, high: Decimal | None, unit: str | None) -> tuple[str, str]:
    u = f" {unit}" if unit else ""
    english = unit_en(unit)
    e = f" {english}" if english else ""
    lo = format(low.normalize(), "f") if low is not None else None
    hi = format(high.normalize(), "f") if high is not None else None
    if lo is not None and hi is not None:
        return f"{lo}–{hi}{u}", f"between {lo} and {hi}{e}"
    if lo is not None:
        return f"不小于 {lo}{u}", f"at least {lo}{e}"
    return f"不大于 {hi}{u}", f"at most {hi}{e}"


def check_number(
    value: Any, integer: bool, low: Decimal | None, high: Decimal | None, unit: str | None, field: str | None
) -> AnswerCheck:
    number = to_decimal(value)
    if number is None:
        return bad(
            "wrong_type",
            "请填写数字（半角数字，如 12 或 3.5）",
            "please enter a number (digits, such as 12 or 3.5)",
            field,
        )
    low, high = numeric_bounds("integer" if integer else "number", low, high, unit)
    # the range first: it is cheap on any Decimal, and what passes it converts to int/float quickly
    if number < low or number > high:
        zh, en = _range_text(low, high, unit)
        if number > high:
            return bad("out_of_range", f"数值过大，应为 {zh}", f"value too large: must be {en}", field)
        return bad("out_of_range", f"数值过小，应为 {zh}", f"value too small: must be {en}", field)
    if integer and number != number.to_integral_value():
        return bad("wrong_type", "请填写整数", "please enter a whole number", field)
    return ok(plain_number(number, integer))
