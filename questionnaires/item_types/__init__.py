"""The question types of an instrument, one class each (``ItemType`` in questionnaires/model.py).

Everything that depends on an item's type — checking and normalising an answer, reading it out, its points,
what would raise it, a demo answer — is a method of its class here; callers look the class up with
:func:`kind_of` rather than testing ``item.type``. The web form of each type is registered on the portal side
(portal/assessments/item_fields.py). A new type is one class here, one field class there and one template
macro; tests/questionnaires/test_item_types.py fails until all three exist.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from questionnaires.model import EvidenceField, Item

from .base import Improvement, ItemKind, Pick, number_text
from .choice import Multi, Single
from .evidence import EvidenceKind, IntegerEvidence, NumberEvidence, TextEvidence
from .scalar import DEFAULT_MAX_TEXT, Boolean, Integer, Number, ScenarioLevel, Text

ITEM_KINDS: Mapping[str, ItemKind] = MappingProxyType(
    {kind.name: kind for kind in (Single(), Multi(), Number(), Integer(), Text(), Boolean(), ScenarioLevel())}
)
EVIDENCE_KINDS: Mapping[str, EvidenceKind] = MappingProxyType(
    {kind.name: kind for kind in (NumberEvidence(), IntegerEvidence(), TextEvidence())}
)


def kind_of(item: Item) -> ItemKind:
    """The behaviour of *item*'s question type."""
    return ITEM_KINDS[item.type]


def evidence_kind_of(spec: EvidenceField) -> EvidenceKind:
    return EVIDENCE_KINDS[spec.type]


def answer_text(item: Item, value: object, pick: Pick) -> str:
    """A stored answer value as the company reads it ("未作答" when there is none)."""
    if value is None:
        return pick("未作答", "Not answered")
    return kind_of(item).answer_text(item, value, pick)


__all__ = [
    "DEFAULT_MAX_TEXT",
    "EVIDENCE_KINDS",
    "ITEM_KINDS",
    "EvidenceKind",
    "Improvement",
    "ItemKind",
    "Pick",
    "answer_text",
    "evidence_kind_of",
    "kind_of",
    "number_text",
]
