"""Upgrade plans (issue 23) against the real scorer: every plan reaches its target when its answers are scored
from scratch, no cheaper plan exists (brute force over small cases), unreachable targets say why, and pins
and exclusions are honoured."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from plan_support import applied, brute_force, generated, instrument, topped

from questionnaires.item_types import kind_of
from scoring.plan import Goal, Planner, Target, levels_by_score, plan_set
from scoring.plan.targets import Checker

GD_TARGETS = [Target("overall", 2), Target("overall", 3), Target("dimension", 3, "cloud")]
MIIT_TARGETS = [Target("miit", 1), Target("miit", 2), Target("miit", 3)]


@pytest.mark.parametrize("key", ["gd", "miit"])
@pytest.mark.parametrize("seed", range(3))
def test_every_plan_reaches_its_target_under_the_real_scorer(key: str, seed: int) -> None:
    inst = instrument(key)
    answers = generated(inst, seed)
    for target in GD_TARGETS if key == "gd" else MIIT_TARGETS:
        plans = plan_set(inst, answers, target, budget=1500).plans
        for objective, plan in plans.items():
            rescored = levels_by_score(inst, applied(inst, answers, plan.steps), None, (target,))
            assert plan.levels_after == rescored, objective
            if plan.status == "planned":
                assert rescored[0] >= target.level, (objective, plan)
                assert plan.levels_before[0] < target.level
                assert all(s.points_gained >= 0 and s.effort > 0 for s in plan.steps)
                assert plan.steps[-1].levels_after[0] >= target.level  # the steps' running levels agree
            elif plan.status == "reached":
                assert plan.levels_before[0] >= target.level and not plan.steps
            else:
                assert plan.status == "unreachable" and plan.reasons_zh and plan.reasons_en


def _small_cases(key: str, n: int) -> list[tuple[dict, Target, list[str]]]:
    """Assessments whose answers are all at their best but three or four items, with the target the level
    those items would reach at their best (so it is reachable, and not yet reached)."""
    inst = instrument(key)
    rng = random.Random(23)
    cases: list[tuple[dict, Target, list[str]]] = []
    scorable = [i.id for i in inst.items if i.scored or i.type == "scenario_level"]
    while len(cases) < n:
        seed = rng.randrange(10_000)
        open_items = rng.sample(scorable, 4 if key == "miit" else 3)
        base = topped(inst, generated(inst, seed), open_items)
        best = topped(inst, base, [])
        if key == "miit":
            kinds = [Target("miit", lv) for lv in range(1, 5)]
        else:
            module = inst.item(open_items[0]).module_id
            kinds = [Target("overall", lv) for lv in range(2, 6)]
            kinds += [Target("dimension", lv, module) for lv in range(2, 6)]
        for target in kinds:
            (now,) = levels_by_score(inst, base, None, (target,))
            (top,) = levels_by_score(inst, best, None, (target,))
            if now < target.level <= top:
                cases.append((base, target, open_items))
                break
    return cases


@pytest.mark.parametrize("key", ["gd", "miit"])
def test_no_cheaper_plan_exists_brute_force(key: str) -> None:
    inst = instrument(key)
    for base, target, open_items in _small_cases(key, 6):
        planner = Planner(inst, base, None)
        plan = planner.plan(target)
        assert plan.status == "planned" and plan.exact
        assert {s.item_id for s in plan.steps} <= set(open_items)
        cheapest = brute_force(planner, (target,), open_items)
        assert cheapest is not None
        assert plan.effort == cheapest, (target, open_items)


def test_cheapest_and_fastest_alternatives_are_no_worse_on_their_own_measure() -> None:
    inst = instrument("miit")
    for seed in range(4):
        plans = plan_set(inst, generated(inst, seed), Target("miit", 2)).plans
        if plans["effort"].status != "planned":
            continue
        if plans["cost"].exact and plans["effort"].exact:
            mid = sum(((s.cost_low + s.cost_high) / 2 for s in plans["cost"].steps), Decimal(0))
            main = sum(((s.cost_low + s.cost_high) / 2 for s in plans["effort"].steps), Decimal(0))
            assert mid <= main
        assert plans["time"].months <= plans["effort"].months
        assert plans["effort"].effort <= plans["cost"].effort


def test_unreachable_targets_say_why() -> None:
    inst = instrument("miit")
    answers = generated(inst, 3)
    scenarios = [i.id for i in inst.items if i.type == "scenario_level"]
    plan = Planner(inst, answers, None, exclude=scenarios).plan(Target("miit", 3))
    if levels_by_score(inst, answers, None, (Target("miit", 3),))[0] < 3:
        assert plan.status == "unreachable"
        assert any("场景" in r for r in plan.reasons_zh) and any("scenario" in r for r in plan.reasons_en)
        assert any("排除" in r for r in plan.reasons_zh)
    gd = instrument("gd")
    wrong = Planner(gd, generated(gd, 1), None).plan(Target("miit", 2))
    assert wrong.status == "invalid" and "MIIT" in wrong.reasons_en[0]


def test_pins_and_exclusions_are_honoured() -> None:
    inst = instrument("miit")
    answers, first = next(
        (a, p)
        for a, p in (
            (a, Planner(inst, a, None).plan(Target("miit", 2)))
            for a in (generated(inst, s) for s in range(20))
        )
        if p.status == "planned"
    )
    dropped = first.steps[0].item_id
    again = Planner(inst, answers, None, exclude=[dropped]).plan(Target("miit", 2))
    assert dropped not in {s.item_id for s in again.steps}
    assert again.status in ("planned", "unreachable")
    scored = [i for i in inst.items if i.scored and i.id not in {s.item_id for s in first.steps}]
    pin_item = next(i for i in scored if i.type == "single" and i.options[-1].id != answers.get(i.id))
    pinned = Planner(inst, answers, None, pins={pin_item.id: pin_item.options[-1].id}).plan(Target("miit", 2))
    step = next(s for s in pinned.steps if s.item_id == pin_item.id)
    assert step.pinned and step.new_answer == pin_item.options[-1].id
    assert pinned.effort >= first.effort  # a pin can only add to the least effort


def test_programme_goals_are_reached_when_they_can_be() -> None:
    inst = instrument("miit")
    answers = generated(inst, 0)
    goal = Goal("gd_sme_dt_pilot_digital_level", "试点", "pilot", Target("miit", 2))
    plans = plan_set(inst, answers, Target("miit", 1), goals=[goal], objectives=("programmes",)).plans
    plan = plans["programmes"]
    if plan.reaches and Planner(inst, answers, None).plan(Target("miit", 2)).reaches:
        assert "gd_sme_dt_pilot_digital_level" in plan.goals_met
        assert levels_by_score(inst, applied(inst, answers, plan.steps), None, (goal.target,))[0] >= 2


@pytest.mark.parametrize("key", ["gd", "miit"])
def test_the_fast_checker_agrees_with_the_scorer(key: str) -> None:
    """The search's test (the engine's what-if scorer) equals a full re-score on random raised answers."""
    inst = instrument(key)
    rng = random.Random(7)
    targets = (Target("overall", 3), Target("dimension", 3, inst.modules[0].id))
    if key == "miit":
        targets = (*targets, Target("miit", 2))
    for seed in range(6):
        answers = generated(inst, seed)
        checker = Checker(inst, answers, None)
        planner = Planner(inst, answers, None)
        groups = planner.groups_for(targets, [])
        for _ in range(8):
            raised = dict(checker.answers)
            changed = set()
            for group in rng.sample(groups, min(len(groups), rng.randint(1, 10))):
                move = rng.choice(group)
                item = inst.item(move.item_id)
                raised[item.id] = kind_of(item).raise_answer(item, raised.get(item.id), move.answer)
                changed.add(item.id)
            fast = tuple(checker.level(t, raised, changed) for t in targets)
            assert fast == levels_by_score(inst, raised, None, targets)
