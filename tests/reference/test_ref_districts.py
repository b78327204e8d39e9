"""County-level divisions of Guangdong (scoring/reference/data/districts.yaml via regions.districts)."""

from __future__ import annotations

import pytest

from scoring.reference.regions import (
    CITIES,
    DistrictKind,
    county_level_divisions,
    districts,
    find_district,
    is_valid_district,
    region_group,
    zone,
)

# Official county-level divisions per city (民政部 2024).
# Guangdong total: 122 = 65 区 + 20 县级市 + 34 县 + 3 自治县.
EXPECTED_COUNTY_LEVEL = {
    "广州市": 11,
    "深圳市": 9,
    "珠海市": 3,
    "佛山市": 5,
    "惠州市": 5,
    "东莞市": 0,
    "中山市": 0,
    "江门市": 7,
    "肇庆市": 8,
    "汕头市": 7,
    "汕尾市": 4,
    "揭阳市": 5,
    "潮州市": 3,
    "湛江市": 9,
    "茂名市": 5,
    "阳江市": 4,
    "韶关市": 10,
    "梅州市": 8,
    "河源市": 6,
    "清远市": 8,
    "云浮市": 5,
}


def test_expected_table_covers_all_21_cities() -> None:
    assert set(EXPECTED_COUNTY_LEVEL) == set(CITIES)
    assert len(CITIES) == 21


@pytest.mark.parametrize(("city", "count"), sorted(EXPECTED_COUNTY_LEVEL.items()))
def test_county_level_count_per_city(city: str, count: int) -> None:
    assert len(county_level_divisions(city)) == count


def test_guangdong_total_is_122_by_kind() -> None:
    units = [d for city in CITIES for d in county_level_divisions(city)]
    assert len(units) == 122
    by_kind = {kind: sum(1 for d in units if d.kind is kind) for kind in DistrictKind}
    assert by_kind[DistrictKind.DISTRICT] == 65
    assert by_kind[DistrictKind.COUNTY_LEVEL_CITY] == 20
    assert by_kind[DistrictKind.COUNTY] == 34
    assert by_kind[DistrictKind.AUTONOMOUS_COUNTY] == 3


def test_codes_are_unique_six_digit_and_inside_their_city_prefix() -> None:
    seen: set[str] = set()
    for city in CITIES:
        prefixes = {d.code[:4] for d in county_level_divisions(city) if d.code}
        assert len(prefixes) <= 1, city  # all divisions of one city share the 4-digit city code
        for d in districts(city):
            if d.code is None:
                continue
            assert len(d.code) == 6
            assert d.code.isdigit()
            assert d.code.startswith("44"), d  # 44 = 广东省
            assert d.code not in seen
            seen.add(d.code)
    # every official county-level division carries a code
    assert all(d.code for city in CITIES for d in county_level_divisions(city))


def test_jieyang_divisions_and_airport_zone() -> None:
    names = [d.name_zh for d in districts("揭阳")]
    assert names == ["榕城区", "揭东区", "揭西县", "惠来县", "普宁市", "空港经济区"]
    airport = find_district("揭阳市", "空港经济区")
    assert airport is not None
    assert airport.kind is DistrictKind.FUNCTIONAL_ZONE
    assert airport.code is None
    assert not airport.is_county_level
    puning = find_district("揭阳", "普宁市")
    assert puning is not None
    assert puning.kind is DistrictKind.COUNTY_LEVEL_CITY


def test_meizhou_divisions() -> None:
    assert {d.name_zh for d in districts("梅州市")} == {
        "梅江区",
        "梅县区",
        "兴宁市",
        "平远县",
        "蕉岭县",
        "大埔县",
        "丰顺县",
        "五华县",
    }
    meijiang = find_district("梅州", "梅江区")
    assert meijiang is not None
    assert meijiang.code == "441402"


@pytest.mark.parametrize("city", ["东莞市", "中山市"])
def test_cities_without_counties_offer_towns_and_subdistricts(city: str) -> None:
    units = districts(city)
    assert county_level_divisions(city) == ()
    assert units, city
    kinds = {d.kind for d in units}
    assert DistrictKind.TOWN in kinds
    assert DistrictKind.SUBDISTRICT in kinds
    assert all(d.code is None for d in units)


def test_dongguan_and_zhongshan_town_counts() -> None:
    dg = districts("东莞")
    assert sum(d.kind is DistrictKind.SUBDISTRICT for d in dg) == 4
    assert sum(d.kind is DistrictKind.TOWN for d in dg) == 28
    zs = districts("中山")
    assert sum(d.kind is DistrictKind.SUBDISTRICT for d in zs) == 8
    assert sum(d.kind is DistrictKind.TOWN for d in zs) == 15
    assert is_valid_district("东莞", "虎门镇")
    assert is_valid_district("中山市", "小榄镇")


@pytest.mark.parametrize(
    ("city", "name"),
    [
        ("揭阳市", "榕城区"),
        ("揭阳", "榕城"),  # short form
        ("揭阳", "Puning City"),  # English, case-insensitive below
        ("揭阳", "puning city"),
        ("揭阳", "445222"),  # code
        ("清远", "连山"),  # 连山壮族瑶族自治县
        ("韶关市", "乳源"),
        ("汕尾市", "城区"),
        ("梅州", "梅县"),
        ("广州", " 天河区 "),
    ],
)
def test_is_valid_district_accepts(city: str, name: str) -> None:
    assert is_valid_district(city, name)


@pytest.mark.parametrize(
    ("city", "name"),
    [
        ("揭阳市", "梅江区"),  # belongs to 梅州
        ("梅州市", "榕城区"),  # belongs to 揭阳
        ("揭阳市", "蓝城区"),  # not in the 2024 list (see districts.yaml DECISIONS 2)
        ("汕尾市", "城"),  # too short to be a short form
        ("广州市", ""),
        ("北京市", "东城区"),  # not a Guangdong city
        ("东莞市", "莞城区"),  # 东莞 has 莞城街道, not a district
    ],
)
def test_is_valid_district_rejects(city: str, name: str) -> None:
    assert not is_valid_district(city, name)


def test_districts_unknown_city_raises() -> None:
    with pytest.raises(KeyError):
        districts("北京市")


def test_short_names_are_unambiguous_within_each_city() -> None:
    for city in CITIES:
        shorts = [d.short_name for d in districts(city)]
        assert len(shorts) == len(set(shorts)), city


def test_existing_region_api_still_works() -> None:
    assert region_group("揭阳").value == "ewn_12"
    assert zone("深圳").value == "prd_core"
