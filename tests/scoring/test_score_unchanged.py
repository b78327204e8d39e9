"""Results are byte-for-byte those of the engine before it was made faster (compiled conditions, what-ifs
reusing the unchanged answers, faster result objects): one digest of the JSON of many generated assessments
per published instrument, with targets, peers, sparse and full answers, every cluster.

A deliberate change of results bumps ``ENGINE_VERSION`` and pins the new digests (run this module's
``digests()``); a change that was meant to be a refactoring must leave them alone."""

from __future__ import annotations

import hashlib
import random
from typing import Any

import questionnaires as q
from questionnaires import loader
from questionnaires.item_types import kind_of
from questionnaires.storage import read_lock
from questionnaires.validator import parse_file
from scoring.maturity import ENGINE_VERSION, result_to_json, score

KEYS = ("gd-mfg-dt@2025.1", "gd-mfg-dt@2025.2", "miit-sme-digital@2024")
CLUSTERS = [None, "c01", "c02", "c03", "c05", "c06", "c09", "c12"]
PINNED_ENGINE = "dx-score-1.0.0"
PINNED = {
    "gd-mfg-dt@2025.1": "97a9e58add05b84bf87e6fe866546bf9ddb468862cf9dcf370d263d12066023a",
    "gd-mfg-dt@2025.2": "3ce87788de815d125fe8ffe17d4ae3f54168c2d452a2087bbfa4d0dab4b151f3",
    "miit-sme-digital@2024": "4fae8eefa041097148a57f63f36f0b467e46b894d73d9f5780396da4ddd65c63",
}


def _inputs(instrument: q.Instrument, rng: random.Random) -> dict[str, Any]:
    density = rng.choice([0.1, 0.5, 0.9, 1.0])
    maturity = rng.random()
    answers = {
        i.id: kind_of(i).demo_answer(i, rng, maturity) for i in instrument.items if rng.random() < density
    }
    targets = {m.id: rng.randint(1, 5) for m in instrument.modules if rng.random() < 0.3}
    peers = [{"score": rng.randint(0, 100), "cluster": "c06", "size": "small", "city": "广州市"}] * 3
    return {
        "answers": answers,
        "profile": {"cluster": rng.choice(CLUSTERS), "size": "small", "city": "佛山市"},
        "targets": targets or None,
        "peers": peers if rng.random() < 0.3 else None,
    }


def _as_published(key: str) -> q.Instrument:
    """The instrument as its hash-locked file defines it: the display overlays beside it
    (questionnaires/english/) change texts shown, not what the engine computes: they stay out of the pin."""
    registry = loader.registry()
    parsed, errors = parse_file(registry.path_for(*key.split("@")), lock=read_lock(registry.root))
    assert parsed is not None, errors
    return parsed


def digest(key: str, n: int = 150) -> str:
    instrument = _as_published(key)
    rng = random.Random(key)
    h = hashlib.sha256()
    for _ in range(n):
        h.update(result_to_json(score(instrument, **_inputs(instrument, rng))).encode())
    return h.hexdigest()


def digests() -> dict[str, str]:
    return {key: digest(key) for key in KEYS}


def test_results_are_those_pinned_for_this_engine_version() -> None:
    assert ENGINE_VERSION == PINNED_ENGINE, "results changed on purpose: pin the new digests (see docstring)"
    assert digests() == PINNED
