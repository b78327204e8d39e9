"""Result objects built by the faster ``__init__`` are the dataclasses they were: same fields, defaults,
equality and immutability."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from scoring.maturity.result import ItemScore, OptionHint
from scoring.maturity.result.base import fast_init


def test_fields_positional_keyword_and_defaults() -> None:
    by_position = ItemScore("a.1", None, "single", True, "A", Decimal(1), Decimal(2))
    by_name = ItemScore(
        item_id="a.1",
        group=None,
        type="single",
        answered=True,
        answer="A",
        points=Decimal(1),
        max_points=Decimal(2),
    )
    assert by_position == by_name
    assert dataclasses.asdict(by_name)["points"] == Decimal(1)
    assert OptionHint("B", "乙", "B", Decimal(3), Decimal(1)).gain == Decimal(1)


def test_still_frozen_and_hashable() -> None:
    hint = OptionHint("B", "乙", "B", Decimal(3), Decimal(1))
    with pytest.raises(dataclasses.FrozenInstanceError):
        hint.gain = Decimal(2)  # type: ignore[misc]
    assert hash(hint) == hash(OptionHint("B", "乙", "B", Decimal(3), Decimal(1)))
    assert dataclasses.replace(hint, gain=Decimal(2)).gain == Decimal(2)


def test_missing_or_unknown_arguments_fail_as_before() -> None:
    with pytest.raises(TypeError):
        OptionHint("B", "乙", "B", Decimal(3))  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        OptionHint("B", "乙", "B", Decimal(3), Decimal(1), colour="red")  # type: ignore[call-arg]


def test_a_default_is_used_when_omitted() -> None:
    @fast_init
    @dataclasses.dataclass(frozen=True)
    class Row:
        a: int
        b: str = "x"

    assert Row(1) == Row(1, "x")
    assert Row(a=2, b="y").b == "y"


def test_only_plain_frozen_dataclasses() -> None:
    @dataclasses.dataclass
    class Mutable:
        a: int

    @dataclasses.dataclass(frozen=True)
    class WithFactory:
        a: list[int] = dataclasses.field(default_factory=list)

    for cls in (Mutable, WithFactory):
        with pytest.raises(TypeError):
            fast_init(cls)
