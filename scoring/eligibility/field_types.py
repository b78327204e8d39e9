"""The field specification of the eligibility contract (types, ranges, units) and the helpers that
declare fields; the fields themselves are listed in ``company_fields`` and ``fields``.

Money is in 万元 unless the name ends in ``_yi`` (亿元). Percentages are numbers in 0–100 (``18`` = 18 %).
An absent field (or ``null``) means "not known";
for the ``years_since_*`` fields ``null`` means "never happened".
Field names are unique across the company and project scopes, so a gap's ``field`` is unambiguous.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final


class FieldType(StrEnum):
    NUMBER = "number"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    DATE = "date"
    ENUM = "enum"
    ENUM_LIST = "enum_list"
    STRING = "string"


class Scope(StrEnum):
    COMPANY = "company"
    PROJECT = "project"


@dataclass(frozen=True)
class FieldSpec:
    name: str
    scope: Scope
    type: FieldType
    label_zh: str
    label_en: str
    unit_zh: str = ""
    unit_en: str = ""
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    null_means_never: bool = False  # explicit null = "never happened" (not "unknown")
    description: str = ""

    @property
    def path(self) -> str:
        return f"{self.scope.value}.{self.name}"

    @property
    def numeric(self) -> bool:
        return self.type in (FieldType.NUMBER, FieldType.INTEGER)


_C = Scope.COMPANY
_P = Scope.PROJECT
_N = FieldType.NUMBER
_I = FieldType.INTEGER
_B = FieldType.BOOLEAN


# Every number has a declared range, checked before any arithmetic: values beyond any real company are
# typing mistakes or attacks (1e24 overflowed the engine's Decimal context; 1e200000 took seconds to
# convert). Money up to 1e9 万元 (10 trillion yuan), counts up to 1e7, years up to 200, growth rates
# up to 10,000 % (a hundredfold) and down to -100 % for revenue (all lost), -10,000 % for profit (which
# can turn into a loss many times its size).
MAX_WAN: Final = 1_000_000_000
MAX_YI: Final = 100_000  # = MAX_WAN in 亿元
MAX_COUNT: Final = 10_000_000
MAX_YEARS: Final = 200
MIN_GROWTH_PCT: Final = -100
MAX_GROWTH_PCT: Final = 10_000


def money(name: str, scope: Scope, zh: str, en: str, desc: str = "") -> FieldSpec:
    return FieldSpec(name, scope, _N, zh, en, "万元", "10k CNY", minimum=0, maximum=MAX_WAN, description=desc)


def yi(name: str, scope: Scope, zh: str, en: str, desc: str = "") -> FieldSpec:
    return FieldSpec(name, scope, _N, zh, en, "亿元", "100m CNY", minimum=0, maximum=MAX_YI, description=desc)


def pct(name: str, scope: Scope, zh: str, en: str, desc: str = "") -> FieldSpec:
    return FieldSpec(name, scope, _N, zh, en, "%", "%", minimum=0, maximum=100, description=desc)


def growth(name: str, scope: Scope, zh: str, en: str, lo: float = -MAX_GROWTH_PCT) -> FieldSpec:
    return FieldSpec(name, scope, _N, zh, en, "%", "%", minimum=lo, maximum=MAX_GROWTH_PCT)


def years(name: str, scope: Scope, zh: str, en: str, **extra: Any) -> FieldSpec:
    return FieldSpec(name, scope, _N, zh, en, "年", "years", minimum=0, maximum=MAX_YEARS, **extra)


def count(name: str, scope: Scope, zh: str, en: str, desc: str = "") -> FieldSpec:
    return FieldSpec(name, scope, _I, zh, en, "项", "items", minimum=0, maximum=MAX_COUNT, description=desc)


def flag(name: str, scope: Scope, zh: str, en: str, desc: str = "") -> FieldSpec:
    return FieldSpec(name, scope, _B, zh, en, description=desc)


SECTORS: Final = ("manufacturing", "mining", "utilities", "construction", "services", "other")
SME_SIZE_CLASSES: Final = ("micro", "small", "medium", "large")
CERTIFICATIONS: Final = (
    "quality_management",
    "ip_management",
    "other_management_system",
    "developed_country_product",
)
TECH_CENTER_LEVELS: Final = ("none", "county", "city", "provincial", "national")
CLOUD_DATA_KINDS: Final = ("equipment", "system", "supply_chain", "other")
IM_DEMO_LEVELS: Final = ("none", "provincial", "national")
