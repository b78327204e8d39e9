"""Guangdong's 21 prefecture-level cities and the region groups the policy texts use.

Sources (seed 002 = ../shared/seeds/002_f2edbe3fa4cb40a2.txt; digest §1):
- 珠三角地区 (8 cities, no 深圳): D2 第八条(一)5, L402 "珠三角地区（广州、珠海、佛山、惠州、东莞、中山、江门和肇庆市，下同）"; L521.
- 粤东粤西粤北地区 (12 cities): D2 L404 "粤东粤西粤北地区（汕头、韶关、河源、梅州、汕尾、阳江、湛江、茂名、清远、潮州、揭阳和云浮市，下同）".
- 深圳 is in neither list (8 + 12 = 20 of 21). D1 L50 excludes 深圳 explicitly ("不含深圳市"). We decide: subsidy rules
  keyed to these two groups return "not covered" for 深圳 (AMBIGUITY recorded in the rule files, digest §1).
- 一核一带一区: D4 figure L1431-1432, L1448-1719: 珠三角核心区 (9 cities incl. 深圳), 沿海经济带东翼/西翼, 北部生态发展区.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class RegionGroup(StrEnum):
    """Grouping of D2/D3/D10 (subsidy rules)."""

    PRD_8 = "prd_8"  # 珠三角地区
    EWN_12 = "ewn_12"  # 粤东粤西粤北地区
    SHENZHEN = "shenzhen"  # in neither list


class Zone(StrEnum):
    """一核一带一区 (D4 L1431-1432); used by D6 (省专精特新) thresholds."""

    PRD_CORE = "prd_core"  # 珠三角核心区
    COAST_EAST = "coast_east"  # 沿海经济带东翼
    COAST_WEST = "coast_west"  # 沿海经济带西翼
    NORTH_ECO = "north_eco"  # 北部生态发展区


REGION_GROUP_NAMES_ZH: Final = {
    RegionGroup.PRD_8: "珠三角地区",
    RegionGroup.EWN_12: "粤东粤西粤北地区",
    RegionGroup.SHENZHEN: "深圳市（不在两类地区名单内）",
}
REGION_GROUP_NAMES_EN: Final = {
    RegionGroup.PRD_8: "Pearl River Delta (8 cities)",
    RegionGroup.EWN_12: "East, West and North Guangdong (12 cities)",
    RegionGroup.SHENZHEN: "Shenzhen (in neither list)",
}
ZONE_NAMES_ZH: Final = {
    Zone.PRD_CORE: "珠三角核心区",
    Zone.COAST_EAST: "沿海经济带东翼",
    Zone.COAST_WEST: "沿海经济带西翼",
    Zone.NORTH_ECO: "北部生态发展区",
}
ZONE_NAMES_EN: Final = {
    Zone.PRD_CORE: "PRD core area",
    Zone.COAST_EAST: "Coastal belt, east wing",
    Zone.COAST_WEST: "Coastal belt, west wing",
    Zone.NORTH_ECO: "Northern ecological zone",
}

# (name_zh, name_en, region group, zone); order: PRD core, east wing, west wing, north — as in D4's table.
_CITIES: Final[tuple[tuple[str, str, RegionGroup, Zone], ...]] = (
    ("广州市", "Guangzhou", RegionGroup.PRD_8, Zone.PRD_CORE),
    ("深圳市", "Shenzhen", RegionGroup.SHENZHEN, Zone.PRD_CORE),
    ("珠海市", "Zhuhai", RegionGroup.PRD_8, Zone.PRD_CORE),
    ("佛山市", "Foshan", RegionGroup.PRD_8, Zone.PRD_CORE),
    ("惠州市", "Huizhou", RegionGroup.PRD_8, Zone.PRD_CORE),
    ("东莞市", "Dongguan", RegionGroup.PRD_8, Zone.PRD_CORE),
    ("中山市", "Zhongshan", RegionGroup.PRD_8, Zone.PRD_CORE),
    ("江门市", "Jiangmen", RegionGroup.PRD_8, Zone.PRD_CORE),
    ("肇庆市", "Zhaoqing", RegionGroup.PRD_8, Zone.PRD_CORE),
    ("汕头市", "Shantou", RegionGroup.EWN_12, Zone.COAST_EAST),
    ("汕尾市", "Shanwei", RegionGroup.EWN_12, Zone.COAST_EAST),
    ("揭阳市", "Jieyang", RegionGroup.EWN_12, Zone.COAST_EAST),
    ("潮州市", "Chaozhou", RegionGroup.EWN_12, Zone.COAST_EAST),
    ("湛江市", "Zhanjiang", RegionGroup.EWN_12, Zone.COAST_WEST),
    ("茂名市", "Maoming", RegionGroup.EWN_12, Zone.COAST_WEST),
    ("阳江市", "Yangjiang", RegionGroup.EWN_12, Zone.COAST_WEST),
    ("韶关市", "Shaoguan", RegionGroup.EWN_12, Zone.NORTH_ECO),
    ("梅州市", "Meizhou", RegionGroup.EWN_12, Zone.NORTH_ECO),
    ("河源市", "Heyuan", RegionGroup.EWN_12, Zone.NORTH_ECO),
    ("清远市", "Qingyuan", RegionGroup.EWN_12, Zone.NORTH_ECO),
    ("云浮市", "Yunfu", RegionGroup.EWN_12, Zone.NORTH_ECO),
)

CITIES: Final[tuple[str, ...]] = tuple(c[0] for c in _CITIES)
CITY_NAMES_EN: Final[dict[str, str]] = {c[0]: c[1] for c in _CITIES}
_GROUP: Final[dict[str, RegionGroup]] = {c[0]: c[2] for c in _CITIES}
_ZONE: Final[dict[str, Zone]] = {c[0]: c[3] for c in _CITIES}


def normalize_city(name: str) -> str:
    """Accept '揭阳' or '揭阳市'; return the canonical '揭阳市' or raise KeyError."""
    name = name.strip()
    candidate = name if name.endswith("市") else name + "市"
    if candidate not in _GROUP:
        raise KeyError(name)
    return candidate


def region_group(city: str) -> RegionGroup:
    """珠三角地区 / 粤东粤西粤北地区 / 深圳 (in neither list) for a city name."""
    return _GROUP[normalize_city(city)]


def zone(city: str) -> Zone:
    """一核一带一区 zone of a city."""
    return _ZONE[normalize_city(city)]
