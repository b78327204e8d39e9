"""WTForms validators shared by several features; messages follow the interface language."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import Field, Form, ValidationError

from scoring.reference import credit_code, regions

PASSWORD_MIN_LENGTH = 8


def _english() -> bool:
    return str(get_locale() or "zh_CN").startswith("en")


def credit_code_check(form: Form, field: Field) -> None:
    """统一社会信用代码 per GB 32100-2015; the message says exactly what is wrong."""
    result = credit_code.validate(field.data or "")
    if not result.ok:
        raise ValidationError(result.message_en if _english() else result.message_zh)
    field.data = result.normalized


def password_strength(form: Form, field: Field) -> None:
    """At least 8 characters with both letters and digits."""
    value = field.data or ""
    if len(value) < PASSWORD_MIN_LENGTH or not re.search(r"[A-Za-z]", value) or not re.search(r"\d", value):
        raise ValidationError(_l("密码至少 8 位，并且同时包含字母和数字。"))


def district_in_city(city_field: str) -> Any:
    """The district/county must belong to the chosen city."""

    def check(form: Form, field: Field) -> None:
        city = form[city_field].data
        if field.data and city and not regions.is_valid_district(city, field.data):
            raise ValidationError(_l("所选区县不属于所选城市，请重新选择。"))

    return check
