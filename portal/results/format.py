"""How texts, numbers and dates of a result are shown (page, PDF and verify page alike)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from portal.results.model import Number

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def num(value: Decimal | float | int | None) -> Number | None:
    """A number as shown: an int when whole, else rounded to 0.01."""
    if value is None:
        return None
    number = float(value)
    return int(number) if number.is_integer() else round(number, 2)


def local_date(value: datetime | None) -> str:
    return value.astimezone(LOCAL_TZ).strftime("%Y-%m-%d") if value else "—"


def local_time(value: datetime) -> str:
    """China time to the minute: what the company, the bureau and the bank read."""
    return value.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")


class Picker:
    """Chooses the text of a *_zh / *_en pair in the view's language (Chinese when English is missing)."""

    def __init__(self, lang: str) -> None:
        self.en = lang == "en"

    def __call__(self, zh: str | None, en: str | None) -> str:
        return (en if self.en and en else zh) or ""

    def many(self, zh: tuple[str, ...], en: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(en) if self.en and en else tuple(zh)
