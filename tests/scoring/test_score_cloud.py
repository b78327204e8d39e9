"""上云上平台 counts (instrument flags) and 5G tiers."""

from __future__ import annotations

import pytest

import questionnaires as q
from scoring.maturity import score

GD = q.load("gd-mfg-dt", "2025.1")  # kept on purpose: assessments pinned to it keep its counts
GD_2 = q.load("gd-mfg-dt", "2025.2")


def test_nothing_on_cloud() -> None:
    r = score(GD, {})
    assert r.cloud is not None
    assert not r.cloud.on_cloud and not r.cloud.on_platform
    assert [k.kind_id for k in r.cloud.kinds] == [
        "cloud_equipment",
        "cloud_rnd",
        "cloud_supply_chain",
        "cloud_operations",
    ]
    assert r.cloud.definition_gaps == ()
    assert all(k.missing_zh for k in r.cloud.kinds)


def test_each_kind_follows_its_flag() -> None:
    answers = {
        "cloud.equipment.realtime": "C",
        "cloud.equipment.uses": ["B"],
        "cloud.rnd.tools": "C",
        "cloud.supply.scope": [
            "B",
            "C",
        ],  # only purchase orders / supplier management: not the supply-chain kind
        "cloud.ops.scope": ["C"],
        "cloud.ops.integration": "A",
    }
    r = score(GD, answers)
    assert r.cloud is not None
    status = {k.kind_id: k.counted for k in r.cloud.kinds}
    assert status == {
        "cloud_equipment": True,
        "cloud_rnd": True,
        "cloud_supply_chain": False,
        "cloud_operations": False,
    }
    flags = q.flags(GD, answers)
    assert status["cloud_equipment"] == flags["on_cloud.equipment"]
    assert r.cloud.on_cloud and not r.cloud.on_platform


def test_on_platform_needs_data_integrated_on_platform() -> None:
    r = score(GD, {"platform.use": "C", "platform.data_elements": ["B"], "platform.analysis": "C"})
    assert r.cloud is not None and r.cloud.on_platform
    r2 = score(GD, {"platform.use": "C", "platform.data_elements": ["B"], "platform.analysis": "B"})
    assert r2.cloud is not None and not r2.cloud.on_platform and r2.cloud.platform_missing_zh


@pytest.mark.parametrize(
    ("kinds", "analysis", "on_platform"),
    [
        (["B"], "A", False),  # stored only
        (["B"], "B", True),  # one kind, used on dashboards: enough from 2025.2
        (["D"], "C", True),
        (["B", "C", "D"], "D", True),
        (["A"], "D", False),  # no data on the platform
    ],
)
def test_2025_2_counts_on_platform_as_the_benchmark_rule_reads_it(
    kinds: list[str], analysis: str, on_platform: bool
) -> None:
    # D10 L2577, read once for both (gd_dt_benchmark_2022 clause data_on_cloud): at least one kind of data on
    # the platform and used there beyond storage.
    r = score(GD_2, {"platform.use": "C", "platform.data_elements": kinds, "platform.analysis": analysis})
    assert r.cloud is not None and r.cloud.on_platform is on_platform


BASE = {"net.intranet": "C", "data.security_measures": ["C"], "net.edge": True}


@pytest.mark.parametrize(
    ("answers", "tier", "next_tier"),
    [
        ({}, "none", "line"),
        ({"net.5g_coverage": "B"}, "none", "line"),
        ({"net.5g_coverage": "C", "net.5g_scenarios": ["A"]}, "none", "line"),
        ({"net.5g_coverage": "C", "net.5g_scenarios": ["D"]}, "line", "workshop"),
        ({"net.5g_coverage": "C", "net.5g_scenarios": ["D", "E"]}, "line", "workshop"),  # peripheral only
        ({"net.5g_coverage": "C", "net.5g_scenarios": ["B", "D"]}, "workshop", "factory"),
        (
            {"net.5g_coverage": "C", "net.5g_scenarios": ["B", "C", "D"]},
            "workshop",
            "factory",
        ),  # not whole site
        ({"net.5g_coverage": "D", "net.5g_scenarios": ["B", "C", "D"]}, "factory", None),
    ],
)
def test_fiveg_tiers(answers: dict, tier: str, next_tier: str | None) -> None:
    r = score(GD, {**BASE, **answers})
    assert r.fiveg is not None
    assert (r.fiveg.tier, r.fiveg.next_tier) == (tier, next_tier)
    assert bool(r.fiveg.missing_zh) == (next_tier is not None)


def test_factory_tier_needs_edge_computing() -> None:
    r = score(GD, {**BASE, "net.edge": False, "net.5g_coverage": "D", "net.5g_scenarios": ["B", "C", "D"]})
    assert r.fiveg is not None and r.fiveg.tier == "workshop"
    assert any("net.edge" in m for m in r.fiveg.missing_en)


def test_miit_has_no_cloud_section() -> None:
    r = score(q.load("miit-sme-digital", "2024"), {})
    assert r.cloud is None and r.fiveg is None and r.miit is not None
