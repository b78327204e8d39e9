"""What only a reader of a result needs (gaps, roadmap, unmet tests in words) is worked out when first read:
``score()`` leaves it, a read gives it and keeps it, and it is what computing everything at once gave
(the pinned digests of ``test_score_unchanged`` hold the JSON to that)."""

from __future__ import annotations

import copy
import dataclasses
import pickle
import random
from typing import Any

import pytest

import questionnaires as q
from questionnaires.item_types import kind_of
from scoring.maturity import ScoreResult, result_to_json, score, worked_out
from scoring.maturity.result.deferred import Deferred


@pytest.fixture(scope="module")
def instrument() -> q.Instrument:
    return q.latest_published("gd-mfg-dt")


def _answers(instrument: q.Instrument, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    return {i.id: kind_of(i).demo_answer(i, rng, 0.4) for i in instrument.items if rng.random() < 0.8}


def _deferred(value: Any) -> list[str]:
    """Where a not-yet-computed part sits in *value* (field paths)."""
    found: list[str] = []
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            raw = value.__dict__[f.name]
            if isinstance(raw, Deferred):
                found.append(f"{type(value).__name__}.{f.name}")
            else:
                found += _deferred(raw)
    elif isinstance(value, list | tuple):
        for v in value:
            found += _deferred(v)
    elif isinstance(value, dict):
        for v in value.values():
            found += _deferred(v)
    return found


def test_score_leaves_the_readers_parts_and_a_read_keeps_them(instrument: q.Instrument) -> None:
    result = score(instrument, _answers(instrument, 1), {"cluster": "c06"})
    left = _deferred(result)
    assert "ScoreResult.roadmap" in left and "ModuleResult.next_level" in left
    first = result.roadmap
    assert first is not None and result.roadmap is first  # worked out once, then kept
    assert "ScoreResult.roadmap" not in _deferred(result)


def test_worked_out_leaves_nothing_deferred_and_changes_no_value(instrument: q.Instrument) -> None:
    for seed in range(5):
        answers = _answers(instrument, seed)
        lazy = score(instrument, answers, {"cluster": "c01"})
        assert _deferred(worked_out(lazy)) == []
        assert result_to_json(lazy) == result_to_json(score(instrument, answers, {"cluster": "c01"}))


def test_the_callers_answers_changing_later_do_not_change_the_gaps(instrument: q.Instrument) -> None:
    answers = _answers(instrument, 2)
    expected = result_to_json(score(instrument, dict(answers)))
    result = score(instrument, answers)
    answers.clear()  # the caller reuses its mapping before anyone reads the gaps
    assert result_to_json(result) == expected


def test_a_result_pickles_and_copies_with_its_parts_worked_out(instrument: q.Instrument) -> None:
    answers = _answers(instrument, 3)
    expected = result_to_json(score(instrument, answers))
    for clone in (
        pickle.loads(pickle.dumps(score(instrument, answers))),
        copy.deepcopy(score(instrument, answers)),
    ):
        assert isinstance(clone, ScoreResult) and _deferred(clone) == []
        assert result_to_json(clone) == expected


def test_the_parts_stay_frozen(instrument: q.Instrument) -> None:
    result = score(instrument, _answers(instrument, 4))
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.roadmap = None  # type: ignore[misc]
