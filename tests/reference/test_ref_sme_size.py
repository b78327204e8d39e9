"""SME size classification by 工信部联企业〔2011〕300号 (scoring/reference/sme_size.py)."""

from __future__ import annotations

import dataclasses
import re

import pytest

from scoring.reference.industries import divisions
from scoring.reference.sme_size import (
    RULES,
    Bound,
    Metric,
    Sector,
    Size,
    classify,
    sector_for_division,
    sector_mapping,
)

BIG = 10_000_000  # a value far above every ceiling

L, M, S, MI = Size.LARGE, Size.MEDIUM, Size.SMALL, Size.MICRO


def size(sector: str, employees: float | None, revenue: float | None, assets: float | None) -> Size | None:
    return classify(sector, None if employees is None else int(employees), revenue, assets).size


# ---- 工业 (二): every boundary ---------------------------------------------------


@pytest.mark.parametrize(
    ("employees", "revenue", "expected"),
    [
        # employees decide (revenue far above every threshold)
        (19, BIG, MI),
        (20, BIG, S),
        (299, BIG, S),
        (300, BIG, M),
        (999, BIG, M),
        (1000, BIG, L),
        # revenue decides (employees far above every threshold)
        (BIG, 299.99, MI),
        (BIG, 300, S),
        (BIG, 1999, S),
        (BIG, 1999.99, S),
        (BIG, 2000, M),
        (BIG, 39999, M),
        (BIG, 39999.99, M),
        (BIG, 40000, L),
        # large needs BOTH: 1000人及以上 AND 40000万元及以上 ("以下或…以下" = SME)
        (1000, 40000, L),
        (999, 40000, M),
        (1000, 39999, M),
        # medium/small need BOTH floors, micro needs only one indicator below
        (300, 1999, S),
        (299, 2000, S),
        (20, 300, S),
        (19, 300, MI),
        (20, 299.99, MI),
        (0, 0, MI),
    ],
)
def test_industry_boundaries(employees: int, revenue: float, expected: Size) -> None:
    assert size("工业", employees, revenue, None) is expected


def test_industry_result_quotes_the_deciding_sentence() -> None:
    r = classify("industry", 300, 2000, None)
    assert r.size is Size.MEDIUM
    assert r.size_zh == "中型"
    assert r.rule_zh == "从业人员300人及以上，且营业收入2000万元及以上的为中型企业"
    assert r.clause == "300号 第四条(二) 工业"
    assert "medium" in r.rule_en
    assert r.missing == ()
    assert r.is_sme is True

    large = classify("工业", 1000, 40000, None)
    assert large.size is Size.LARGE
    assert large.size_zh == "大型"
    assert large.rule_zh == "从业人员1000人以下或营业收入40000万元以下的为中小微型企业"
    assert large.is_sme is False

    micro = classify("工业", 19, 50000, None)
    assert micro.rule_zh == "从业人员20人以下或营业收入300万元以下的为微型企业"
    assert "employees 19 < 20" in micro.rule_en
    assert "revenue" not in micro.rule_en  # only the indicator that made it micro is named


# ---- 批发业 (四) ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("employees", "revenue", "expected"),
    [
        (4, BIG, MI),
        (5, BIG, S),
        (19, BIG, S),
        (20, BIG, M),
        (199, BIG, M),
        (200, BIG, L),
        (200, 39999.99, M),
        (200, 40000, L),
        (BIG, 999.99, MI),
        (BIG, 1000, S),
        (BIG, 4999.99, S),
        (BIG, 5000, M),
    ],
)
def test_wholesale_boundaries(employees: int, revenue: float, expected: Size) -> None:
    assert size("批发业", employees, revenue, None) is expected


# ---- 零售业 (五) ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("employees", "revenue", "expected"),
    [
        (9, BIG, MI),
        (10, BIG, S),
        (49, BIG, S),
        (50, BIG, M),
        (299, BIG, M),
        (300, BIG, L),
        (300, 19999.99, M),
        (300, 20000, L),
        (BIG, 99.99, MI),
        (BIG, 100, S),
        (BIG, 499.99, S),
        (BIG, 500, M),
    ],
)
def test_retail_boundaries(employees: int, revenue: float, expected: Size) -> None:
    assert size("retail", employees, revenue, None) is expected


# ---- 软件和信息技术服务业 (十二) ----------------------------------------------------------


@pytest.mark.parametrize(
    ("employees", "revenue", "expected"),
    [
        (9, BIG, MI),
        (10, BIG, S),
        (99, BIG, S),
        (100, BIG, M),
        (299, BIG, M),
        (300, BIG, L),
        (300, 9999.99, M),
        (300, 10000, L),
        (BIG, 49.99, MI),
        (BIG, 50, S),
        (BIG, 999.99, S),
        (BIG, 1000, M),
    ],
)
def test_software_boundaries(employees: int, revenue: float, expected: Size) -> None:
    assert size("软件和信息技术服务业", employees, revenue, None) is expected


# ---- 建筑业 (三): revenue + total assets, employees irrelevant --------------------


