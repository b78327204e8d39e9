"""Dimension scores, level boundaries, requires, overall level, visibility, next-level gaps."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal

import pytest
from score_support import toy_instrument

import questionnaires as q
from scoring.maturity import ENGINE_VERSION, ScoringInputError, score

INST = toy_instrument()


@pytest.mark.parametrize(
    ("option", "expected_score", "expected_level"),
    [
        ("O0", "0.00", 1),
        ("O1999", "19.99", 1),
        ("O2000", "20.00", 2),
        ("O3999", "39.99", 2),
        ("O4000", "40.00", 3),
        ("O5999", "59.99", 3),
        ("O6000", "60.00", 4),
        ("O7999", "79.99", 4),
        ("O8000", "80.00", 5),
        ("O10000", "100.00", 5),
    ],
)
def test_module_level_boundaries(option: str, expected_score: str, expected_level: int) -> None:
    r = score(INST, {"a.fine": option, "a.gate": "Y"})
    a = r.module("a")
    assert a.score == Decimal(expected_score)
    assert a.level == expected_level
    assert a.decided_by[expected_level - 1].met
    if expected_level < 5:
        nxt = a.decided_by[expected_level]
        assert not nxt.score_met
        assert a.next_level is not None
        assert a.next_level.score_short == Decimal("0.01") or a.next_level.score_short >= Decimal("0.01")


def test_requires_blocks_level_and_is_explained() -> None:
    r = score(INST, {"a.fine": "O10000", "a.gate": "N"})
    a = r.module("a")
    assert a.score == Decimal("100.00")
    assert a.level == 2  # level 3 requires a.gate = Y
    check = a.decided_by[2]
    assert check.score_met and check.requires_met is False
    assert a.next_level is not None and a.next_level.level == 3
    gaps = a.next_level.requirements_missing
    assert [g.item_id for g in gaps] == ["a.gate"]
    assert gaps[0].current_answer == "N"
    assert "Y" in gaps[0].needed_zh


def test_next_level_lists_items_with_points_available() -> None:
    r = score(INST, {"a.fine": "O3999", "a.gate": "Y", "b.multi": ["B"]})
    a = r.module("a")
    assert a.next_level is not None
    assert a.next_level.score_short == Decimal("0.01")
    assert a.next_level.points_short == Decimal("1.000")
    gap = a.next_level.items[0]
    assert gap.item_id == "a.fine"
    assert gap.answer_needed == ("O4000",)  # the cheapest option that closes the gap alone
    assert gap.points_available == Decimal("6001.000")
    b = r.module("b")
    assert b.next_level is not None
    multi = next(g for g in b.next_level.items if g.item_id == "b.multi")
    assert multi.current_answer == ["B"]
    assert {h.option_id for h in multi.better_options} == {"C", "D"}


def test_unanswered_count_zero_and_are_reported() -> None:
    r = score(INST, {"a.fine": "O4000"})
    assert "a.gate" in r.unanswered and "b.multi" in r.unanswered and "b.flag" in r.unanswered
    assert r.module("b").score == Decimal("0.00")
    assert "b.more" not in r.unanswered  # hidden by show_if


def test_hidden_items_are_left_out_of_numerator_and_denominator() -> None:
    no = score(INST, {"b.multi": ["B", "C", "D"], "b.flag": False, "b.more": "Z"})
    assert no.module("b").max_points == Decimal("4.000")
    assert no.module("b").score == Decimal("75.00")
    assert "b.more" in no.ignored_answers
    yes = score(INST, {"b.multi": ["B", "C", "D"], "b.flag": True, "b.more": "Z"})
    assert yes.module("b").max_points == Decimal("6.000")
    assert yes.module("b").score == Decimal("100.00")


def test_multi_none_option_and_cap() -> None:
    r = score(INST, {"b.multi": ["A"]})
    assert r.module("b").points == Decimal("0.000")


def test_overall_weights_and_cluster_modules() -> None:
    r = score(
        INST, {"a.fine": "O10000", "a.gate": "Y", "b.multi": ["B", "C", "D"], "b.flag": True, "b.more": "Z"}
    )
    assert [m.module_id for m in r.modules] == ["a", "b"]
    assert r.overall.score == Decimal("100.00")
    assert r.module("a").share == Decimal("0.6000")
    c06 = score(INST, {"a.fine": "O10000", "a.gate": "Y", "c.yes": False}, profile={"cluster": "c06"})
    assert [m.module_id for m in c06.modules] == ["a", "b", "c"]
    # (60 × 100 + 40 × 0 + 50 × 0) / 150
    assert c06.overall.score == Decimal("40.00")
    assert c06.module("c").share == Decimal("0.3333")


def test_overall_level_rule_score_bands_and_lagging_dimensions() -> None:
    # a at 100 (level 5), b at 0 (level 1): overall 60 but b lags → overall level limited to 2
    r = score(INST, {"a.fine": "O10000", "a.gate": "Y"})
    assert r.overall.score == Decimal("60.00")
    assert r.overall.level == 2
    failing = r.overall.decided_by[-1]
    assert failing.level == 3 and failing.lagging_dimensions == ("b",)
    r2 = score(INST, {"a.fine": "O2000", "a.gate": "Y", "b.multi": ["B"], "b.flag": False})
    # a = 20 (level 2), b = 25 (level 2): overall 22 → level 2
    assert r2.overall.score == Decimal("22.00")
    assert r2.overall.level == 2
    assert r2.overall.gbt39116_zh == "二级 规范级"


def test_invalid_answers_raise_with_all_errors() -> None:
    with pytest.raises(ScoringInputError) as exc:
        score(INST, {"a.fine": "nope", "zzz": 1})
    errors = exc.value.errors
    assert {e.field for e in errors} == {"answers.a.fine", "answers.zzz"}


def test_engine_version_present() -> None:
    assert score(INST, {}).engine_version == ENGINE_VERSION


def test_real_instrument_scores() -> None:
    inst = q.latest_published("gd-mfg-dt")
    r = score(inst, {}, profile={"cluster": "c02", "city": "揭阳市", "size": "small"})
    assert r.overall.score == Decimal("0.00")
    assert r.overall.level == 1
    assert any(m.module_id == "c02_petrochem" for m in r.modules)
    assert all(m.level == 1 for m in r.modules)


def test_no_web_framework_imports() -> None:
    code = (
        "import sys, scoring.maturity, scoring.maturity.cli;"
        "bad=[m for m in sys.modules"
        " if m.split('.')[0] in ('flask','sqlalchemy','portal','flask_sqlalchemy')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stdout + out.stderr


@pytest.mark.parametrize("cluster", ["c0²", "c２", " ", "c21", "c001"])
def test_a_malformed_cluster_is_an_input_error(cluster: str) -> None:
    """'c0²' passed str.isdigit() and then int() raised ValueError (a 500 in the portal)."""
    with pytest.raises(ScoringInputError) as exc:
        score(INST, {}, profile={"cluster": cluster})
    assert [e.field for e in exc.value.errors] == ["profile.cluster"]
