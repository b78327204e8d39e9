"""Answer helpers: validate_answer, skip logic, progress, missing_required, exclusive options, properties."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import questionnaires as q


@pytest.fixture
def inst(minimal: dict[str, Any]) -> q.Instrument:
    built, errors = q.parse_definition(minimal)
    assert errors == [] and built is not None
    return built


def _check(inst: q.Instrument, item_id: str, value: Any, **kw: Any) -> q.AnswerCheck:
    return q.validate_answer(inst, item_id, value, **kw)


def test_unknown_item(inst: q.Instrument) -> None:
    check = _check(inst, "net.nope", "A")
    assert (check.ok, check.code) == (False, "unknown_item")
    assert "net.nope" in check.message_zh and "net.nope" in check.message_en


@pytest.mark.parametrize(
    ("item_id", "value", "normalized"),
    [
        ("net.5g", "C", "C"),
        ("net.scenarios", ["C", "B", "C"], ["B", "C"]),
        ("net.scenarios", "B", ["B"]),
        ("net.scenarios", ["A"], ["A"]),
        ("net.terminals", 7, 7),
        ("net.terminals", "12", 12),
        ("net.terminals", 12.0, 12),
        ("net.edge", True, True),
        ("net.edge", "false", False),
        ("net.notes", "  ok  ", "ok"),
        ("net.level", 0, 0),
        ("net.level", "4", 4),
        ("net.5g", None, None),
        ("net.scenarios", [], None),
    ],
)
def test_valid_answers_are_normalized(inst: q.Instrument, item_id: str, value: Any, normalized: Any) -> None:
    check = _check(inst, item_id, value)
    assert check.ok, check
    assert check.normalized == normalized


@pytest.mark.parametrize(
    ("item_id", "value", "code"),
    [
        ("net.5g", 3, "wrong_type"),
        ("net.5g", ["B"], "wrong_type"),
        ("net.5g", "Z", "unknown_option"),
        ("net.scenarios", ["B", "Z"], "unknown_option"),
        ("net.scenarios", ["A", "B"], "exclusive_conflict"),
        ("net.scenarios", {"B": 1}, "wrong_type"),
        ("net.terminals", "many", "wrong_type"),
        ("net.terminals", True, "wrong_type"),
        ("net.terminals", 2.5, "wrong_type"),
        ("net.terminals", 101, "out_of_range"),
        ("net.terminals", -1, "out_of_range"),
        ("net.terminals", float("nan"), "wrong_type"),
        ("net.edge", "maybe", "wrong_type"),
        ("net.edge", 1, "wrong_type"),
        ("net.notes", 5, "wrong_type"),
        ("net.notes", "x" * 21, "too_long"),
        ("net.notes", "a\x00b", "wrong_type"),  # PostgreSQL's jsonb cannot store NUL
        ("net.level", 5, "out_of_range"),
        ("net.level", 1.5, "wrong_type"),
        ("net.level", True, "wrong_type"),
    ],
)
def test_invalid_answers(inst: q.Instrument, item_id: str, value: Any, code: str) -> None:
    check = _check(inst, item_id, value)
    assert (check.ok, check.code) == (False, code), check
    assert check.normalized is None and check.message_zh and check.message_en


def test_out_of_range_message_gives_the_range(inst: q.Instrument) -> None:
    check = _check(inst, "net.terminals", 500)
    assert "0–100 个" in check.message_zh
    assert "between 0 and 100" in check.message_en


def test_exclusive_none_message(inst: q.Instrument) -> None:
    check = _check(inst, "net.scenarios", ["B", "A"])
    assert check.code == "exclusive_conflict" and "无" in check.message_zh


def test_evidence_representation(inst: q.Instrument) -> None:
    check = _check(inst, "net.devices", {"value": "B", "evidence": {"total": "120", "rate": 35.5}})
    assert check.ok and check.normalized == {"value": "B", "evidence": {"total": 120, "rate": 35.5}}
    check = _check(inst, "net.devices", {"value": None, "evidence": {"total": 10}})
    assert check.ok and check.normalized == {"value": None, "evidence": {"total": 10}}
    assert _check(inst, "net.devices", "B").normalized == "B"
    bad = _check(inst, "net.devices", {"value": "B", "evidence": {"rate": 120}})
    assert (bad.code, bad.field) == ("out_of_range", "rate") and "比例" in bad.message_zh
    assert _check(inst, "net.devices", {"value": "B", "evidence": {"nope": 1}}).code == "unknown_field"
    assert _check(inst, "net.devices", {"value": "B", "evidence": {"total": 1.5}}).code == "wrong_type"
    assert _check(inst, "net.devices", {"value": "Z", "evidence": {}}).code == "unknown_option"
    assert _check(inst, "net.devices", {"evidence": {}}).code == "wrong_type"
    assert _check(inst, "net.5g", {"value": "B", "evidence": {"x": 1}}).code == "unknown_field"


def test_visibility_in_validate_answer(inst: q.Instrument) -> None:
    assert _check(inst, "net.scenarios", ["B"], answers={"net.5g": "A"}).code == "not_visible"
    assert _check(inst, "net.scenarios", ["B"], answers={"net.5g": "B"}).ok
    assert _check(inst, "petro.hazard", True, answers={}).code == "not_visible"
    assert _check(inst, "petro.hazard", True, cluster="c06").code == "not_visible"
    assert _check(inst, "petro.hazard", True, answers={}, cluster="c02").ok
    assert _check(inst, "petro.hazard", True).ok  # no context given: only the value is checked


def test_skip_logic_cascades(inst: q.Instrument) -> None:
    def ids(answers: dict[str, Any], cluster: str | None = None) -> list[str]:
        return [i.id for i in q.visible_items(inst, answers, cluster)]

    everything = [
        "net.5g",
        "net.scenarios",
        "net.terminals",
        "net.edge",
        "net.devices",
        "net.notes",
        "net.level",
    ]
    assert ids({"net.5g": "C", "net.scenarios": ["B"]}) == everything
    assert ids({"net.5g": "C", "net.scenarios": ["A"]}) == [i for i in everything if i != "net.terminals"]
    # 5G removed: the stale answer to net.scenarios no longer shows net.terminals either
    assert ids({"net.5g": "A", "net.scenarios": ["B"]}) == [
        i for i in everything if i not in ("net.scenarios", "net.terminals")
    ]
    assert ids({}, cluster="c02")[-1] == "petro.hazard"
    assert q.visible_answers(inst, {"net.5g": "A", "net.scenarios": ["B"], "junk": 1}) == {"net.5g": "A"}


def test_conditions(inst: q.Instrument) -> None:
    ans = {"net.5g": "C", "net.terminals": 10, "net.edge": False}
    ev = q.evaluate
    assert ev(q.ItemCondition("net.5g", "in", ("C", "D")), inst, ans)
    assert ev(q.ItemCondition("net.5g", "not_in", ("A",)), inst, ans)
    assert not ev(q.ItemCondition("net.scenarios", "not_in", ("A",)), inst, ans)  # unanswered -> false
    assert ev(q.ItemCondition("net.scenarios", "answered", False), inst, ans)
    assert ev(q.ItemCondition("net.edge", "equals", False), inst, ans)
    assert ev(q.ItemCondition("net.edge", "answered", True), inst, ans)
    assert ev(
        q.AllOf((q.ItemCondition("net.terminals", "gte", 10), q.ItemCondition("net.terminals", "lt", 11))),
        inst,
        ans,
    )
    assert not ev(q.Not(q.AnyOf((q.ItemCondition("net.terminals", "gt", 9),))), inst, ans)
    at_least = q.AtLeast(
        2,
        (
            q.ItemCondition("net.5g", "equals", "C"),
            q.ItemCondition("net.edge", "equals", True),
            q.ItemCondition("net.terminals", "lte", 10),
        ),
    )
    assert ev(at_least, inst, ans)
    assert not ev(q.ItemCondition("net.5g", "equals", "C"), inst, ans, hidden={"net.5g"})


def test_progress_counts_visible_items_only(inst: q.Instrument) -> None:
    answers = {"net.5g": "A", "net.edge": True, "net.notes": ""}
    prog = q.progress(inst, answers)
    assert [(m.module_id, m.answered, m.total) for m in prog.modules] == [("net", 2, 5)]
    assert (prog.answered, prog.total, prog.percent, prog.complete) == (2, 5, 40.0, False)
    prog = q.progress(inst, {**answers, "net.5g": "B", "petro.hazard": False}, cluster="c02")
    assert [(m.module_id, m.answered, m.total) for m in prog.modules] == [("net", 2, 6), ("petro", 1, 1)]
    assert prog.modules[1].complete and prog.modules[1].percent == 100.0


def test_missing_required(inst: q.Instrument) -> None:
    answers = {"net.5g": "B", "net.scenarios": ["A"], "net.devices": {"value": "A", "evidence": {"rate": 5}}}
    missing = q.missing_required(inst, answers, cluster="c02")
    assert [(m.module_id, m.item_id, m.field) for m in missing] == [
        ("net", "net.edge", None),
        ("net", "net.devices", "total"),
        ("net", "net.level", None),
        ("petro", "petro.hazard", None),
    ]
    assert "设备总数" in missing[1].text_zh


def test_miit_exclusive_none() -> None:
    miit = q.load("miit-sme-digital", "2024")
    assert q.validate_answer(miit, "base.equipment.network", ["A", "D"]).code == "exclusive_conflict"
    assert q.validate_answer(miit, "base.equipment.network", ["D", "B"]).normalized == ["B", "D"]
    check = q.validate_answer(miit, "ops.production.quality", 4)
    assert check.ok and check.normalized == 4
    assert q.validate_answer(miit, "ops.production.quality", 5).code == "out_of_range"


# ------------------------------------------------------------------------------------------------- properties

SHIPPED = {"gd": q.latest_published("gd-mfg-dt"), "miit": q.load("miit-sme-digital", "2024")}
ITEM_KEYS = [(key, item.id) for key, inst in SHIPPED.items() for item in inst.items]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(pair=st.sampled_from(ITEM_KEYS), value=json_values)
def test_validate_answer_never_raises_and_normalizes_idempotently(pair: tuple[str, str], value: Any) -> None:
    inst = SHIPPED[pair[0]]
    item = inst.item(pair[1])
    check = q.validate_answer(inst, item.id, value)
    assert isinstance(check.ok, bool) and check.message_zh and check.message_en
    if check.ok:
        again = q.validate_answer(inst, item.id, check.normalized)
        assert again.ok and again.normalized == check.normalized


def _answer_for(item: q.Item) -> st.SearchStrategy[Any]:
    if item.type == "single":
        return st.sampled_from(item.option_ids)
    if item.type == "multi":
        plain = [o.id for o in item.options if not o.exclusive]
        return st.lists(st.sampled_from(plain), unique=True)
    if item.type == "boolean":
        return st.booleans()
    if item.type == "scenario_level":
        return st.integers(0, len(item.ladder))
    if item.type in ("integer", "number"):
        low = int(item.min) if item.min is not None else 0
        return st.integers(low, low + 50)
    return st.text(max_size=5)


@st.composite
def answer_sets(draw: st.DrawFn) -> tuple[str, dict[str, Any], str | None]:
    key = draw(st.sampled_from(sorted(SHIPPED)))
    inst = SHIPPED[key]
    answers = {i.id: draw(_answer_for(i)) for i in inst.items if draw(st.booleans())}
    cluster = draw(st.none() | st.sampled_from(["c01", "c02", "c05", "c06", "c09", "c12", "c20"]))
    return key, answers, cluster


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(case=answer_sets())
def test_progress_and_visibility_properties(case: tuple[str, dict[str, Any], str | None]) -> None:
    key, answers, cluster = case
    inst = SHIPPED[key]
    visible = q.visible_items(inst, answers, cluster)
    prog = q.progress(inst, answers, cluster)
    assert prog.total == len(visible)
    assert 0 <= prog.answered <= prog.total
    all_missing = q.missing_required(inst, answers, cluster)
    figures_missing = {m.item_id for m in all_missing if m.field is not None}
    # done = answered with every required evidence figure given (the same rule the submit check applies)
    done = {i.id for i in visible if q.is_answered(answers.get(i.id))} - figures_missing
    assert prog.answered == len(done)
    missing = {m.item_id for m in all_missing if m.field is None}
    assert missing == {i.id for i in visible if i.required and not q.is_answered(answers.get(i.id))}
    for item in visible:  # every generated answer to a visible item passes validation in context
        if item.id in answers:
            assert q.validate_answer(inst, item.id, answers[item.id], answers=answers, cluster=cluster).ok
    # hiding is monotone in the cluster filter: no cluster sees no cluster-specific item
    if cluster is None:
        assert all(not inst.module(i.module_id).clusters and not i.clusters for i in visible)


# ----------------------------------------------------------------------------------------------------
# Hostile numbers: refused by their text before any conversion, with the range in the message
# ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["1e200000", "1E5", "NaN", "Infinity", "-inf", "１２", "1_000", "0x10", "٣"])
def test_numbers_typed_in_other_notations_are_refused_as_not_a_number(inst: q.Instrument, text: str) -> None:
    for value in (text, {"value": "B", "evidence": {"total": text}}):
        check = _check(inst, "net.terminals" if isinstance(value, str) else "net.devices", value)
        assert (check.ok, check.code) == (False, "wrong_type"), check
        assert "半角数字" in check.message_zh


def test_a_huge_exponent_is_refused_at_once(inst: q.Instrument) -> None:
    """'1e200000' used to be turned into a 200,001-digit int (seconds of CPU) before the range check."""
    import time

    started = time.process_time()
    for _ in range(20):
        _check(inst, "net.devices", {"value": None, "evidence": {"total": "1e200000"}})
        _check(inst, "net.devices", {"value": None, "evidence": {"total": 10**4000}})
    assert time.process_time() - started < 0.5  # 20 rounds; one round took over a second before


def test_evidence_without_a_declared_max_gets_the_default_one() -> None:
    """MIIT 2024 (published, immutable) declares min 0 and no max for 生产设备总数 (台, integer): counts go
    up to 1e7."""
    miit = q.load("miit-sme-digital", "2024")
    item = "base.equipment.digitization"

    def check(total: int) -> q.AnswerCheck:
        return q.validate_answer(miit, item, {"value": None, "evidence": {"production_devices_total": total}})

    assert check(10_000_000).ok
    too_many = check(10_000_001)
    assert (too_many.code, too_many.field) == ("out_of_range", "production_devices_total")
    assert too_many.message_zh == "生产设备总数：数值过大，应为 0–10000000 台"
    assert (
        too_many.message_en
        == "Production devices in total: value too large: must be between 0 and 10000000 machines"
    )


def test_too_small_and_too_large_say_which(inst: q.Instrument) -> None:
    assert _check(inst, "net.terminals", 101).message_zh.startswith("数值过大")
    assert _check(inst, "net.terminals", -1).message_zh.startswith("数值过小")
    assert "too small" in _check(inst, "net.terminals", -1).message_en


@pytest.mark.parametrize(
    ("kind", "low", "high", "unit", "bounds"),
    [
        ("number", None, None, "%", (0, 100)),
        ("number", 0, None, "万元/年", (0, 10**9)),
        ("integer", 0, None, "人", (0, 10**7)),
        ("number", 0, None, "吨标准煤", (0, 10**9)),
        ("number", None, None, None, (-(10**9), 10**9)),
        ("integer", 1, 50, "个", (1, 50)),  # declared bounds win
    ],
)
def test_numeric_bounds(kind: str, low: Any, high: Any, unit: str | None, bounds: tuple[int, int]) -> None:
    from decimal import Decimal

    as_decimal = (None if low is None else Decimal(low), None if high is None else Decimal(high))
    assert q.numeric_bounds(kind, *as_decimal, unit) == (Decimal(bounds[0]), Decimal(bounds[1]))