@pytest.mark.parametrize(
    ("revenue", "assets", "expected"),
    [
        (BIG, 299.99, MI),
        (BIG, 300, S),
        (BIG, 4999.99, S),
        (BIG, 5000, M),
        (BIG, 79999.99, M),
        (BIG, 80000, L),
        (299.99, BIG, MI),
        (300, BIG, S),
        (5999.99, BIG, S),
        (6000, BIG, M),
        (79999.99, BIG, M),
        (80000, 80000, L),
        (6000, 4999.99, S),
    ],
)
def test_construction_boundaries(revenue: float, assets: float, expected: Size) -> None:
    assert size("建筑业", None, revenue, assets) is expected
    assert size("construction", 5, revenue, assets) is expected  # employees do not matter


# ---- 房地产开发经营 (十三): revenue + total assets -------------------------------------


@pytest.mark.parametrize(
    ("revenue", "assets", "expected"),
    [
        (BIG, 1999.99, MI),
        (BIG, 2000, S),
        (BIG, 4999.99, S),
        (BIG, 5000, M),
        (BIG, 9999.99, M),
        (BIG, 10000, L),
        (99.99, BIG, MI),
        (100, BIG, S),
        (999.99, BIG, S),
        (1000, BIG, M),
        (199999.99, BIG, M),
        (200000, 10000, L),
    ],
)
def test_real_estate_development_boundaries(revenue: float, assets: float, expected: Size) -> None:
    assert size("房地产开发经营", None, revenue, assets) is expected


# ---- other clauses ------------------------------------------------------------


@pytest.mark.parametrize(
    ("sector", "employees", "revenue", "assets", "expected"),
    [
        ("农、林、牧、渔业", None, 49.99, None, MI),
        ("农、林、牧、渔业", None, 50, None, S),
        ("农、林、牧、渔业", None, 500, None, M),
        ("农、林、牧、渔业", None, 20000, None, L),
        ("交通运输业", 300, 3000, None, M),
        ("交通运输业", 300, 2999, None, S),
        ("仓储业", 200, 30000, None, L),
        ("仓储业", 199, 30000, None, M),
        ("邮政业", 20, 100, None, S),
        ("邮政业", 20, 99, None, MI),
        ("住宿业", 100, 2000, None, M),
        ("餐饮业", 10, 100, None, S),
        ("信息传输业", 1999, 100000, None, M),
        ("信息传输业", 2000, 100000, None, L),
        ("物业管理", 100, 500, None, S),
        ("物业管理", 99, 500, None, MI),
        ("物业管理", 1000, 5000, None, L),
        ("租赁和商务服务业", 100, None, 8000, M),
        ("租赁和商务服务业", 300, None, 120000, L),
        ("租赁和商务服务业", 10, None, 99, MI),
        ("其他未列明行业", 9, None, None, MI),
        ("其他未列明行业", 10, None, None, S),
        ("其他未列明行业", 100, None, None, M),
        ("其他未列明行业", 300, None, None, L),
    ],
)
def test_other_clauses(
    sector: str, employees: int | None, revenue: float | None, assets: float | None, expected: Size
) -> None:
    assert size(sector, employees, revenue, assets) is expected


def test_all_sixteen_clauses_present_in_order() -> None:
    assert list(RULES) == list(Sector)
    assert len(RULES) == 16
    assert [r.item for r in RULES.values()][:3] == ["(一)", "(二)", "(三)"]
    assert RULES[Sector.OTHER].item == "(十六)"


_NUM = re.compile(r"(从业人员|营业收入|资产总额)(\d+)(?:人|万元)(以下|及以上)")
_METRIC_ZH = {"从业人员": Metric.EMPLOYEES, "营业收入": Metric.REVENUE, "资产总额": Metric.ASSETS}


def _parse(sentence: str, op: str) -> list[tuple[Metric, float]]:
    found = _NUM.findall(sentence)
    assert found, sentence
    assert all(o == op for _, _, o in found), sentence
    return [(_METRIC_ZH[m], float(v)) for m, v, _ in found]


@pytest.mark.parametrize("sector", list(Sector))
def test_thresholds_match_the_quoted_sentences(sector: Sector) -> None:
    """The numbers used by classify() are exactly those in the verbatim quotes of the rule."""
    rule = RULES[sector]
    assert [(b.metric, b.value) for b in rule.sme_ceiling] == _parse(rule.sme_zh, "以下")
    assert [(b.metric, b.value) for b in rule.medium_floor] == _parse(rule.medium_zh, "及以上")
    assert [(b.metric, b.value) for b in rule.small_floor] == _parse(rule.small_zh, "及以上")
    assert [(b.metric, b.value) for b in rule.small_floor] == _parse(rule.micro_zh, "以下")
    assert rule.sme_zh.endswith("的为中小微型企业")
    assert rule.medium_zh.endswith("的为中型企业")
    assert rule.small_zh.endswith("的为小型企业")
    assert rule.micro_zh.endswith("的为微型企业")
    if len(rule.sme_ceiling) == 2:
        assert "或" in rule.sme_zh
        assert "且" in rule.medium_zh
        assert "且" in rule.small_zh
        assert "或" in rule.micro_zh


