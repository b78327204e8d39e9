"""Frozen dataclasses describing one version of an assessment instrument.

The YAML layout these are built from is documented in ``questionnaires/SCHEMA.md``. Everything here is
immutable: a loaded :class:`Instrument` may be shared freely between requests and threads.
Points, weights and numeric bounds are :class:`~decimal.Decimal` so that sums such as
13 × 0.7 + 0.9 are exact.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from types import MappingProxyType
from typing import Any, Literal, TypeAlias

ItemType: TypeAlias = Literal["single", "multi", "number", "integer", "text", "boolean", "scenario_level"]
ITEM_TYPES: tuple[ItemType, ...] = (
    "single",
    "multi",
    "number",
    "integer",
    "text",
    "boolean",
    "scenario_level",
)
CHOICE_TYPES: frozenset[str] = frozenset({"single", "multi"})
NUMERIC_TYPES: frozenset[str] = frozenset({"number", "integer"})
Status: TypeAlias = Literal["draft", "published"]
Origin: TypeAlias = Literal["own", "external"]
EvidenceType: TypeAlias = Literal["number", "integer", "text"]

# ----------------------------------------------------------------------------------------------------
# Conditions (show_if, level requirements)
# ----------------------------------------------------------------------------------------------------

ComparisonOp: TypeAlias = Literal["in", "not_in", "equals", "answered", "gte", "gt", "lte", "lt"]
COMPARISON_OPS: tuple[ComparisonOp, ...] = ("in", "not_in", "equals", "answered", "gte", "gt", "lte", "lt")
Scalar: TypeAlias = str | int | float | bool | Decimal


@dataclass(frozen=True)
class ItemCondition:
    """``{item: X, <op>: operand}`` — one test on the answer of item X.

    ``in`` / ``not_in`` take a list of option ids (single, multi) or values; for multi-choice items
    ``in`` is true when at least one ticked option is in the list and ``not_in`` when none is.
    ``answered`` takes a bool. The numeric ops compare numbers, integers and scenario levels. Any test
    on an unanswered or hidden item is false, except ``answered: false``.
    """

    item: str
    op: ComparisonOp
    operand: Scalar | tuple[Scalar, ...]


@dataclass(frozen=True)
class AllOf:
    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    condition: Condition


@dataclass(frozen=True)
class AtLeast:
    """``{at_least: n, of: [...]}`` — at least *n* of the listed conditions hold."""

    count: int
    conditions: tuple[Condition, ...]


Condition: TypeAlias = ItemCondition | AllOf | AnyOf | Not | AtLeast


def condition_items(condition: Condition) -> Iterator[ItemCondition]:
    """Yield every :class:`ItemCondition` inside *condition* (depth first, in document order)."""
    if isinstance(condition, ItemCondition):
        yield condition
    elif isinstance(condition, Not):
        yield from condition_items(condition.condition)
    else:
        for sub in condition.conditions:
            yield from condition_items(sub)


# ----------------------------------------------------------------------------------------------------
# Instrument parts
# ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceDocument:
    """A document the instrument derives from (``sources:`` at instrument level)."""

    id: str
    title: str
    reference: str | None = None  # 文号 / issuer / date
    file: str | None = None  # e.g. seeds/002_f2edbe3fa4cb40a2.txt
    digest: str | None = None  # e.g. policy/seed002_digest.md §3.3
    url: str | None = None


@dataclass(frozen=True)
class SourceRef:
    """Where an item (or module) comes from: a document id from ``sources`` plus section and seed lines."""

    document: str
    section: str | None = None
    lines: str | None = None  # e.g. "L2246-2256; L2419"
    note: str | None = None


@dataclass(frozen=True)
class Option:
    id: str
    text_zh: str
    text_en: str
    points: Decimal | None = None
    level: int | None = None  # maturity level (1–5) this answer is typical of, for explanations
    exclusive: bool = False  # a "none of these" option that cannot be combined with others (multi only)


@dataclass(frozen=True)
class EvidenceField:
    id: str
    label_zh: str
    label_en: str
    type: EvidenceType = "number"
    unit: str | None = None
    min: Decimal | None = None
    max: Decimal | None = None
    required: bool = False
    help_zh: str | None = None
    help_en: str | None = None


@dataclass(frozen=True)
class LadderStep:
    """One rung (L1…L4) of a ``scenario_level`` item; answer value 0 means "未达到L1"."""

    level: int
    text_zh: str
    text_en: str | None = None


@dataclass(frozen=True)
class Item:
    id: str
    module_id: str
    type: ItemType
    text_zh: str
    text_en: str
    help_zh: str | None = None
    help_en: str | None = None
    required: bool = True
    options: tuple[Option, ...] = ()
    min: Decimal | None = None
    max: Decimal | None = None
    unit: str | None = None
    max_length: int | None = None
    evidence: tuple[EvidenceField, ...] = ()
    show_if: Condition | None = None
    clusters: tuple[str, ...] = ()
    source: SourceRef | None = None
    source_id: str | None = None  # id in an external instrument (e.g. the MIIT JSON UUID)
    group: str | None = None  # sub-dimension id inside the module
    max_points: Decimal | None = None
    points_true: Decimal | None = None  # boolean items: points when answered True
    ladder: tuple[LadderStep, ...] = ()  # scenario_level items
    constraint: bool = False  # scenario_level: 约束性场景
    tags: tuple[str, ...] = ()

    def option(self, option_id: str) -> Option | None:
        return self._options_by_id.get(option_id) if isinstance(option_id, str) else None

    @cached_property
    def _options_by_id(self) -> Mapping[str, Option]:
        by_id: dict[str, Option] = {}
        for opt in self.options:
            by_id.setdefault(opt.id, opt)  # the first of a repeated id, as the scan this replaces found
        return by_id

    @property
    def option_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.options)

    @cached_property  # read for every item many times per scoring run; the item never changes
    def scored(self) -> bool:
        return self.max_points is not None and self.max_points > 0


@dataclass(frozen=True)
class MaturityLevel:
    """One of the five maturity levels of a module.

    A module is at level *n* when its score (percent of its maximum) is at least ``min_score`` and
    ``requires`` (if any) holds, and the same is true of every lower level (levels are cumulative).
    """

    level: int
    name_zh: str
    name_en: str
    description_zh: str
    description_en: str
    min_score: Decimal | None = None
    requires: Condition | None = None


@dataclass(frozen=True)
class Flag:
    """A named yes/no finding derived from answers, e.g. "on cloud for equipment" (设备上云).

    Flags make classifications explicit and auditable (dashboards count companies by them); ids are unique
    in the instrument.
    """

    id: str
    name_zh: str
    name_en: str
    condition: Condition
    description_zh: str | None = None
    description_en: str | None = None


@dataclass(frozen=True)
class Group:
    """A sub-dimension inside a module (used by the MIIT instrument; optional elsewhere)."""

    id: str
    title_zh: str
    title_en: str
    max_points: Decimal | None = None
    weight_pct: Decimal | None = None


@dataclass(frozen=True)
class Module:
    id: str
    title_zh: str
    title_en: str
    description_zh: str | None
    description_en: str | None
    weight: Decimal
    levels: tuple[MaturityLevel, ...]
    items: tuple[Item, ...]
    clusters: tuple[str, ...] = ()
    groups: tuple[Group, ...] = ()
    max_points: Decimal | None = None
    source: SourceRef | None = None
    flags: tuple[Flag, ...] = ()

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.items)

    @property
    def points_available(self) -> Decimal:
        """Sum of the ``max_points`` of the module's items (all clusters)."""
        return sum((i.max_points or Decimal(0) for i in self.items), Decimal(0))


