"""The item-type registry (questionnaires/item_types): every question type has its class, and each class's
answers are answers its own check accepts, read out in both languages, and only ever raised by the roadmap."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from item_samples import ALL_EVIDENCE_TYPES, ALL_ITEM_TYPES, SAMPLE_EVIDENCE, SAMPLE_ITEMS

from questionnaires.item_types import EVIDENCE_KINDS, ITEM_KINDS, answer_text, evidence_kind_of, kind_of
from questionnaires.model import ITEM_TYPES

TYPES = sorted(ALL_ITEM_TYPES)


def test_every_item_type_has_its_class_and_a_sample() -> None:
    assert set(ITEM_TYPES) == ALL_ITEM_TYPES
    assert set(ITEM_KINDS) == ALL_ITEM_TYPES, "a question type without its class in questionnaires/item_types"
    assert all(kind.name == name for name, kind in ITEM_KINDS.items())
    assert set(SAMPLE_ITEMS) == ALL_ITEM_TYPES, "add a sample item of the new type to tests/item_samples.py"


def test_every_evidence_type_has_its_class() -> None:
    assert set(EVIDENCE_KINDS) == ALL_EVIDENCE_TYPES
    assert set(SAMPLE_EVIDENCE) == ALL_EVIDENCE_TYPES


@pytest.mark.parametrize("item_type", TYPES)
def test_demo_answers_are_answers_the_type_accepts_unchanged(item_type: str) -> None:
    item = SAMPLE_ITEMS[item_type]
    kind = kind_of(item)
    rng = random.Random(7)
    for step in range(11):
        answer = kind.demo_answer(item, rng, step / 10)
        check = kind.check(item, answer)
        assert check.ok, (answer, check.message_en)
        assert check.normalized == answer


@pytest.mark.parametrize("evidence_type", sorted(ALL_EVIDENCE_TYPES))
def test_demo_evidence_is_evidence_the_type_accepts(evidence_type: str) -> None:
    spec = SAMPLE_EVIDENCE[evidence_type]
    rng = random.Random(3)
    for step in range(11):
        value = evidence_kind_of(spec).demo_value(spec, rng, step / 10)
        check = evidence_kind_of(spec).check(spec, value)
        assert check.ok and check.normalized == value


@pytest.mark.parametrize("item_type", TYPES)
def test_a_raised_answer_never_earns_fewer_points_or_lowers_a_number(item_type: str) -> None:
    item = SAMPLE_ITEMS[item_type]
    kind = kind_of(item)
    rng = random.Random(11)
    for _ in range(40):
        current = kind.demo_answer(item, rng, rng.random())
        target = kind.demo_answer(item, rng, rng.random())
        raised = kind.raise_answer(item, current, target)
        assert kind.check(item, raised).ok
        assert kind.points(item, raised) >= kind.points(item, current)
        if isinstance(current, int | float) and not isinstance(current, bool):
            assert raised >= current


@pytest.mark.parametrize("item_type", TYPES)
def test_answers_read_in_the_readers_language(item_type: str) -> None:
    item = SAMPLE_ITEMS[item_type]
    answer = kind_of(item).demo_answer(item, random.Random(5), 0.9)
    zh = answer_text(item, answer, lambda z, e: z or "")
    en = answer_text(item, answer, lambda z, e: e or z or "")
    assert zh and en
    if item_type in ("single", "multi", "boolean", "scenario_level"):
        assert zh != en, "choices, yes/no and levels are worded in the reader's language"


def test_how_answers_read() -> None:
    zh, en = (lambda z, e: z or ""), (lambda z, e: e or z or "")
    items = SAMPLE_ITEMS
    assert answer_text(items["single"], "B", en) == "Some"
    assert answer_text(items["multi"], ["A", "C"], zh) == "设备联网；远程运维"
    assert answer_text(items["multi"], [], en) == "Not ticked"
    assert answer_text(items["boolean"], True, zh) == "是"
    assert answer_text(items["number"], 12.50, zh) == "12.5 %"
    assert answer_text(items["scenario_level"], 0, en) == "Below L1"
    assert answer_text(items["scenario_level"], 2, zh) == "L2：第2级"
    assert answer_text(items["text"], None, en) == "Not answered"
    assert kind_of(items["boolean"]).option_text(items["boolean"], "true", en) == "Yes"


def test_points_and_next_level_hints_follow_the_options() -> None:
    single, multi, boolean = SAMPLE_ITEMS["single"], SAMPLE_ITEMS["multi"], SAMPLE_ITEMS["boolean"]
    assert kind_of(single).points(single, "B") == Decimal(2)
    assert kind_of(multi).points(multi, ["A", "B", "C"]) == Decimal(6)  # 8 capped at max_points
    assert kind_of(boolean).points(boolean, False) == 0
    hint = kind_of(single).improvement(single, "A", Decimal(0), Decimal(1))
    assert [o.id for o, _gain in hint.better] == ["B", "C"] and hint.needed == ("B",)
    hint = kind_of(multi).improvement(multi, ["A"], Decimal(2), Decimal(3))
    assert hint.needed == ("B",) and "N" not in [o.id for o, _gain in hint.better]