@pytest.mark.parametrize("sector", list(Sector))
def test_each_clause_at_its_own_floors(sector: Sector) -> None:
    """Exactly at the ceilings → large; at the medium/small floors → medium/small; just below → micro."""
    rule = RULES[sector]

    def run(bounds: tuple[Bound, ...], delta: float) -> Size | None:
        values: dict[Metric, float | None] = dict.fromkeys(Metric)
        for b in bounds:
            values[b.metric] = b.value + delta
        emp = values[Metric.EMPLOYEES]
        employees = None if emp is None else int(emp)
        return classify(sector, employees, values[Metric.REVENUE], values[Metric.ASSETS]).size

    assert run(rule.sme_ceiling, 0) is Size.LARGE
    assert run(rule.medium_floor, 0) is Size.MEDIUM
    assert run(rule.small_floor, 0) is Size.SMALL
    assert run(rule.small_floor, -1) is Size.MICRO
    assert run(rule.sme_ceiling, -1) is Size.MEDIUM


# ---- missing inputs -----------------------------------------------------------


def test_missing_revenue_when_it_matters() -> None:
    r = classify("工业", 500, None, None)
    assert r.size is None
    assert r.size_zh is None
    assert r.is_sme is None
    assert r.missing == (Metric.REVENUE,)
    assert r.rule_zh == ""


def test_missing_both() -> None:
    assert classify("工业", None, None, None).missing == (Metric.EMPLOYEES, Metric.REVENUE)


def test_known_inputs_can_decide_alone() -> None:
    assert classify("工业", 12, None, None).size is Size.MICRO  # 从业人员20人以下 → micro whatever revenue
    assert classify("工业", None, 120, None).size is Size.MICRO
    assert classify("工业", 1500, None, None).size is None  # could be large or medium or small
    assert classify("工业", 1500, None, None).missing == (Metric.REVENUE,)


def test_missing_lists_only_the_clause_inputs() -> None:
    r = classify("建筑业", None, 10000, None)
    assert r.size is None
    assert r.missing == (Metric.ASSETS,)  # employees are not an indicator for 建筑业
    assert classify("其他未列明行业", None, 5, 5).missing == (Metric.EMPLOYEES,)


def test_bad_input() -> None:
    with pytest.raises(ValueError):
        classify("mining", 10, 10, None)
    with pytest.raises(ValueError):
        classify("工业", -1, 10, None)
    with pytest.raises(ValueError):
        classify("工业", 10, -0.01, None)


def test_result_is_frozen() -> None:
    r = classify("工业", 10, 10, None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.size = Size.LARGE  # type: ignore[misc]


# ---- GB/T 4754-2017 → clause --------------------------------------------------


@pytest.mark.parametrize(
    ("code", "sector"),
    [
        ("01", Sector.AGRICULTURE),
        ("1", Sector.AGRICULTURE),
        ("06", Sector.INDUSTRY),
        ("13", Sector.INDUSTRY),
        ("39", Sector.INDUSTRY),
        ("3973", Sector.INDUSTRY),
        ("43", Sector.INDUSTRY),
        ("44", Sector.INDUSTRY),
        ("46", Sector.INDUSTRY),
        ("47", Sector.CONSTRUCTION),
        ("50", Sector.CONSTRUCTION),
        ("51", Sector.WHOLESALE),
        ("52", Sector.RETAIL),
        ("53", None),
        ("54", Sector.TRANSPORT),
        ("58", Sector.TRANSPORT),
        ("59", Sector.WAREHOUSING),
        ("60", Sector.POSTAL),
        ("61", Sector.ACCOMMODATION),
        ("62", Sector.CATERING),
        ("63", Sector.INFO_TRANSMISSION),
        ("64", Sector.INFO_TRANSMISSION),
        ("65", Sector.SOFTWARE_IT),
        ("66", None),
        ("70", None),
        ("701", Sector.REAL_ESTATE_DEV),
        ("7010", Sector.REAL_ESTATE_DEV),
        ("702", Sector.PROPERTY_MGMT),
        ("703", Sector.OTHER),
        ("704", None),
        ("709", Sector.OTHER),
        ("71", Sector.LEASING_BUSINESS),
        ("72", Sector.LEASING_BUSINESS),
        ("73", Sector.OTHER),
        ("79", Sector.OTHER),
        ("82", Sector.OTHER),
        ("83", None),
        ("84", None),
        ("85", Sector.OTHER),
        ("90", Sector.OTHER),
        ("92", None),
        ("97", None),
    ],
)
def test_sector_for_division(code: str, sector: Sector | None) -> None:
    assert sector_for_division(code) is sector


def test_every_division_has_a_mapping_with_a_note() -> None:
    for d in divisions():
        assert sector_mapping(d.code).note


def test_unknown_division_raises() -> None:
    with pytest.raises(KeyError):
        sector_for_division("98")
