"""The English overlays of hash-locked instruments: each fits its instrument's content, gives every rung of
every scenario an English text, and leaves the scoring content (and its hash) untouched."""

from __future__ import annotations

import re

import pytest

from questionnaires import Instrument, english, loader
from questionnaires.validator import parse_file

CJK = re.compile(r"[\u3400-\u9fff]")
OVERLAID = [("miit-sme-digital", "2024"), ("gd-mfg-dt", "2025.1"), ("gd-mfg-dt", "2025.2")]


@pytest.mark.parametrize(("instrument_id", "version"), OVERLAID)
def test_the_overlay_fits_and_every_scenario_rung_reads_in_english(instrument_id: str, version: str) -> None:
    registry = loader.registry()
    raw, errors = parse_file(registry.path_for(instrument_id, version))
    assert raw is not None, errors
    overlay = english.read_overlay(instrument_id, version)
    assert overlay is not None
    assert english.problems(raw, overlay) == []

    shown = loader.load(instrument_id, version)
    assert shown.content_hash == raw.content_hash  # the published content and its hash are unchanged
    rungs = [s for item in shown.items for s in item.ladder]
    assert len(rungs) == (64 if instrument_id == "miit-sme-digital" else 0)  # 16 scenarios, L1–L4
    assert all(step.text_en for step in rungs)
    assert [t for t in _english_texts(shown) if CJK.search(t)] == []
    # what is scored is the definition's: same items, same levels
    assert [(i.id, [s.level for s in i.ladder]) for i in shown.items] == [
        (i.id, [s.level for s in i.ladder]) for i in raw.items
    ]


def test_an_overlay_for_other_content_is_not_applied() -> None:
    raw, _ = parse_file(loader.registry().path_for("miit-sme-digital", "2024"))
    assert raw is not None
    overlay = dict(english.read_overlay("miit-sme-digital", "2024") or {}, content_hash="0" * 64)
    assert english.problems(raw, overlay)  # a stale overlay is reported …
    overlay = dict(overlay, content_hash=raw.content_hash, ladder_en={"ops.no_such_item": {1: "x"}})
    assert english.problems(raw, overlay) == ["ops.no_such_item: no such item"]


def _english_texts(shown: Instrument) -> list[str]:
    """Every English text an English page shows of the instrument: titles, questions, help, options, rungs."""
    texts = [shown.title_en, shown.description_en or ""]
    for module in shown.modules:
        texts += [module.title_en, module.description_en or ""]
        for item in module.items:
            texts += [item.text_en or "", item.help_en or ""]
            texts += [o.text_en for o in item.options] + [s.text_en or "" for s in item.ladder]
    return texts


@pytest.mark.parametrize(("instrument_id", "version"), OVERLAID)
def test_no_help_text_shows_a_field_key(instrument_id: str, version: str) -> None:
    """A respondent reads the help under a question: no scoring field names ("max_points") in it."""
    inst = loader.load(instrument_id, version)
    key = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
    shown = [(i.id, h) for i in inst.items for h in (i.help_zh, i.help_en) if h and key.search(h)]
    assert not shown
