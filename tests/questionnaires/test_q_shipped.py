"""Shipped instruments: MIIT 2024 matches the reference data exactly; gd-mfg-dt is complete and traceable."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from tests_support import shared_miit_reference

import questionnaires as q

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def reference() -> dict[str, Any]:
    return shared_miit_reference()


@pytest.fixture(scope="module")
def miit() -> q.Instrument:
    return q.load("miit-sme-digital", "2024")


@pytest.fixture(scope="module", params=q.registry().versions("gd-mfg-dt", published_only=True))
def gd(request: pytest.FixtureRequest) -> q.Instrument:
    # every published version: new assessments use the latest, stored ones stay on theirs
    return q.load("gd-mfg-dt", request.param)


def _d(x: Any) -> Decimal:
    return Decimal(str(x))


def test_miit_maxima_match_an_independent_sum(reference: dict[str, Any], miit: q.Instrument) -> None:
    expected: dict[str, Decimal] = {}
    for dim in reference["dimensions"]:
        total = Decimal(0)
        for sub in dim["sub_dimensions"]:
            for question in sub["questions"]:
                points = [_d(o["points"]) for o in question["options"]]
                total += sum(points, Decimal(0)) if question["choice"] == "multi" else max(points)
        expected[dim["id"]] = total
    assert expected == {"base": 50, "mgmt": 30, "effect": 20}
    ours = {m.id: m.points_available for m in miit.modules if m.id != "ops"}
    assert ours == expected
    assert {m.id: m.max_points for m in miit.modules if m.id != "ops"} == expected
    assert {m.id: m.weight for m in miit.modules} == {"base": 50, "mgmt": 30, "effect": 20, "ops": 0}
    assert sum(ours.values()) == miit.scoring.total_points == 100


def test_miit_ids_letters_points_identical(reference: dict[str, Any], miit: q.Instrument) -> None:
    questions = [
        qq for dim in reference["dimensions"] for sub in dim["sub_dimensions"] for qq in sub["questions"]
    ]
    assert [i.id for i in miit.items if i.type != "scenario_level"] == [qq["id"] for qq in questions]
    for ref in questions:
        item = miit.item(ref["id"])
        assert item.type == ref["choice"]
        assert item.max_points == _d(ref["max_points"])
        assert item.source_id == ref["source_id"]
        assert [(o.id, o.points, o.exclusive) for o in item.options] == [
            (o["letter"], _d(o["points"]), bool(o.get("none_option"))) for o in ref["options"]
        ]
        assert [e.id for e in item.evidence] == [f["id"] for f in ref["evidence_fields"]]
        for opt, ref_opt in zip(item.options, ref["options"], strict=True):
            if "%" in ref_opt["text"] or len(ref_opt["text"]) < 8:  # number bands and terms stay verbatim
                assert opt.text_zh == ref_opt["text"]


def test_miit_scenarios_verbatim(reference: dict[str, Any], miit: q.Instrument) -> None:
    scenarios = [s for g in reference["scenarios"]["groups"] for s in g["scenarios"]]
    items = [i for i in miit.items if i.type == "scenario_level"]
    assert len(items) == 16
    assert [i.id for i in items] == [s["id"] for s in scenarios]
    for item, ref in zip(items, scenarios, strict=True):
        assert item.constraint is ref["constraint"]
        assert [(s.level, s.text_zh) for s in item.ladder] == [
            (int(k[1]), v) for k, v in ref["levels"].items()
        ]
        assert item.max_points is None
    assert sum(i.constraint for i in items) == 10
    assert miit.item("ops.production.quality").constraint


def test_miit_none_options_are_exclusive(miit: q.Instrument) -> None:
    for item in miit.items:
        if item.type == "multi":
            assert item.options[0].text_zh == "无" and item.options[0].exclusive
            assert not any(o.exclusive for o in item.options[1:])


def test_gd_size_and_modules(gd: q.Instrument) -> None:
    assert 60 <= len(gd.items) <= 90
    general = {m.id for m in gd.modules if not m.clusters}
    assert general == {"cloud", "platform", "net", "software", "equip", "data", "chain", "org", "green"}
    clusters = {c for m in gd.modules for c in m.clusters}
    assert clusters >= {"c01", "c02", "c05", "c06", "c09", "c12"}
    assert sum(m.weight for m in gd.modules if not m.clusters) == 100
    for module in gd.modules:
        assert [lv.level for lv in module.levels] == [1, 2, 3, 4, 5]
        assert all(lv.description_zh and lv.description_en for lv in module.levels)
        assert module.points_available > 0


def test_gd_every_item_cites_a_seed_line(gd: q.Instrument) -> None:
    for item in gd.items:
        assert item.source is not None, item.id
        doc = gd.source(item.source.document)
        assert doc is not None and doc.file and doc.file.startswith("seeds/"), item.id
        assert item.source.lines and item.source.lines.lstrip().startswith("L"), item.id


def test_gd_numeric_items_have_units(gd: q.Instrument) -> None:
    for item in gd.items:
        if item.type in ("number", "integer"):
            assert item.unit, item.id
        for field in item.evidence:
            assert field.unit, (item.id, field.id)
    units = {i.unit for i in gd.items} | {f.unit for i in gd.items for f in i.evidence}
    assert {"台", "万元/年", "%"} <= units


def test_gd_cloud_kinds_are_decided_by_answers(gd: q.Instrument) -> None:
    flag_ids = {f.id for m in gd.modules for f in m.flags}
    assert {"on_cloud.equipment", "on_cloud.rnd", "on_cloud.supply_chain", "on_cloud.operations"} <= flag_ids
    answers = {
        "cloud.equipment.realtime": "C",
        "cloud.equipment.uses": ["B", "C"],
        "cloud.rnd.tools": "A",
        "cloud.supply.scope": ["B"],
        "cloud.ops.scope": ["C", "E"],
        "cloud.ops.integration": "B",
    }
    flags = q.flags(gd, answers)
    assert flags["on_cloud.equipment"] and flags["on_cloud.operations"]
    assert not flags["on_cloud.rnd"] and not flags["on_cloud.supply_chain"]
    answers["cloud.equipment.realtime"] = (
        "B"  # data only collected locally: not on cloud, uses question skipped
    )
    assert not q.flags(gd, answers)["on_cloud.equipment"]
    assert not q.is_visible(gd, "cloud.equipment.uses", answers)


def test_gd_no_5g_skips_5g_details(gd: q.Instrument) -> None:
    details = {"net.5g_scenarios", "net.5g_terminals"}
    shown = {i.id for i in q.visible_items(gd, {"net.5g_coverage": "A"})}
    assert not details & shown
    shown = {i.id for i in q.visible_items(gd, {"net.5g_coverage": "C"})}
    assert details <= shown
    check = q.validate_answer(gd, "net.5g_scenarios", ["B"], answers={"net.5g_coverage": "B"})
    assert (check.ok, check.code) == (False, "not_visible")


def test_gd_cluster_modules_only_for_their_cluster(gd: q.Instrument) -> None:
    ids = {i.id for i in q.visible_items(gd, {}, cluster="c02")}
    assert "c02.key_data" in ids and "c06.flexible" not in ids
    assert not any(i.id.startswith("c0") or i.id.startswith("c1") for i in q.visible_items(gd, {}))
