"""Small cells: any count of 1–4 companies is shown as "<5", and shares/awards derived from it as "—"."""

from __future__ import annotations

from decimal import Decimal
from typing import Final

MIN_CELL: Final = 5
SUPPRESSED: Final = "<5"
DASH: Final = "—"

Cell = int | str


def cell(n: int) -> Cell:
    """A count of companies as shown: 1–4 → '<5'."""
    return SUPPRESSED if 0 < n < MIN_CELL else n


def share(part: int, whole: int) -> str:
    """A percentage, '—' when either count is suppressed or the whole is zero."""
    if whole == 0 or 0 < part < MIN_CELL or whole < MIN_CELL:
        return DASH
    return f"{100 * part / whole:.1f}%"


def money(total: Decimal, companies: int) -> str:
    if companies < MIN_CELL:
        return DASH
    return f"{total:,.0f}"
