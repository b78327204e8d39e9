"""The roadmap's what-if scoring (engine.WhatIf) reuses what the unchanged answers gave; it must give the
same score and level as scoring the changed answers from scratch, also when a change shows or hides items."""

from __future__ import annotations

import random
from typing import Any

import pytest

import questionnaires as q
from questionnaires.item_types import kind_of
from scoring.maturity.api import normalize_answers
from scoring.maturity.engine import WhatIf, module_score_and_level, show_if_items, visibility

CLUSTERS = [None, "c01", "c05", "c06", "c12"]


def _answers(instrument: q.Instrument, rng: random.Random) -> dict[str, Any]:
    maturity = rng.random()
    raw = {i.id: kind_of(i).demo_answer(i, rng, maturity) for i in instrument.items if rng.random() < 0.8}
    return normalize_answers(instrument, raw)


@pytest.mark.parametrize("key", ["gd-mfg-dt", "miit-sme-digital"])
def test_what_if_scores_equal_scoring_from_scratch(key: str) -> None:
    instrument = q.latest_published(key)
    gates = sorted(show_if_items(instrument))
    rng = random.Random(21)
    flipped = 0
    for _ in range(25):
        cluster = rng.choice(CLUSTERS)
        answers = _answers(instrument, rng)
        seen = visibility(instrument, answers, cluster)
        what_if = WhatIf(instrument, answers, cluster, seen)
        for _ in range(12):
            ids = rng.sample([i.id for i in instrument.items], 2) + ([rng.choice(gates)] if gates else [])
            changed = ids[: rng.randint(1, len(ids))]
            new = dict(answers)
            for item_id in changed:
                item = instrument.item(item_id)
                new[item_id] = kind_of(item).demo_answer(item, rng, rng.random())
            flipped += visibility(instrument, new, cluster).hidden != seen.hidden
            for module in instrument.modules:
                expected = module_score_and_level(instrument, module, new, cluster)
                assert what_if.score_and_level(module, new, changed) == expected
    if gates:
        assert flipped, "no change showed or hid an item: the test does not cover that path"
