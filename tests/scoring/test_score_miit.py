"""MIIT 2024: exact points vs an independent sum of the shared YAML, level boundaries, exchange form."""

from __future__ import annotations

import json
import random
from decimal import Decimal
from typing import Any

import pytest
from tests_support import shared_miit_reference

import questionnaires as q
from scoring.maturity import level_rule, miit_level, result_to_json, score
from scoring.maturity.result import ScenarioResult

INST = q.load("miit-sme-digital", "2024")


@pytest.fixture(scope="module")
def shared() -> dict[str, Any]:
    return shared_miit_reference()


def _questions(doc: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(d["id"], qn) for d in doc["dimensions"] for sd in d["sub_dimensions"] for qn in sd["questions"]]


def _independent_sum(doc: dict[str, Any], answers: dict[str, Any]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {"base": Decimal(0), "mgmt": Decimal(0), "effect": Decimal(0)}
    for dim, qn in _questions(doc):
        pts = {o["letter"]: Decimal(str(o["points"])) for o in qn["options"]}
        a = answers.get(qn["id"])
        if a is None:
            continue
        chosen = a if isinstance(a, list) else [a]
        totals[dim] += sum((pts[c] for c in chosen), Decimal(0))
    totals["total"] = totals["base"] + totals["mgmt"] + totals["effect"]
    return totals


def _random_answers(doc: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for _, qn in _questions(doc):
        letters = [o["letter"] for o in qn["options"]]
        if qn["choice"] == "single":
            out[qn["id"]] = rng.choice(letters)
        else:
            real = [o["letter"] for o in qn["options"] if not o.get("none_option")]
            picked = sorted(rng.sample(real, rng.randint(0, len(real))))
            out[qn["id"]] = picked or ["A"]
    return out


def _scenario_ids(doc: dict[str, Any]) -> list[str]:
    return [s["id"] for g in doc["scenarios"]["groups"] for s in g["scenarios"]]


def test_totals_match_independent_sum(shared: dict[str, Any]) -> None:
    rng = random.Random(20240904)
    sets = [_random_answers(shared, rng) for _ in range(40)]
    # and the two extremes
    sets.append(
        {
            qid: (
                [o["letter"] for o in qn["options"] if not o.get("none_option")]
                if qn["choice"] == "multi"
                else qn["options"][-1]["letter"]
            )
            for qid, qn in ((qn["id"], qn) for _, qn in _questions(shared))
        }
    )
    sets.append({qn["id"]: "A" for _, qn in _questions(shared)})
    for answers in sets:
        expected = _independent_sum(shared, answers)
        r = score(INST, {"answers": answers, "scenario_levels": {}})
        assert r.miit is not None
        for key in ("total", "base", "mgmt", "effect"):
            assert r.miit.points[key] == expected[key], (key, answers)
        body = json.loads(result_to_json(r))
        for key in ("total", "base", "mgmt", "effect"):
            assert isinstance(body["miit"]["points"][key], float)
            assert Decimal(repr(body["miit"]["points"][key])) == expected[key]
    assert _independent_sum(shared, sets[-2])["total"] == Decimal(100)


def test_data_collection_sums_exactly() -> None:
    every = [chr(c) for c in range(ord("B"), ord("O") + 1)]
    r = score(INST, {"base.data_collection.auto_collection": every})
    assert r.miit is not None and r.miit.groups["base.data_collection"] == Decimal("10.000")
    r2 = score(INST, {"base.data_collection.auto_collection": ["B", "C", "O"]})
    assert r2.miit is not None and r2.miit.points["base"] == Decimal("2.3")


def _scen(levels: list[int], constraint: list[bool]) -> tuple[ScenarioResult, ...]:
    return tuple(
        ScenarioResult(f"s{i}", None, f"s{i}", c, lv, True)
        for i, (lv, c) in enumerate(zip(levels, constraint, strict=True))
    )


ALL_CONSTRAINT = [True] * 10 + [False] * 6


@pytest.mark.parametrize(
    ("points", "scenario_level", "expected"),
    [
        ("19.999", 4, 0),
        ("20", 4, 1),
        ("39.999", 4, 1),
        ("40", 4, 2),
        ("59.999", 4, 2),
        ("60", 4, 3),
        ("79.999", 4, 3),
        ("80", 4, 4),
        ("100", 4, 4),
        ("100", 0, 0),
        ("100", 1, 1),
        ("100", 2, 2),
        ("100", 3, 3),
    ],
)
def test_points_and_scenario_level_boundaries(points: str, scenario_level: int, expected: int) -> None:
    res = miit_level(Decimal(points), _scen([scenario_level] * 16, ALL_CONSTRAINT), level_rule())
    assert res.level == expected
    assert res.rule.status == "assumed"


@pytest.mark.parametrize(
    ("n_at", "n_constraint", "level", "expected"),
    [
        # level 1 needs 6 scenarios at ≥L1 incl. 3 constraint
        (5, 3, 1, 0),
        (6, 2, 1, 0),
        (6, 3, 1, 1),
        # level 2: 6 at ≥L2 incl. 3
        (6, 3, 2, 2),
        (5, 3, 2, 1),
        # level 3: 8 at ≥L3 incl. 5
        (8, 5, 3, 3),
        (7, 5, 3, 2),
        (8, 4, 3, 2),
        # level 4: 10 at L4 incl. 6
        (10, 6, 4, 4),
        (9, 6, 4, 3),
        (10, 5, 4, 3),
    ],
)
def test_scenario_count_and_constraint_boundaries(
    n_at: int, n_constraint: int, level: int, expected: int
) -> None:
    levels = [level] * n_at + [level - 1] * (16 - n_at)  # the others one level below
    constraint = [True] * n_constraint + [False] * (n_at - n_constraint) + [True] * (16 - n_at)
    res = miit_level(Decimal(100), _scen(levels, constraint), level_rule())
    assert res.level == expected


def test_next_level_shows_points_and_scenarios_missing() -> None:
    levels = [2] * 6 + [0] * 10
    res = miit_level(Decimal("37.5"), _scen(levels, ALL_CONSTRAINT), level_rule())
    assert res.level == 1
    nxt = res.next_level
    assert nxt is not None and nxt.level == 2
    assert nxt.points_short == Decimal("2.500")
    assert nxt.scenarios_short == 0 and nxt.constraint_short == 0
    res3 = miit_level(Decimal(60), _scen(levels, ALL_CONSTRAINT), level_rule())
    assert res3.level == 2 and res3.next_level is not None
    assert res3.next_level.scenarios_short == 8 and res3.next_level.constraint_short == 5
    assert res3.next_level.candidate_scenarios[0] == "s0"


def test_exchange_form_with_real_scenarios(shared: dict[str, Any]) -> None:
    sids = _scenario_ids(shared)
    answers = {
        qn["id"]: (
            "E" if qn["choice"] == "single" and len(qn["options"]) == 5 else qn["options"][-1]["letter"]
        )
        for _, qn in _questions(shared)
        if qn["choice"] == "single"
    }
    doc = {"answers": answers, "scenario_levels": dict.fromkeys(sids, 2)}
    r = score(INST, doc)
    assert r.miit is not None
    assert r.miit.scenario_counts["L2"] == 16 and r.miit.scenario_counts["constraint_L2"] == 10
    assert r.miit.points["total"] == _independent_sum(shared, answers)["total"]
    body = json.loads(result_to_json(r))
    assert body["miit"]["rule"]["status"] == "assumed"
    assert body["miit"]["rule"]["id"] == "miit-2024-candidate-v1"
    assert body["miit"]["level"] in (0, 1, 2)


def test_exchange_form_rejects_bad_letters_and_levels() -> None:
    from scoring.maturity import ScoringInputError

    with pytest.raises(ScoringInputError) as exc:
        score(
            INST,
            {
                "answers": {"base.info_systems.coverage": "Z"},
                "scenario_levels": {"ops.production.quality": 7},
            },
        )
    assert {e.field for e in exc.value.errors} == {
        "answers.base.info_systems.coverage",
        "answers.ops.production.quality",
    }
