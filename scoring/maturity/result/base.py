"""Engine version, rounding of the numbers a result carries, and input errors."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

ENGINE_VERSION = "dx-score-1.0.0"
"""Stored by the portal with every result; minor = rule/data change, major = format change."""

SCORE_PLACES = Decimal("0.01")
POINT_PLACES = Decimal("0.001")
SHARE_PLACES = Decimal("0.0001")


def q_score(value: Decimal) -> Decimal:
    return value.quantize(SCORE_PLACES, rounding=ROUND_HALF_UP)


def q_points(value: Decimal) -> Decimal:
    return value.quantize(POINT_PLACES, rounding=ROUND_HALF_UP)


def q_share(value: Decimal) -> Decimal:
    return value.quantize(SHARE_PLACES, rounding=ROUND_HALF_UP)


# ----------------------------------------------------------------------------------------------------
# Errors
# ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InputError:
    field: str
    message_zh: str
    message_en: str


class ScoringInputError(ValueError):
    """Invalid answers / profile / peers; ``errors`` lists every problem found."""

    def __init__(self, errors: list[InputError] | tuple[InputError, ...]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(f"{e.field}: {e.message_en}" for e in self.errors))
