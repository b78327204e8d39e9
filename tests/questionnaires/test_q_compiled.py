"""The instrument's conditions compiled once (what scoring tests hundreds of times per assessment) give what
the condition walker gives, for every condition and part of one, whatever the answers and hidden items."""

from __future__ import annotations

import random
from typing import Any

import pytest

import questionnaires as q
from questionnaires.answers.compiled import _owned, compile_condition, compiled
from questionnaires.answers.visibility import holds
from questionnaires.item_types import kind_of
from questionnaires.model import AllOf, Condition, ItemCondition

KEYS = ["gd-mfg-dt@2025.1", "gd-mfg-dt@2025.2", "miit-sme-digital@2024"]


def _odd_value(item: q.Item, rng: random.Random) -> Any:
    """Values a stored answer may hold besides a clean one: empty, numbers as text, evidence form, bad."""
    return rng.choice(
        [None, "", "  ", [], "12", 3, 2.5, True, False, ["A", "Z"], {"value": "A", "evidence": {}}, "Z"]
    )


def _answers(instrument: q.Instrument, rng: random.Random) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in instrument.items:
        roll = rng.random()
        if roll < 0.6:
            out[item.id] = kind_of(item).demo_answer(item, rng, rng.random())
        elif roll < 0.75:
            out[item.id] = _odd_value(item, rng)
    return out


@pytest.mark.parametrize("key", KEYS)
def test_every_condition_compiled_holds_as_the_walker_says(key: str) -> None:
    instrument = q.load(*key.split("@"))
    conditions = _owned(instrument)
    assert len(conditions) > 20, "the instrument has conditions to compare"
    ids = [i.id for i in instrument.items]
    rng = random.Random(5)
    true = false = 0
    for _ in range(60):
        answers = _answers(instrument, rng)
        hidden = frozenset(rng.sample(ids, rng.randint(0, 10)))
        for cond in conditions:
            test = compiled(instrument, cond)
            assert test is not None
            expected = holds(cond, instrument, answers, hidden)
            assert test(answers, hidden) is expected, cond
            true, false = true + expected, false + (not expected)
    assert true and false, "both outcomes are exercised"


def test_operands_of_every_kind_compare_as_the_walker_compares() -> None:
    """Option ids, numbers typed as text, booleans and numbers against every value shape."""
    instrument = q.latest_published("gd-mfg-dt")
    single = next(i for i in instrument.items if i.type == "single")
    number = next((i for i in instrument.items if i.type in ("number", "integer")), single)
    operands: list[Any] = ["A", ("A", "B"), ("12", 12), (True,), 3, "3", ("Z",)]
    values: list[Any] = ["A", "B", ["A", "C"], "12", 12, 12.0, True, 3, "3", None, "", ["Z"], "x"]
    for item in (single, number):
        for op in ("in", "not_in", "equals", "gte", "gt", "lte", "lt", "answered"):
            for operand in operands:
                cond: Condition = ItemCondition(item.id, op, operand)  # type: ignore[arg-type]
                test = compile_condition(instrument, cond)
                for value in values:
                    answers = {item.id: value}
                    for hidden in (frozenset(), frozenset({item.id})):
                        expected = holds(cond, instrument, answers, hidden)
                        assert test(answers, hidden) is expected, (op, operand, value)


def test_a_condition_the_instrument_does_not_own_is_not_compiled() -> None:
    instrument = q.latest_published("gd-mfg-dt")
    item = instrument.items[0]
    stranger = AllOf((ItemCondition(item.id, "answered", True),))
    assert compiled(instrument, stranger) is None
    assert q.evaluate(stranger, instrument, {item.id: "A"}) is True  # the walker answers instead
