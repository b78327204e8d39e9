"""The two tables' shape: grains, roll-ups, dimension keys and the calendar periods they count in."""

from __future__ import annotations

from datetime import datetime
from typing import Final
from zoneinfo import ZoneInfo

from portal.bureau.models import (
    DIMENSIONS,
    BureauAggregate,
    BureauFact,
)

LOCAL_TZ: Final = ZoneInfo("Asia/Shanghai")
GD_INSTRUMENT: Final = "gd-mfg-dt"
MIIT_INSTRUMENT: Final = "miit-sme-digital"
FIVEG_TIERS: Final = ("none", "line", "workshop", "factory")
# The yes/no figures of a gd-mfg-dt result counted in the cube, and the level scales: named once for the
# Python (facts.contributions) and SQL (rebuild.metric_columns) ways of counting.
GD_FLAGS: Final = (
    "on_cloud",
    "on_platform",
    "cloud_equipment",
    "cloud_rnd",
    "cloud_supply_chain",
    "cloud_operations",
)
LEVELS: Final = (1, 2, 3, 4, 5)
MIIT_LEVELS: Final = (0, 1, 2, 3, 4)
GRAINS: Final = ("all", "month", "quarter")
# Date ranges: "each company's latest row within months [lo, hi]" is the fact rows with lo <= month <= hi
# and next > hi, that is every row of those months (the 'month' grain) less the rows whose next row is
# in the range too (lo <= month < next <= hi). The cube keeps those (month, next) pairs — `period` the
# row's month, `until` its next row's month, rows without a next one left out — so a range is its months'
# rows minus the pairs inside it: a few thousand cube rows, none of the fact rows. The three kinds of
# "next" (any assessment, gd-mfg-dt, miit-sme-digital) bound different metrics, so each has its grain.
RANGE_GRAINS: Final = ("range_any", "range_gd", "range_miit")
# Pairs multiply a roll-up's rows by the months that follow each month: kept for the roll-ups the
# dashboard's groupings read (by city, district, cluster, size class); a range filtered on more
# dimensions reads the fact rows (already narrowed by those filters).
RANGE_ROLLUPS: Final = ("c", "cd", "cc", "cs")

Key = tuple[str, int, int, str, str, str, str]  # grain, period, until, city, district, cluster, size_class

# Roll-ups stored beside the full rows: the dimensions each keeps; the others hold ROLLED ('*').
# The cube's `grain` column holds period kind + roll-up code ('Ac' = all time by city, 'Mf' = month,
# full detail …) so the (grain, city, district) index finds a roll-up's rows directly.
# Queries read the smallest roll-up that still has every dimension they filter or group on.
ROLLED: Final = "*"
ROLLUPS: Final[dict[str, frozenset[str]]] = {
    "c": frozenset({"city"}),
    "cd": frozenset({"city", "district"}),
    "cc": frozenset({"city", "cluster"}),
    "cs": frozenset({"city", "size_class"}),
    "ccs": frozenset({"city", "cluster", "size_class"}),
    "f": frozenset(DIMENSIONS),
}
GRAIN_CODES: Final = {
    "all": "A",
    "month": "M",
    "quarter": "Q",
    "range_any": "N",
    "range_gd": "G",
    "range_miit": "H",
}


def grain_code(grain: str, rollup: str) -> str:
    return GRAIN_CODES[grain] + rollup


def rollup_for(needed: set[str]) -> str:
    """The code of the smallest roll-up containing the needed dimensions."""
    return next(code for code, kept in ROLLUPS.items() if needed <= kept)


FACT_COLUMNS: Final = tuple(c.name for c in BureauFact.__table__.columns)
AGG_TABLE: Final = BureauAggregate.__table__
FACT_TABLE: Final = BureauFact.__table__


# ------------------------------------------------------------------------------------------ periods


def month_index(moment: datetime) -> int:
    local = moment.astimezone(LOCAL_TZ)
    return local.year * 12 + local.month - 1


def month_of(year: int, month: int) -> int:
    return year * 12 + month - 1


def quarter_of(month: int) -> int:
    return (month // 12) * 4 + (month % 12) // 3


def month_label(month: int) -> str:
    return f"{month // 12}-{month % 12 + 1:02d}"


def quarter_label(quarter: int) -> str:
    return f"{quarter // 4}Q{quarter % 4 + 1}"


def quarter_months(quarter: int) -> tuple[int, int]:
    first = (quarter // 4) * 12 + (quarter % 4) * 3
    return first, first + 2
