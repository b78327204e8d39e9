"""WTForms validators shared by several features; messages follow the interface language."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DecimalField, Field, Form, IntegerField, SelectField, ValidationError
from wtforms.validators import StopValidation

from portal.i18n import pick
from scoring.eligibility.fields import EARLIEST_DATE, LATEST_DATE  # one range for every date input
from scoring.reference import credit_code, regions

PASSWORD_MIN_LENGTH = 8


def credit_code_check(form: Form, field: Field) -> None:
    """统一社会信用代码 per GB 32100-2015; the message says exactly what is wrong."""
    result = credit_code.validate(field.data or "")
    if not result.ok:
        raise ValidationError(pick(result.message_zh, result.message_en))
    field.data = result.normalized


class MaxChars:
    """At most `limit` characters, said with how many were typed. Unlike WTForms' Length it sets no
    maxlength attribute: a browser cuts a longer paste silently and the user never learns the text was cut;
    here the text stays in the field with the message next to it."""

    def __init__(self, limit: int, message: Any = None) -> None:
        self.limit, self.message = limit, message
        self.field_flags: dict[str, Any] = {}

    def __call__(self, form: Form, field: Field) -> None:
        count = len(field.data or "")
        if count > self.limit:
            raise ValidationError(
                self.message or _("最多 %(limit)s 个字，现在是 %(count)s 个。", limit=self.limit, count=count)
            )


_PHONE = re.compile(r"\+?[\d\s()-]+(?:\s*(?:转|ext\.?|x)\s*\d{1,6})?", re.IGNORECASE)


def phone_number(form: Form, field: Field) -> None:
    """A telephone number as people write it: 0663-8888001, 138 0013 8000, +86 20 1234 5678, 8888001 转 12."""
    value = (field.data or "").strip()
    digits = sum(ch.isdigit() for ch in value)
    if value and (not _PHONE.fullmatch(value) or not 7 <= digits <= 20):
        raise ValidationError(_("请输入有效的电话号码，如 0663-8888001 或 13800138000。"))
    field.data = value


PASSWORD_RULE = _l("密码至少 8 位，并且同时包含字母和数字。")


def weak_password(value: str) -> bool:
    """The one password policy (forms and `flask users create-admin`): at least 8 characters with both
    letters and digits."""
    has_both = re.search(r"[A-Za-z]", value) and re.search(r"\d", value)
    return len(value) < PASSWORD_MIN_LENGTH or not has_both


def password_strength(form: Form, field: Field) -> None:
    if weak_password(field.data or ""):
        raise ValidationError(PASSWORD_RULE)


def district_in_city(city_field: str) -> Any:
    """The district/county must belong to the chosen city."""

    def check(form: Form, field: Field) -> None:
        city = form[city_field].data
        if field.data and city and not regions.is_valid_district(city, field.data):
            raise ValidationError(_l("所选区县不属于所选城市，请重新选择。"))

    return check


# ---------------------------------------------------------------------------------------------------
# Fields and ranges for values people type or pick. Each checks the text before converting it (a huge
# exponent such as 1e200000 costs seconds to turn into an int) and says what is wrong in words: which
# field, too small or too large, and the limit.
# ---------------------------------------------------------------------------------------------------

_INTEGER_TEXT = re.compile(r"[+-]?[0-9]{1,40}")  # ASCII digits only: int() also takes '１２' (full width)
_DECIMAL_TEXT = re.compile(r"[+-]?([0-9]{1,40}(\.[0-9]{0,20})?|\.[0-9]{1,20})")  # no exponent, no NaN
Bound = int | float | Decimal | date | Callable[[], Any] | None


class ChoiceField(SelectField):
    """A select whose value must be one of its choices.

    Whitespace-only counts as empty (it was stored as the value " " before), and an invalid choice stops
    validation: ``Optional()`` used to erase the "not a valid choice" error of a blank-looking value, and
    later validators (division in section, district in city) raised on unknown codes.
    """

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata([v.strip() if isinstance(v, str) else v for v in valuelist])

    def pre_validate(self, form: Form) -> None:
        if self.data in ("", None):
            return  # emptiness is for DataRequired / Optional to judge
        try:
            super().pre_validate(form)
        except ValidationError as error:
            raise StopValidation(_("请从列表中选择。")) from error


def _typed_text(valuelist: list[Any], pattern: re.Pattern[str], message: str) -> str | None:
    """The text a person typed, stripped; None when empty; ValueError (a form error) when it is not of
    `pattern`. Checked before any conversion, so no exponent or other notation ever reaches int/Decimal."""
    text = str(valuelist[0]).strip() if valuelist else ""
    if not text:
        return None
    if not pattern.fullmatch(text):
        raise ValueError(message)
    return text


class WholeNumberField(IntegerField):
    """An integer typed with ASCII digits (optional sign); anything else is a form error, never a 500."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist:
            self.data = None
            text = _typed_text(valuelist, _INTEGER_TEXT, _("请输入整数（半角数字 0–9）。"))
            self.data = None if text is None else int(text)


class AmountField(DecimalField):
    """A decimal number in plain notation (1234.5): no exponent, NaN or Infinity, ASCII digits only."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist:
            self.data = None
            text = _typed_text(valuelist, _DECIMAL_TEXT, _("请输入数字（半角，如 1234.5）。"))
            self.data = None if text is None else Decimal(text)


def _resolve(bound: Bound) -> Any:
    return bound() if callable(bound) else bound


def _show(bound: Any) -> str:
    """A limit as people write it: 1,000,000,000 for large numbers, 2026 for years, 2100-12-31 for dates."""
    if isinstance(bound, date):
        return bound.isoformat()
    number = Decimal(str(bound)).normalize()
    return f"{number:,f}" if abs(number) >= 10_000 else f"{number:f}"


class Range:
    """Like WTForms' NumberRange (also for dates), with a message that names the field and says whether
    the value is too small or too large and what the limit is. Bounds may be callables (this year)."""

    def __init__(self, low: Bound = None, high: Bound = None, unit: Any = "") -> None:
        self.low, self.high, self.unit = low, high, unit
        self.field_flags = {}
        if not callable(low) and isinstance(low, int | float | Decimal):
            self.field_flags["min"] = low
        if not callable(high) and isinstance(high, int | float | Decimal):
            self.field_flags["max"] = high

    def __call__(self, form: Form, field: Field) -> None:
        value = field.data
        if value is None:
            return
        low, high = _resolve(self.low), _resolve(self.high)
        name = str(field.label.text).rstrip("：:")
        unit = str(self.unit)
        if low is not None and value < low:
            raise ValidationError(
                _("%(field)s不能小于 %(limit)s%(unit)s。", field=name, limit=_show(low), unit=unit)
            )
        if high is not None and value > high:
            raise ValidationError(
                _("%(field)s不能大于 %(limit)s%(unit)s。", field=name, limit=_show(high), unit=unit)
            )


def date_range(low: date = EARLIEST_DATE, high: date = LATEST_DATE) -> Range:
    """Dates the portal can compute with (a year-9999 date overflowed once a day or a year was added)."""
    return Range(low, high)
