"""Roadmap: ranking formula, targets, horizons, catalogue data."""

from __future__ import annotations

import pytest
from score_support import toy_instrument

import questionnaires as q
from scoring.maturity import score
from scoring.maturity.roadmap import build_roadmap, catalogue, parse_catalogue

INST = toy_instrument()


def _cat() -> tuple:
    base = {
        "effort": 1,
        "horizon": "0-6",
        "support": "none",
        "measure_zh": "m",
        "measure_en": "m",
        "source": "s",
    }
    return parse_catalogue(
        {
            "instruments": ["toy-inst"],
            "actions": [
                # same module a, same gain; ranking only by support and effort
                {
                    **base,
                    "id": "cheap_supported",
                    "module": "a",
                    "title_zh": "t",
                    "title_en": "t",
                    "answers": {"a.fine": "O4000"},
                    "support": "high",
                },
                {
                    **base,
                    "id": "cheap_plain",
                    "module": "a",
                    "title_zh": "t",
                    "title_en": "t",
                    "answers": {"a.fine": "O4000"},
                },
                {
                    **base,
                    "id": "costly_plain",
                    "module": "a",
                    "title_zh": "t",
                    "title_en": "t",
                    "answers": {"a.fine": "O4000"},
                    "effort": 3,
                    "horizon": "18-36",
                },
                # smaller gain in the lighter module b
                {
                    **base,
                    "id": "small_b",
                    "module": "b",
                    "title_zh": "t",
                    "title_en": "t",
                    "answers": {"b.multi": ["B"]},
                    "horizon": "6-18",
                },
            ],
        }
    )


def test_ranking_order_is_obvious() -> None:
    answers = {"a.fine": "O2000", "a.gate": "Y"}
    r = score(INST, answers)
    rm = build_roadmap(INST, answers, None, r.modules, actions=_cat())
    ranked = sorted((a for h in rm.horizons.values() for a in h), key=lambda a: a.rank)
    ids = [a.action_id for a in ranked if not a.action_id.startswith("item:")]
    # gain × share × support ÷ effort: a: (20 + 10) × 0.6 × 1.5 = 27, × 1 = 18, ÷ 3 = 6
    # b: (25 + 10) × 0.4 = 14
    assert ids == ["cheap_supported", "cheap_plain", "small_b", "costly_plain"]
    top = ranked[0]
    assert top.level_before == 2 and top.level_after == 3
    assert top.horizon == "0-6" and top.score_gain > 0
    assert [a.action_id for a in rm.horizons["18-36"]] == ["costly_plain"]


def test_targets_stop_actions_and_requirements_come_first() -> None:
    answers = {"a.fine": "O10000", "a.gate": "N", "b.multi": ["B"]}
    r = score(INST, answers)
    cat = _cat() + parse_catalogue(
        {
            "actions": [
                {
                    "id": "open_gate",
                    "instruments": ["toy-inst"],
                    "module": "a",
                    "title_zh": "t",
                    "title_en": "t",
                    "measure_zh": "m",
                    "measure_en": "m",
                    "source": "s",
                    "answers": {"a.gate": "Y"},
                    "effort": 3,
                    "horizon": "6-18",
                    "support": "none",
                }
            ]
        }
    )
    rm = build_roadmap(INST, answers, None, r.modules, targets={"a": 3, "b": 1}, actions=cat)
    ranked = sorted((a for h in rm.horizons.values() for a in h), key=lambda a: a.rank)
    assert ranked[0].action_id == "open_gate" and ranked[0].needed_for_target
    assert all(a.module_id != "b" for a in ranked)  # b already at its target
    assert rm.reached == ("b",)
    rm2 = build_roadmap(INST, answers, None, r.modules, targets={"a": 2, "b": 1}, actions=cat)
    assert not any(rm2.horizons.values())


@pytest.mark.parametrize("version", q.registry().versions("gd-mfg-dt", published_only=True))
def test_catalogue_refers_to_existing_items_of_gd_instrument(version: str) -> None:
    inst = q.load("gd-mfg-dt", version)
    ids = {i.id for i in inst.items}
    for action in catalogue():
        assert action.source
        assert set(action.answers) <= ids, action.id
    r = score(inst, {}, profile={"cluster": "c06"})
    assert r.roadmap is not None and r.roadmap.catalogue_gaps == ()
    first = min((a for h in r.roadmap.horizons.values() for a in h), key=lambda a: a.rank)
    assert first.rank == 1
    programs = {p.program_id for h in r.roadmap.horizons.values() for a in h for p in a.programs}
    assert {
        "gd_dt_benchmark_2022",
        "gd_techreform_equipment_post_award",
        "gd_sme_dt_pilot_digital_level",
    } <= programs