@dataclass(frozen=True)
class ScoringSpec:
    method: str  # a scoring-method reference the scoring engine dispatches on, e.g. "miit-2024-points"
    total_points: Decimal | None = None
    multi_choice_sum_equals_max: bool = False
    notes_zh: str | None = None
    notes_en: str | None = None


@dataclass(frozen=True)
class Instrument:
    id: str
    version: str
    status: Status
    origin: Origin
    title_zh: str
    title_en: str
    description_zh: str | None
    description_en: str | None
    sources: tuple[SourceDocument, ...]
    scoring: ScoringSpec
    modules: tuple[Module, ...]
    content_hash: str
    _items: Mapping[str, Item] = field(default_factory=dict, compare=False, repr=False, hash=False)
    _modules: Mapping[str, Module] = field(default_factory=dict, compare=False, repr=False, hash=False)
    _item_list: tuple[Item, ...] = field(default=(), init=False, compare=False, repr=False, hash=False)
    # What code derives from this (immutable) instrument once and reuses, e.g. its conditions compiled
    # (questionnaires/answers/compiled.py); not part of the instrument, fresh for every instance.
    derived: dict[str, Any] = field(default_factory=dict, init=False, compare=False, repr=False, hash=False)

    def __post_init__(self) -> None:
        items = {i.id: i for m in self.modules for i in m.items}
        object.__setattr__(self, "_items", MappingProxyType(items))
        object.__setattr__(self, "_item_list", tuple(items.values()))
        object.__setattr__(self, "_modules", MappingProxyType({m.id: m for m in self.modules}))

    @property
    def key(self) -> str:
        """``id@version`` — the key used in ``published.lock.json``."""
        return f"{self.id}@{self.version}"

    @property
    def items(self) -> tuple[Item, ...]:
        """All items in questionnaire order."""
        return self._item_list

    def item(self, item_id: str) -> Item:
        """The item with this id (``KeyError`` if unknown)."""
        return self._items[item_id]

    def has_item(self, item_id: str) -> bool:
        return item_id in self._items

    def module(self, module_id: str) -> Module:
        return self._modules[module_id]

    def module_of(self, item_id: str) -> Module:
        return self._modules[self._items[item_id].module_id]

    def source(self, document_id: str) -> SourceDocument | None:
        for doc in self.sources:
            if doc.id == document_id:
                return doc
        return None


@dataclass(frozen=True)
class InstrumentInfo:
    """A summary row for ``list_available()``."""

    id: str
    version: str
    status: str
    title_zh: str
    title_en: str
    content_hash: str
    path: str

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"
