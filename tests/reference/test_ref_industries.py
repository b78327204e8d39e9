"""GB/T 4754-2017 sections/divisions and the 20 战略性产业集群 (scoring/reference/industries.py)."""

from __future__ import annotations

import pytest

from scoring.reference.industries import (
    ClusterKind,
    cluster,
    cluster_suggestion,
    clusters,
    division,
    divisions,
    section,
    section_of,
    sections,
    suggested_clusters,
)


def test_sections_are_a_to_t() -> None:
    assert [s.code for s in sections()] == list("ABCDEFGHIJKLMNOPQRST")
    assert section("c").name_zh == "制造业"
    assert section("I").name_zh == "信息传输、软件和信息技术服务业"
    assert section("D").name_zh == "电力、热力、燃气及水生产和供应业"
    with pytest.raises(KeyError):
        section("U")


def test_manufacturing_has_all_31_divisions_13_to_43() -> None:
    codes = [d.code for d in divisions("C")]
    assert codes == [str(n) for n in range(13, 44)]


@pytest.mark.parametrize(
    ("sec", "codes"),
    [
        ("A", ["01", "02", "03", "04", "05"]),
        ("B", ["06", "07", "08", "09", "10", "11", "12"]),
        ("D", ["44", "45", "46"]),
        ("E", ["47", "48", "49", "50"]),
        ("F", ["51", "52"]),
        ("G", ["53", "54", "55", "56", "57", "58", "59", "60"]),
        ("I", ["63", "64", "65"]),
        ("K", ["70"]),
        ("L", ["71", "72"]),
        ("M", ["73", "74", "75"]),
        ("T", ["97"]),
    ],
)
def test_division_ranges_per_section(sec: str, codes: list[str]) -> None:
    assert [d.code for d in divisions(sec)] == codes


def test_all_97_divisions_unique_and_ordered() -> None:
    codes = [d.code for d in divisions()]
    assert codes == [f"{n:02d}" for n in range(1, 98)]


@pytest.mark.parametrize(
    ("code", "name", "sec"),
    [
        ("39", "计算机、通信和其他电子设备制造业", "C"),
        ("36", "汽车制造业", "C"),
        ("26", "化学原料和化学制品制造业", "C"),
        ("3973", "计算机、通信和其他电子设备制造业", "C"),  # 小类 code is cut to its division
        ("6", "煤炭开采和洗选业", "B"),  # single digit padded
        ("65", "软件和信息技术服务业", "I"),
        ("51", "批发业", "F"),
    ],
)
def test_division_lookup(code: str, name: str, sec: str) -> None:
    assert division(code).name_zh == name
    assert section_of(code) == sec


def test_unknown_division_raises() -> None:
    with pytest.raises(KeyError):
        division("98")
    with pytest.raises(KeyError):
        divisions("Z")


def test_twenty_clusters_with_canonical_names() -> None:
    all_clusters = clusters()
    assert [c.id for c in all_clusters] == [f"c{n:02d}" for n in range(1, 21)]
    # D8 二 L2149 / L2151, in this order
    assert [c.name_zh for c in clusters(ClusterKind.PILLAR)] == [
        "新一代电子信息",
        "绿色石化",
        "智能家电",
        "汽车",
        "先进材料",
        "现代轻工纺织",
        "软件与信息服务",
        "超高清视频显示",
        "生物医药与健康",
        "现代农业与食品",
    ]
    assert [c.name_zh for c in clusters(ClusterKind.EMERGING)] == [
        "半导体与集成电路",
        "高端装备制造",
        "智能机器人",
        "区块链与量子信息",
        "前沿新材料",
        "新能源",
        "激光与增材制造",
        "数字创意",
        "安全应急与环保",
        "精密仪器设备",
    ]
    for c in all_clusters:
        assert "L2" in c.source, c  # every cluster cites its D8 lines
        assert c.name_en


@pytest.mark.parametrize(
    ("name", "cid"),
    [
        ("c11", "c11"),
        ("半导体及集成电路", "c11"),
        ("汽车产业", "c04"),
        ("软件与信息服务业", "c07"),
        ("新能源", "c16"),
    ],
)
def test_cluster_lookup_by_id_name_or_variant(name: str, cid: str) -> None:
    assert cluster(name).id == cid


def test_unknown_cluster_raises() -> None:
    with pytest.raises(KeyError):
        cluster("c21")


@pytest.mark.parametrize(
    ("code", "first"),
    [("39", "c01"), ("25", "c02"), ("26", "c02"), ("36", "c04"), ("27", "c09"), ("40", "c20"), ("13", "c10")],
)
def test_suggested_cluster_defaults(code: str, first: str) -> None:
    suggestion = suggested_clusters(code)
    assert suggestion[0] == first


def test_suggestions_only_reference_real_clusters_and_are_marked_as_ours() -> None:
    ids = {c.id for c in clusters()}
    for d in divisions():
        assert set(suggested_clusters(d.code)) <= ids
    assert suggested_clusters("41") == ()  # 其他制造业: no default
    assert suggested_clusters("66") == ()  # 金融: not in the mapping
    every_manufacturing_division_has_an_entry = all(cluster_suggestion(d.code) for d in divisions("C"))
    assert every_manufacturing_division_has_an_entry
    entry = cluster_suggestion("34")
    assert entry is not None
    assert entry.reason
