"""Guangdong's 21 prefecture-level cities and the region groups the policy texts use.

Sources (seed 002 = ../shared/seeds/002_f2edbe3fa4cb40a2.txt; digest §1):
- 珠三角地区 (8 cities, no 深圳): D2 第八条(一)5, L402
  "珠三角地区（广州、珠海、佛山、惠州、东莞、中山、江门和肇庆市，下同）"; L521.
- 粤东粤西粤北地区 (12 cities): D2 L404
  "粤东粤西粤北地区（汕头、韶关、河源、梅州、汕尾、阳江、湛江、茂名、清远、潮州、揭阳和云浮市，下同）".
- 深圳 is in neither list (8 + 12 = 20 of 21). D1 L50 excludes 深圳 explicitly ("不含深圳市").
  We decide: subsidy rules keyed to these two groups return "not covered" for 深圳
  (AMBIGUITY recorded in the rule files, digest §1).
- 一核一带一区: D4 figure L1431-1432, L1448-1719: 珠三角核心区 (9 cities incl. 深圳),
  沿海经济带东翼/西翼, 北部生态发展区.
- County-level divisions: data/districts.yaml (民政部 行政区划代码 2024; see its header).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Final

from questionnaires.strict_yaml import load_file


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


# ----------------------------------------------------------------------------------------------------
# County-level divisions (districts). Data and sources: data/districts.yaml; its header records the
# list's source and the decisions for 东莞/中山 and 揭阳 空港经济区.
# ----------------------------------------------------------------------------------------------------


class DistrictKind(StrEnum):
    """Kind of a sub-city unit; the first four are official county-level divisions (县级行政区划)."""

    DISTRICT = "district"  # 市辖区
    COUNTY_LEVEL_CITY = "county_level_city"  # 县级市
    COUNTY = "county"  # 县
    AUTONOMOUS_COUNTY = "autonomous_county"  # 自治县
    FUNCTIONAL_ZONE = "functional_zone"  # 功能区（管委会）, not an official division
    SUBDISTRICT = "subdistrict"  # 街道 (东莞/中山 only)
    TOWN = "town"  # 镇 (东莞/中山 only)


COUNTY_LEVEL_KINDS: Final[frozenset[DistrictKind]] = frozenset(
    {
        DistrictKind.DISTRICT,
        DistrictKind.COUNTY_LEVEL_CITY,
        DistrictKind.COUNTY,
        DistrictKind.AUTONOMOUS_COUNTY,
    }
)

DISTRICT_KIND_NAMES_ZH: Final = {
    DistrictKind.DISTRICT: "市辖区",
    DistrictKind.COUNTY_LEVEL_CITY: "县级市",
    DistrictKind.COUNTY: "县",
    DistrictKind.AUTONOMOUS_COUNTY: "自治县",
    DistrictKind.FUNCTIONAL_ZONE: "功能区（管委会）",
    DistrictKind.SUBDISTRICT: "街道",
    DistrictKind.TOWN: "镇",
}
DISTRICT_KIND_NAMES_EN: Final = {
    DistrictKind.DISTRICT: "district",
    DistrictKind.COUNTY_LEVEL_CITY: "county-level city",
    DistrictKind.COUNTY: "county",
    DistrictKind.AUTONOMOUS_COUNTY: "autonomous county",
    DistrictKind.FUNCTIONAL_ZONE: "functional zone (management committee)",
    DistrictKind.SUBDISTRICT: "subdistrict",
    DistrictKind.TOWN: "town",
}

# Suffixes stripped to accept short forms such as "榕城" for 榕城区 (longest first).
_SUFFIXES: Final = ("壮族瑶族自治县", "瑶族自治县", "自治县", "街道", "区", "县", "市", "镇")


@dataclass(frozen=True, slots=True)
class District:
    """A county-level division (or, for 东莞/中山, a town/subdistrict; for 揭阳, 空港经济区)."""

    name_zh: str
    name_en: str
    kind: DistrictKind
    code: str | None  # 6-digit 行政区划代码; None where there is none or we are not sure

    @property
    def is_county_level(self) -> bool:
        """True for official county-level divisions (区/县级市/县/自治县)."""
        return self.kind in COUNTY_LEVEL_KINDS

    @property
    def short_name(self) -> str:
        """Name without its administrative suffix ('榕城区' -> '榕城').

        The full name is kept when the rest would be shorter than two characters (汕尾 '城区').
        """
        for suffix in _SUFFIXES:
            if self.name_zh.endswith(suffix) and len(self.name_zh) - len(suffix) >= 2:
                return self.name_zh[: -len(suffix)]
        return self.name_zh


@cache
def _district_table() -> dict[str, tuple[District, ...]]:
    raw = load_file(resources.files(__package__).joinpath("data/districts.yaml"))
    table: dict[str, tuple[District, ...]] = {}
    for city, rows in raw["cities"].items():
        if city not in _GROUP:
            raise ValueError(f"districts.yaml: unknown city {city!r}")
        items = []
        for row in rows:
            code = row["code"]
            if code is not None and (len(code) != 6 or not code.isdigit()):
                raise ValueError(f"districts.yaml: bad code {code!r} for {row['name_zh']}")
            items.append(District(row["name_zh"], row["name_en"], DistrictKind(row["kind"]), code))
        table[city] = tuple(items)
    missing = set(CITIES) - set(table)
    if missing:
        raise ValueError(f"districts.yaml: cities without districts: {sorted(missing)}")
    return table


def districts(city: str) -> tuple[District, ...]:
    """Sub-city units users can choose for a city ('揭阳' or '揭阳市'); raises KeyError for an unknown city.

    Official county-level divisions come first, in code order; 东莞/中山 return their 街道/镇 instead
    (they have no county-level divisions); 揭阳 also returns 空港经济区 (functional zone).
    """
    return _district_table()[normalize_city(city)]


def county_level_divisions(city: str) -> tuple[District, ...]:
    """Only the official county-level divisions of a city (empty for 东莞 and 中山)."""
    return tuple(d for d in districts(city) if d.is_county_level)


def find_district(city: str, name: str) -> District | None:
    """Look a unit up by full Chinese name, short name ('榕城'), English name or 6-digit code.

    Returns None for an unknown name or an unknown city.
    """
    try:
        units = districts(city)
    except KeyError:
        return None
    key = name.strip()
    if not key:
        return None
    folded = key.casefold()
    for unit in units:
        if key in (unit.name_zh, unit.short_name, unit.code) or folded == unit.name_en.casefold():
            return unit
    return None


def is_valid_district(city: str, name: str) -> bool:
    """True if `name` is a unit of `city` (spellings as in find_district); False for unknown cities."""
    return find_district(city, name) is not None
