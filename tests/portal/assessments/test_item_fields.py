"""The web side of the item-type registry (portal/assessments/item_fields.py): every question type has its
field class and template macro, autosave reads its inputs, and what the page shows posts back as the same
stored answer."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from flask import Flask
from item_samples import ALL_EVIDENCE_TYPES, ALL_ITEM_TYPES, SAMPLE_ITEMS

from portal.assessments.item_fields import EVIDENCE_INPUTS, ITEM_FIELDS, field_of
from questionnaires.item_types import kind_of

AUTOSAVE_JS = Path(__file__).resolve().parents[3] / "static" / "js" / "autosave.js"


def test_every_item_type_has_a_field_class() -> None:
    assert set(ITEM_FIELDS) == ALL_ITEM_TYPES, "a question type without its field class in item_fields.py"
    assert set(EVIDENCE_INPUTS) == ALL_EVIDENCE_TYPES


def test_every_field_class_names_a_macro_that_exists(app: Flask) -> None:
    macros = app.jinja_env.get_template("assessments/_item_fields.html").module
    named = {f.macro for f in ITEM_FIELDS.values()} | {f.macro for f in EVIDENCE_INPUTS.values()}
    missing = {name for name in named if not callable(getattr(macros, name, None))}
    assert not missing, f"macros missing from templates/assessments/_item_fields.html: {missing}"


def test_autosave_reads_every_kind_of_input() -> None:
    known = set(re.findall(r'read === "(\w+)"', AUTOSAVE_JS.read_text(encoding="utf-8")))
    choice_reads = {f.read_as for f in ITEM_FIELDS.values() if f.read_as != "typed"}
    assert choice_reads <= known, f"autosave.js does not read {choice_reads - known}"


@pytest.mark.parametrize("item_type", sorted(ALL_ITEM_TYPES))
def test_a_stored_answer_shown_in_the_form_posts_back_unchanged(app: Flask, item_type: str) -> None:
    item = SAMPLE_ITEMS[item_type]
    field, kind = field_of(item), kind_of(item)
    rng = random.Random(2)
    with app.test_request_context():
        posted_values = {value for value, _label, _exclusive in field.choices(item)}
        for step in range(6):
            stored = kind.demo_answer(item, rng, step / 5)
            shown = field.form_value(stored)
            if posted_values:  # what is checked must be one of the inputs drawn
                assert set(shown if isinstance(shown, list) else [shown]) <= posted_values
            check = kind.check(item, field.submitted(shown))
            assert check.ok and check.normalized == stored
