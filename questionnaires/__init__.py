"""DX Assess instrument definitions: versioned questionnaires as YAML data, schema, loader, validator.

A pure library (standard library + PyYAML only). See ``questionnaires/SCHEMA.md`` for the definition format.

Typical use::

    import questionnaires as q

    inst = q.latest_published("gd-mfg-dt")  # or q.load("gd-mfg-dt", "2025.1", expected_hash=pin)
    check = q.validate_answer(inst, "net.5g_coverage", "B", answers=current, cluster="c06")
    items = q.visible_items(inst, current, cluster="c06")
    q.progress(inst, current, cluster="c06").percent
"""

from __future__ import annotations

from .answers import (
    AnswerCheck,
    MissingItem,
    ModuleProgress,
    Progress,
    answer_evidence,
    answer_value,
    evaluate,
    flags,
    is_answered,
    is_visible,
    missing_required,
    module_visible,
    numeric_bounds,
    progress,
    validate_answer,
    visible_answers,
    visible_items,
)
from .loader import (
    HashMismatchError,
    InstrumentNotFoundError,
    InvalidInstrumentError,
    QuestionnaireError,
    Registry,
    latest_published,
    list_available,
    load,
    publish,
    registry,
)
from .model import (
    AllOf,
    AnyOf,
    AtLeast,
    Condition,
    EvidenceField,
    Flag,
    Group,
    Instrument,
    InstrumentInfo,
    Item,
    ItemCondition,
    LadderStep,
    MaturityLevel,
    Module,
    Not,
    Option,
    ScoringSpec,
    SourceDocument,
    SourceRef,
)
from .storage import DEFINITIONS_DIR, canonical_json, content_hash
from .validator import ValidationError, parse_definition, parse_file, validate_all, validate_file

__all__ = [
    "DEFINITIONS_DIR",
    "AllOf",
    "AnswerCheck",
    "AnyOf",
    "AtLeast",
    "Condition",
    "EvidenceField",
    "Flag",
    "Group",
    "HashMismatchError",
    "Instrument",
    "InstrumentInfo",
    "InstrumentNotFoundError",
    "InvalidInstrumentError",
    "Item",
    "ItemCondition",
    "LadderStep",
    "MaturityLevel",
    "MissingItem",
    "Module",
    "ModuleProgress",
    "Not",
    "Option",
    "Progress",
    "QuestionnaireError",
    "Registry",
    "ScoringSpec",
    "SourceDocument",
    "SourceRef",
    "ValidationError",
    "answer_evidence",
    "answer_value",
    "canonical_json",
    "content_hash",
    "evaluate",
    "flags",
    "is_answered",
    "is_visible",
    "latest_published",
    "list_available",
    "load",
    "missing_required",
    "module_visible",
    "numeric_bounds",
    "parse_definition",
    "parse_file",
    "progress",
    "publish",
    "registry",
    "validate_all",
    "validate_answer",
    "validate_file",
    "visible_answers",
    "visible_items",
]
