"""Item points (step 1 of the method)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from questionnaires import (
    Instrument,
    Item,
)
from questionnaires.item_types import kind_of

ZERO = Decimal(0)
HUNDRED = Decimal(100)


def item_points(item: Item, value: Any) -> Decimal:
    """Points of one (normalized) answer; 0 for unanswered or unscored items."""
    if not item.scored or value is None:
        return ZERO
    return kind_of(item).points(item, value)


def hidden_ids(instrument: Instrument, visible: Iterable[Item]) -> frozenset[str]:
    shown = {i.id for i in visible}
    return frozenset(i.id for i in instrument.items if i.id not in shown)
