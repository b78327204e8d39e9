"""Property tests: single-answer improvements are monotone, answer order is irrelevant, JSON is stable."""

from __future__ import annotations

import random
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import questionnaires as q
from questionnaires import Item
from scoring.maturity import from_plain, item_points, result_to_json, score, to_plain

GD = q.latest_published("gd-mfg-dt")
MIIT = q.load("miit-sme-digital", "2024")
CLUSTERS = [None, "c01", "c02", "c05", "c06", "c09", "c12", "c03"]


def _answer_for(item: Item, rnd: random.Random) -> Any:
    if item.type == "single":
        return rnd.choice(item.option_ids)
    if item.type == "multi":
        real = [o.id for o in item.options if not o.exclusive]
        picked = [o for o in real if rnd.random() < 0.5]
        none = [o.id for o in item.options if o.exclusive]
        return picked or (none[:1] if none else real[:1])
    if item.type == "boolean":
        return rnd.random() < 0.5
    if item.type == "scenario_level":
        return rnd.randint(0, len(item.ladder))
    if item.type in ("number", "integer"):
        return rnd.randint(int(item.min or 0), int(item.min or 0) + 50)
    return "备注"


def _answers(inst: q.Instrument, seed: int, density: float) -> dict[str, Any]:
    rnd = random.Random(seed)
    return {i.id: _answer_for(i, rnd) for i in inst.items if rnd.random() < density}


def _improvements(item: Item, current: Any) -> list[Any]:
    cur = item_points(item, current)
    if item.type == "single":
        return [o.id for o in item.options if (o.points or 0) > cur]
    if item.type == "multi":
        ticked = [c for c in (current or []) if not (item.option(c) and item.option(c).exclusive)]  # type: ignore[union-attr]
        return [sorted({*ticked, o.id}) for o in item.options if not o.exclusive and o.id not in ticked]
    if item.type == "boolean" and current is not True:
        return [True]
    if item.type == "scenario_level":
        return list(range(int(current or 0) + 1, len(item.ladder) + 1))
    return []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10**6),
    density=st.floats(0.2, 1.0),
    cluster=st.sampled_from(CLUSTERS),
    pick=st.integers(0, 10**6),
    which=st.sampled_from(["gd", "miit"]),
)
def test_improving_one_answer_never_lowers_score_or_level(
    seed: int, density: float, cluster: str | None, pick: int, which: str
) -> None:
    inst = GD if which == "gd" else MIIT
    answers = _answers(inst, seed, density)
    before = score(inst, answers, profile={"cluster": cluster})
    shown = {i.item_id for m in before.modules for i in m.items}
    # items that do not steer show_if of other items (changing those may hide/show questions)
    steering = {c.item for i in inst.items if i.show_if for c in q.model.condition_items(i.show_if)}
    candidates = [
        i
        for i in inst.items
        if i.id in shown and i.id not in steering and _improvements(i, answers.get(i.id))
    ]
    if not candidates:
        return
    item = candidates[pick % len(candidates)]
    options = _improvements(item, answers.get(item.id))
    better = dict(answers)
    better[item.id] = options[pick % len(options)]
    after = score(inst, better, profile={"cluster": cluster})
    for m0 in before.modules:
        m1 = after.module(m0.module_id)
        assert (m1.score or 0) >= (m0.score or 0), (item.id, m0.module_id)
        assert m1.level >= m0.level, (item.id, m0.module_id)
    assert (after.overall.score or 0) >= (before.overall.score or 0)
    assert after.overall.level >= before.overall.level
    if before.miit is not None and after.miit is not None:
        assert after.miit.points["total"] >= before.miit.points["total"]
        assert after.miit.level >= before.miit.level


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10**6), cluster=st.sampled_from(CLUSTERS), which=st.sampled_from(["gd", "miit"]))
def test_answer_order_does_not_matter_and_json_is_byte_identical(
    seed: int, cluster: str | None, which: str
) -> None:
    inst = GD if which == "gd" else MIIT
    answers = _answers(inst, seed, 0.8)
    keys = list(answers)
    random.Random(seed + 1).shuffle(keys)
    shuffled = {k: answers[k] for k in keys}
    profile = {"cluster": cluster, "city": "佛山市", "size": "small"}
    peers = [
        {"score": (seed * 7 + n * 13) % 100, "cluster": cluster, "size": "small", "city": "佛山"}
        for n in range(8)
    ]
    a = result_to_json(score(inst, answers, profile=profile, peers=peers))
    b = result_to_json(
        score(inst, shuffled, profile=dict(reversed(list(profile.items()))), peers=list(reversed(peers)))
    )
    c = result_to_json(score(inst, answers, profile=profile, peers=peers))
    assert a == b == c


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10**6),
    density=st.sampled_from([0.0, 0.3, 0.8, 1.0]),
    cluster=st.sampled_from(CLUSTERS),
    which=st.sampled_from(["gd", "miit"]),
)
def test_stored_json_reads_back_into_the_typed_result(
    seed: int, density: float, cluster: str | None, which: str
) -> None:
    """What the portal stores (to_plain) reads back into the engine's types (from_plain) without loss."""
    inst = GD if which == "gd" else MIIT
    peers = [
        {"score": (seed + n * 17) % 100, "cluster": cluster, "size": "small", "city": "佛山"}
        for n in range(6)
    ]
    result = score(
        inst,
        _answers(inst, seed, density),
        profile={"cluster": cluster, "city": "佛山市", "size": "small"},
        targets={m.id: 1 + seed % 5 for m in inst.modules[: seed % 3]},
        peers=peers,
    )
    plain = to_plain(result)
    typed = from_plain(plain)
    assert typed == result
    assert to_plain(typed) == plain
